"""One visibility rule (engine.service.visibility.may_see_opportunity, issue 13):
a deal a viewer's list or report counts always opens for them — on its page, in the
API, and for a change that then shows it — and one they may not see is 404 in each.
As a director (above the deal's manager and the rep's), the deal's manager, the
rep's manager, the rep; and as another manager and another rep; on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import event

from engine.errors import NotFoundError
from tests.service.quota_seeds import with_director
from tests.webui.test_api import Api


@pytest.fixture
def deal(engine):
    with_director(engine)  # director leads manager and manager2 (who leads rep3's team)
    engine.create_user("manager3", "manager")
    engine.create_team("east", "manager3", ["rep2"])  # a manager beside them, above nobody involved
    # routed by its channel to the sales team, managed by manager; owned by rep3 (of manager2's team)
    return engine.create_opportunity(title="Rep3's deal", amount="750.00", partner="Far Ltd",
                                     attributes={"channel": "retail"}, actor="manager2", owner="rep3")


def listed(engine, viewer: str, deal_id: int) -> bool:
    return deal_id in {r.id for r in engine.deals(viewer, {"scope": "team"}).rows}


def counted(engine, viewer: str) -> int:
    return engine.pipeline_report(viewer=viewer).total.deals


@pytest.mark.parametrize("viewer", ["director", "manager", "manager2", "rep3"])
def test_whoever_lists_or_counts_a_deal_opens_and_changes_it(engine, deal, viewer):
    assert deal.owner == "rep3" and deal.manager == "manager"
    assert listed(engine, viewer, deal.id) and counted(engine, viewer) >= 1
    assert engine.opportunity_for(deal.id, viewer=viewer).id == deal.id
    if viewer != "rep3":  # the rep edits too, but the managers are the case the review found
        edited = engine.edit_deal(deal.id, {"amount": "800.00"}, actor=viewer)
        assert str(edited.amount) == "800.00"
        assert str(engine.opportunity_for(deal.id, viewer=viewer).amount) == "800.00"


@pytest.mark.parametrize("viewer", ["manager3", "rep1"])
def test_whoever_does_not_list_it_cannot_open_it(engine, deal, viewer):
    assert not listed(engine, viewer, deal.id)
    with pytest.raises(NotFoundError, match=f"no opportunity {deal.id}"):
        engine.opportunity_for(deal.id, viewer=viewer)
    with pytest.raises(NotFoundError):
        engine.edit_deal(deal.id, {"amount": "1.00"}, actor=viewer)


def test_the_api_answers_the_director_and_404s_the_wrong_user(engine, deal):
    api = Api(engine)
    assert api.get(f"/opportunities/{deal.id}", "director").status_code == 200
    patched = api.client.patch(f"/api/v1/opportunities/{deal.id}", headers=api.headers("director"),
                               data=json.dumps({"amount": "900.00"}), content_type="application/json")
    assert patched.status_code == 200, patched.get_json()
    assert patched.get_json()["amount"] == "900.00"
    for wrong in ("manager3", "rep1"):
        assert api.get(f"/opportunities/{deal.id}", wrong).status_code == 404
        refused = api.client.patch(f"/api/v1/opportunities/{deal.id}", headers=api.headers(wrong),
                                   data=json.dumps({"amount": "1.00"}), content_type="application/json")
        assert refused.status_code == 404
    assert str(engine.show_opportunity(deal.id).amount) == "900.00"


def pipeline_ids(engine, viewer: str) -> set[int]:
    return {d.id for m in engine.pipeline(viewer).methodologies for d in m.opportunities}


def test_the_live_pipeline_shows_the_report_scope_in_a_fixed_number_of_statements(engine, deal):
    assert deal.id in pipeline_ids(engine, "director")  # above the deal's manager: the old page left it out
    assert deal.id in pipeline_ids(engine, "manager2")  # the owner's manager
    assert deal.id not in pipeline_ids(engine, "manager3")
    statements = []

    def count(*_):
        statements.append(1)

    event.listen(engine._engine, "before_cursor_execute", count)
    try:
        engine.pipeline("director")
        few = len(statements)
        for n in range(6):
            engine.create_opportunity(title=f"More {n}", amount="10.00", partner=f"More {n} Ltd",
                                      attributes={"channel": "retail"}, actor="manager", owner="rep1")
        statements.clear()
        assert len(pipeline_ids(engine, "director")) == 7
        assert len(statements) == few  # set-based: not a round of queries per deal
    finally:
        event.remove(engine._engine, "before_cursor_execute", count)
