"""Issue 15's last defects, through the Flask test client on SQLite and PostgreSQL:
money fields take decimals and the forms the app shows ("12 500,50", "12 500.00");
an invalid time zone is a field error, not ignored; usernames are one account
whatever their case (login and creating one); the pages link a favicon that exists."""

from __future__ import annotations

import re
import shutil

import pytest

from engine.errors import ConflictError
from tests.conftest import BASE_METHODOLOGY, SHIPPED, make_engine
from tests.webui.pages_support import client_for, log_in, make_app, open_deal, with_passwords

# The shipped forms' amounts, by their ids: estimated_amount, amount_received, listing_fee...
MONEY_FIELD = re.compile(r'<camunda:formField id="((?:\w+_)?(?:amount|value|fee)(?:_\w+)?)" label="([^"]*)" type="(\w+)"')
CURRENCY_CODE = re.compile(r"\b(?:PLN|EUR|USD|GBP|CZK)\b|deal's currency")


@pytest.fixture
def decimal_engine(db_url, clock, tmp_path):
    """The base methodology with its Qualify task's amount a money field."""
    target = tmp_path / "methodologies"
    shutil.copytree(BASE_METHODOLOGY, target)
    bpmn = target / "bpmn" / "deal.bpmn"
    text = bpmn.read_text("utf-8")
    assert '<camunda:formField id="amount" label="Amount" type="long">' in text
    bpmn.write_text(text.replace('<camunda:formField id="amount" label="Amount" type="long">',
                                 '<camunda:formField id="amount" label="Amount" type="decimal">'), "utf-8")
    engine = with_passwords(make_engine(db_url, clock, target))
    yield engine
    engine.close()


@pytest.mark.parametrize("typed, stored", [("12500.50", "12500.50"), ("12 500,50", "12500.50"),
                                           ("12\u202f500.00", "12500.00"), ("12,500.50", "12500.50")])
def test_a_money_field_takes_decimals_and_the_forms_the_app_shows(decimal_engine, typed, stored):
    deal = open_deal(decimal_engine)
    rep = client_for(make_app(decimal_engine), "rep1")
    task_id = deal.open_tasks[0].id
    form = rep.get(f"/tasks/{task_id}").text
    assert re.search(r'<input id="input-amount" name="amount" type="text" value="" required\s+inputmode="decimal"', form)
    done = rep.post(f"/tasks/{task_id}", data={"amount": typed, "interested": "true"})
    assert done.status_code == 303, done.text
    completed = [e for e in decimal_engine.show_opportunity(deal.id).events if e.kind == "task_completed"]
    assert str(completed[-1].data["data"]["amount"]) == stored


def test_the_shipped_money_fields_are_decimal_not_whole_numbers():
    fields = [(path.name, field, label, kind) for path in sorted((SHIPPED / "bpmn").glob("*.bpmn"))
              for field, label, kind in MONEY_FIELD.findall(path.read_text("utf-8"))]
    assert len(fields) >= 10
    assert [f for f in fields if f[3] != "decimal"] == []
    # One process serves deals in several currencies: the form shows the deal's, a label names none.
    assert [f for f in fields if CURRENCY_CODE.search(f[2])] == []


def currency_after(page: str, field: str) -> str | None:
    unit = re.search(rf'<span class="with-unit"><input id="input-{field}"[^>]*aria-describedby="unit-{field}[ "]'
                     rf'[^>]*><span class="unit" id="unit-{field}">(\w+)</span>', page)
    return unit and unit.group(1)


def test_an_amount_shows_the_deal_s_currency_after_its_input(decimal_engine):
    deal = decimal_engine.create_opportunity(title="Chłodnia", amount="1000.00", currency="EUR", partner="Bar",
                                             attributes={"channel": "retail"}, actor="manager")
    rep = client_for(make_app(decimal_engine), "rep1")
    task_id = deal.open_tasks[0].id
    form = rep.get(f"/tasks/{task_id}").text
    assert currency_after(form, "amount") == "EUR"
    assert 'id="unit-interested"' not in form  # a yes/no has no currency
    refused = rep.post(f"/tasks/{task_id}", data={"amount": "a lot", "interested": "true"})
    assert refused.status_code == 422 and currency_after(refused.text, "amount") == "EUR"
    assert 'aria-describedby="unit-amount error-amount" aria-invalid="true"' in refused.text
    assert rep.post(f"/tasks/{task_id}", data={"amount": "900", "interested": "true"}).status_code == 303
    assert currency_after(rep.get(f"/tasks/{task_id}/revise").text, "amount") == "EUR"


def test_an_invalid_time_zone_is_a_field_error_and_the_zone_stays(app, engine):
    rep = client_for(app, "rep1")
    answer = rep.post("/timezone", data={"tz": "Mars/Olympus", "next": "/"}, follow_redirects=True)
    assert answer.status_code == 200 and answer.request.path == "/"  # back on a page, not the form's address
    assert re.search(r'<p class="field-error" id="tz-error" role="alert">“Mars/Olympus” is not a time zone', answer.text)
    assert 'aria-invalid="true" aria-describedby="tz-error"' in answer.text
    assert 'name="tz" value="UTC"' in answer.text
    assert "tz-error" not in rep.get("/").text  # said once
    rep.post("/timezone", data={"tz": "Europe/Warsaw", "next": "/"})
    page = rep.get("/").text
    assert "tz-error" not in page and "Europe/Warsaw" in page


def test_usernames_are_one_account_whatever_their_case(app, engine):
    client = app.test_client()
    assert log_in(client, "REP1").status_code == 302  # the password is rep1's
    assert re.search(r'id="current-user">[^<]*<small>\(rep\)</small>', client.get("/").text)
    assert log_in(app.test_client(), "Rep1", "wrong").status_code != 302
    with pytest.raises(ConflictError, match="already exists"):
        engine.create_user("Rep1", "rep")
    assert engine.authenticate("rEp1", "demo").username == "rep1"


def test_the_pages_link_a_favicon_that_is_served(app):
    page = app.test_client().get("/login")
    href = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page.text).group(1)
    with app.test_client().get(href) as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data
