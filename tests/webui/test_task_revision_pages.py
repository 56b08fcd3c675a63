"""Revising a completed task's answers on the screens (issue 15): the "Revise answers"
links on the task page and the deal page's tasks tab, the prefilled form, its save
(Post/Redirect/Get to the deal), a refused save that stays on the form's own address,
and every address as the wrong user, after the stage was left, without a CSRF token
and logged out; on SQLite and PostgreSQL. (Chromium: tests/browser/test_task_revision_in_chromium.py.)"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from tests.service.revision_fixtures import revision_engine
from tests.webui.pages_support import client_for, csrf_token, make_app, with_passwords


@pytest.fixture
def engine(db_url, clock, tmp_path):
    engine = with_passwords(revision_engine(db_url, clock, tmp_path))
    yield engine
    engine.close()


@pytest.fixture
def qualified(engine):
    """(deal, the completed "Qualify the lead" task id): rep1 gave 5000 and a need."""
    deal = engine.create_opportunity(title="Kiosk", amount="1000.00", partner="Hotel Rex", actor="manager",
                                     attributes={"channel": "retail"})
    (task,) = [t for t in deal.open_tasks if t.kind == "workflow"]
    deal = engine.complete_task(task.id, actor="rep1", data={"amount": "5000", "need": "ovens",
                                                             "interested": "false"})
    return deal, task.id


def test_the_completed_task_and_the_deals_tasks_tab_link_to_the_prefilled_form(app, qualified):
    deal, task = qualified
    client = client_for(app, "rep1")
    assert f'href="/tasks/{task}/revise"' in client.get(f"/tasks/{task}").text
    tasks_tab = client.get(f"/opportunities/{deal.id}").text.split('id="panel-tasks"')[1].split("</section>")[0]
    assert f'id="revise-{task}" href="/tasks/{task}/revise"' in tasks_tab
    form = client.get(f"/tasks/{task}/revise")
    assert form.status_code == 200
    assert re.search(r'id="input-amount" name="amount" type="number" value="5000"', form.text)
    assert 'id="input-need" name="need" type="text" value="ovens"' in form.text
    assert re.search(r'<option value="false" selected>No</option>', form.text)  # not the default "Yes"
    assert 'name="csrf_token"' in form.text and 'id="revise-submit"' in form.text


def test_saving_redirects_to_the_deal_with_the_new_amount_and_the_revision_in_its_history(app, engine, qualified):
    deal, task = qualified
    client = client_for(app, "rep1")
    saved = client.post(f"/tasks/{task}/revise", data={"amount": "7000", "need": "two ovens", "interested": "true"})
    assert saved.status_code == 303
    assert saved.headers["Location"].endswith(f"/opportunities/{deal.id}")  # a reload shows it, never resends
    page = client.get(saved.headers["Location"]).text
    assert "Revised the answers of “Qualify the lead”" in page
    assert 'id="deal-amount">7\u202f000.00 PLN<' in page
    revised = page.split('class="event event-task_revised"')[1].split("</li>")[0]
    for label, change in (("What they need", "ovens → two ovens"), ("Amount", "5000 → 7000"),
                          ("Interested?", "No → Yes")):
        assert f"<dt>{label}</dt><dd>{change}</dd>" in revised, label
    assert engine.show_opportunity(deal.id).amount == Decimal("7000.00")


def test_a_refused_save_stays_on_the_forms_address_with_what_was_typed(app, engine, qualified):
    deal, task = qualified
    refused = client_for(app, "rep1").post(f"/tasks/{task}/revise", data={"amount": "-3", "need": "vans"})
    assert refused.status_code == 422
    assert 'id="form-errors"' in refused.text and 'id="error-amount"' in refused.text
    assert 'value="vans"' in refused.text  # what was typed is kept
    assert f'action="/tasks/{task}/revise"' in refused.text  # a reload posts to the same form, no 405
    assert engine.show_opportunity(deal.id).amount == Decimal("5000.00")


def test_the_wrong_user_may_not_revise(app, engine, qualified):
    deal, task = qualified
    manager = client_for(app, "manager")  # sees the deal, did not complete the task
    assert f'href="/tasks/{task}/revise"' not in manager.get(f"/tasks/{task}").text
    assert f'id="revise-{task}"' not in manager.get(f"/opportunities/{deal.id}").text
    page = manager.get(f"/tasks/{task}/revise")
    assert page.status_code == 403 and 'id="revise-refused"' in page.text and 'id="revise-submit"' not in page.text
    assert manager.post(f"/tasks/{task}/revise", data={"amount": "9", "need": "x"}).status_code == 403
    stranger = client_for(app, "rep2")  # does not see the deal at all
    assert stranger.get(f"/tasks/{task}/revise").status_code == 404
    assert stranger.post(f"/tasks/{task}/revise", data={"amount": "9", "need": "x"}).status_code == 404
    assert engine.show_opportunity(deal.id).amount == Decimal("5000.00")


def test_once_the_stage_is_left_the_form_says_so_and_saves_nothing(app, engine, qualified):
    deal, task = qualified
    score = [t.id for t in deal.open_tasks if t.name == "Score the lead"][0]
    scored = engine.complete_task(score, actor="rep1", data={"budget": "yes", "timeline": "quarter"})
    engine.complete_task([t.id for t in scored.open_tasks if t.name == "Confirm the lead"][0], actor="rep1", data={})
    client = client_for(app, "rep1")
    assert f'href="/tasks/{task}/revise"' not in client.get(f"/tasks/{task}").text
    page = client.get(f"/tasks/{task}/revise")
    assert 'id="revise-refused"' in page.text and "left the stage" in page.text
    posted = client.post(f"/tasks/{task}/revise", data={"amount": "9", "need": "x"})
    assert posted.status_code == 409 and 'value="x"' in posted.text
    assert engine.show_opportunity(deal.id).amount == Decimal("5000.00")


def test_the_form_needs_its_csrf_token_and_a_login(engine, qualified):
    _, task = qualified
    app = make_app(engine, csrf=True)
    client = app.test_client()
    assert client.get(f"/tasks/{task}/revise").status_code == 302  # to the login page
    client.post("/login", data={"username": "rep1", "password": "demo",
                                "csrf_token": csrf_token(client.get("/login").text)})
    assert client.post(f"/tasks/{task}/revise", data={"amount": "9", "need": "x"}).status_code == 400
    token = csrf_token(client.get(f"/tasks/{task}/revise").text)
    assert client.post(f"/tasks/{task}/revise", data={"amount": "9", "need": "x", "csrf_token": token}
                       ).status_code == 303
