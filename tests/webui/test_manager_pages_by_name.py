"""The manager's report and forecast pages read like a CRM's: people by their names,
methodologies by their names, every amount outside a currency column with its
currency (money is never a bare number a reader must guess the currency of)."""

from __future__ import annotations

import re

import pytest

from engine.service import Engine
from tests.conftest import BASE_METHODOLOGY
from tests.service.forecast_seeds import seed
from tests.service.quota_seeds import with_director
from tests.service.test_lost_reasons import lose_three
from tests.webui.pages_support import client_for, make_app, with_passwords

NAMES = {"admin": "Ada Admin", "manager": "Marta Kowalska", "manager2": "Jan Drugi", "rep1": "Anna Nowak",
         "rep2": "Piotr Zieliński", "rep3": "Ewa Trzecia"}


@pytest.fixture
def engine(db_url, clock):
    """tests.conftest.make_engine's people and teams, each with a name unlike their username."""
    engine = Engine(db_url, clock=clock, upgrade_schema=True)
    for username in NAMES:
        engine.create_user(username, "admin" if username == "admin" else username.rstrip("0123456789"),
                           NAMES[username])
    engine.create_team("sales", "manager", ["rep1", "rep2"])
    engine.create_team("horeca", "manager", ["rep1", "rep2"])
    engine.create_team("others", "manager2", ["rep3"])
    engine.deploy(str(BASE_METHODOLOGY), actor="admin")
    yield with_passwords(engine)
    engine.close()


def test_the_lost_report_names_people_and_methodologies_not_their_ids(engine, clock):
    """The owner column and the per-rep bars were usernames; the headings, the
    methodology filter and the deals' methodology column were ids."""
    lose_three(engine, clock)
    names = engine.methodology_names()
    page = client_for(make_app(engine), "manager").get("/reports/lost").text

    owners = re.findall(r'<td data-label="Owner">([^<]*)</td>', page)
    assert owners and set(owners) <= {NAMES["rep1"], NAMES["rep2"]}
    by_rep = page.split('id="by-rep"')[1].split("</ul>")[0]
    labels = re.findall(r'<span class="bar-label">([^<]*)</span>', by_rep)
    assert labels and set(labels) <= {NAMES["rep1"], NAMES["rep2"]}
    headings = re.findall(r'class="card lost-methodology" id="lost-([^"]+)-\d+">\s*<h2>([^<]*)<', page)
    assert headings and all(heading.strip() == names[methodology_id] for methodology_id, heading in headings)
    assert all(names[m] != m for m, _ in headings)  # else the test could not tell a name from an id
    columns = re.findall(r'<td data-label="Methodology">([^<]*)</td>', page)
    assert columns and all(any(column.startswith(name + " ") for name in names.values()) for column in columns)
    select = page.split('id="f-methodology"')[1].split("</select>")[0]
    assert dict(re.findall(r'<option value="([^"]+)" >([^<]*)</option>', select)) == names  # it still sends the id


def test_the_forecast_rollup_and_submissions_write_the_currency_and_format_the_amounts(engine):
    seed(with_director(engine))
    engine.set_quota("manager", "2026-Q4", "80000", actor="director")
    manager = client_for(make_app(engine), "manager")
    manager.post("/forecast/submit", data={"period": "2026-Q4"})
    page = manager.get("/forecast?period=2026-Q4").text

    rollup = re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", " ", page.split('id="rollup-PLN"')[1].split("</ul>")[0]))
    for label in ("commit", "best case", "pipeline", "weighted"):
        assert re.search(rf"{label} [\d\u202f]+\.\d\d PLN", rollup), (label, rollup)
    submitted = page.split('id="submission-1"')[1].split("</li>")[0]
    assert re.search(r"won [\d\u202f]+\.\d\d (EUR|PLN), commit [\d\u202f]+\.\d\d (EUR|PLN)", submitted), submitted
    assert not re.search(r"\d{4,}\.\d\d", submitted)  # thousands grouped, as everywhere else


def test_the_win_model_page_names_who_trained_it(engine):
    engine.train_win_model(actor="admin")  # no closed deals: trained, and disabled
    page = client_for(make_app(engine), "manager").get("/win-model").text
    assert re.search(r"Trained [^<]* by Ada Admin on 0 closed deals", page)  # was "by admin"


def test_the_partner_list_shows_channel_codes_as_words_and_its_filter_still_sends_the_code(engine):
    """The channel column and its filter showed the code (``retail_chain``)."""
    chain = engine.create_partner(actor="manager", owner="rep1", name="Społem", channel="retail_chain")
    typed = engine.create_partner(actor="manager", owner="rep1", name="Pod Lipami", channel="HoReCa")
    manager = client_for(make_app(engine), "manager")
    page = manager.get("/partners").text

    def channel(partner_id: int, text: str) -> str:
        row = text.split(f'id="partner-{partner_id}"')[1].split("</tr>")[0]
        return re.search(r'<td data-label="Channel" class="meta[^"]*">([^<]*)</td>', row).group(1)

    assert channel(chain.id, page) == "Retail chain"
    assert channel(typed.id, page) == "HoReCa"  # typed as a person spells it: kept
    select = page.split('id="filter-channel"')[1].split("</select>")[0]
    assert ("retail_chain", "Retail chain") in re.findall(r'<option value="([^"]+)" >([^<]*)</option>', select)
    filtered = manager.get("/partners?channel=retail_chain").text
    assert channel(chain.id, filtered) == "Retail chain" and f'id="partner-{typed.id}"' not in filtered
