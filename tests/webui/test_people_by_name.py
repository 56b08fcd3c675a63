"""People are shown by their display names on the screens (issue 15): the deal page's
header and panels, the task page, the inbox and the swap preview print "Anna Nowak",
never the username "rep1" that the views carry (webui/people.py's ``person`` filter)."""

from __future__ import annotations

import re

import pytest

from engine.service import Engine
from tests.conftest import BASE_METHODOLOGY
from tests.webui.pages_support import client_for, make_app, open_deal, with_passwords

NAMES = {"admin": "Ada Admin", "manager": "Marta Kowalska", "rep1": "Anna Nowak", "rep2": "Piotr Zieliński"}


@pytest.fixture
def engine(db_url, clock):
    engine = Engine(db_url, clock=clock, upgrade_schema=True)
    for username, role in (("admin", "admin"), ("manager", "manager"), ("rep1", "rep"), ("rep2", "rep")):
        engine.create_user(username, role, NAMES[username])
    engine.create_team("sales", "manager", ["rep1", "rep2"])
    engine.deploy(str(BASE_METHODOLOGY), actor="admin")
    yield with_passwords(engine)
    engine.close()


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_deal_page_names_its_owner_manager_and_task_holders(engine):
    app = make_app(engine)
    deal = open_deal(engine)
    done = engine.complete_task(deal.open_tasks[0].id, actor="rep1", data={"amount": "5"})
    page = client_for(app, "manager").get(f"/opportunities/{deal.id}").text
    assert re.search(r'id="deal-owner">Anna Nowak<', page)
    assert re.search(r'id="deal-manager">Marta Kowalska<', page)
    tasks = text_of(page.split('id="panel-tasks"')[1].split('id="deal-manage"')[0])
    assert "— Anna Nowak, due" in tasks and "— Anna Nowak, " in tasks.split("Completed tasks")[1]
    history = text_of(page.split('id="stage-history"')[1].split("</section>")[0])
    assert "Marta Kowalska" in history and "Anna Nowak" in history
    for shown in (tasks, history, text_of(page.split('id="deal-header"')[1].split("</header>")[0])):
        assert "rep1" not in shown, shown  # the username appears nowhere a person is named
    task = client_for(app, "rep1").get(f"/tasks/{done.open_tasks[0].id}").text
    assert "assigned to Anna Nowak" in text_of(task) and "assigned to rep1" not in task
    inbox = text_of(client_for(app, "manager").get("/").text)
    assert "Anna Nowak" in inbox


def test_the_deals_lists_owner_filter_offers_people_by_name_and_filters_by_username(engine):
    app = make_app(engine)
    open_deal(engine)
    page = client_for(app, "manager").get("/deals?scope=team").text
    owner_filter = page.split('id="filter-owner"')[1].split("</select>")[0]
    assert re.search(r'<option value="rep1"\s*>Anna Nowak</option>', owner_filter), owner_filter
    assert ">rep1<" not in owner_filter
    chosen = client_for(app, "manager").get("/deals?scope=team&owner=rep1").text
    assert re.search(r'<option value="rep1"\s*selected>Anna Nowak</option>', chosen)
