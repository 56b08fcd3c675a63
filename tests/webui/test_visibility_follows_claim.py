"""Visibility follows the claim (issue 11): a rep who could see a deal only because
its task waited in their team's queue stops seeing it — page, API and inbox — once a
teammate claims that task; the owner, the claimer and the manager still see it."""

import shutil

import pytest

from tests.conftest import BASE_METHODOLOGY, make_engine
from tests.webui.pages_support import TITLE, assert_nothing_leaks, client_for, make_app, open_deal, \
    with_passwords


@pytest.fixture
def engine(db_url, clock, tmp_path):
    """The base methodology with the rep lane going to the team's queue, and rep3
    joining team 'sales' (rep1, rep2), so two reps who do not own the deal share its queue."""
    methodologies = tmp_path / "methodologies"
    shutil.copytree(BASE_METHODOLOGY, methodologies)
    routing = methodologies / "routing" / "default.yaml"
    routing.write_text(routing.read_text("utf-8").replace("rep: owner", "rep: team_queue"), "utf-8")
    engine = with_passwords(make_engine(db_url, clock, methodologies))
    engine.add_team_member("sales", "rep3")
    yield engine
    engine.close()


def sees(app, engine, username: str, deal_id: int) -> dict[str, bool]:
    """Whether ``username`` sees the deal on its page, through the API and in the inbox."""
    page = client_for(app, username).get(f"/opportunities/{deal_id}")
    token = engine.create_token(username)
    api = app.test_client().get(f"/api/v1/opportunities/{deal_id}", headers={"Authorization": f"Bearer {token}"})
    inbox = client_for(app, username).get("/")
    for refused in (page, api):
        if refused.status_code == 404:
            assert_nothing_leaks(refused)
    return {"page": page.status_code == 200, "api": api.status_code == 200, "inbox": TITLE in inbox.text}


def test_a_rep_no_longer_sees_a_deal_once_a_teammate_claimed_its_only_queued_task(engine):
    app = make_app(engine)
    deal = open_deal(engine)                      # owned by rep1 (round robin), its task in sales' queue
    (task,) = deal.open_tasks
    assert (task.assignee, task.candidate_team) == (None, "sales")
    everywhere = {"page": True, "api": True, "inbox": True}
    assert sees(app, engine, "rep2", deal.id) == everywhere
    assert sees(app, engine, "rep3", deal.id) == everywhere

    engine.claim_task(task.id, actor="rep3")

    assert sees(app, engine, "rep2", deal.id) == {"page": False, "api": False, "inbox": False}
    assert sees(app, engine, "rep3", deal.id) == everywhere
    for still in ("rep1", "manager"):             # the owner and the deal's manager
        assert client_for(app, still).get(f"/opportunities/{deal.id}").status_code == 200

    engine.release_task(task.id, actor="rep3")    # back in the queue: the team sees it again
    assert sees(app, engine, "rep2", deal.id) == everywhere
