"""A hand-over gives the moved deals a team the new rep is in, when the deal's
segment routes to one (M12): a deal opened when its segment went to another team,
handed to a rep of the segment's team now, goes to that team and its manager,
audited on the deal; a rep already in the deal's team, or in neither, leaves the
team and manager as they were."""

from __future__ import annotations

import shutil

import pytest

from engine.rules.handover import team_for
from tests.conftest import BASE_METHODOLOGY
from tests.service.test_handover import HORECA, partner_of


@pytest.mark.parametrize("deal_team, segment_team, owner_teams, expected", [
    (1, 2, {1, 2}, None),   # already in the deal's team: kept
    (1, 2, {2, 3}, 2),      # in the segment's team: that one
    (1, 2, {3}, None),      # in neither: kept
    (1, None, {2}, None),   # the segment is gone from the routing: kept
])
def test_the_team_a_moved_deal_goes_to(deal_team, segment_team, owner_teams, expected):
    assert team_for(deal_team, segment_team, owner_teams) == expected


def deploy_horeca_to(engine, tmp_path, team: str):
    """Deploy the base routing with the horeca segment going to ``team``."""
    copy = tmp_path / "routing"
    shutil.copytree(BASE_METHODOLOGY, copy)
    (path,) = (copy / "routing").glob("*.yaml")
    text = path.read_text()
    assert "team: horeca\n" in text
    path.write_text(text.replace("team: horeca\n", f"team: {team}\n", 1))
    engine.deploy(str(copy), actor="admin")


def test_a_deal_handed_to_a_rep_of_its_segments_team_goes_to_that_team(engine, tmp_path):
    deal = engine.create_opportunity(title="Cold room", amount="1000.00", partner="Bistro", attributes=HORECA,
                                     actor="manager", owner="rep1")
    kept = engine.create_opportunity(title="Bar", amount="1000.00", partner="Pub", attributes=HORECA,
                                     actor="manager", owner="rep1")
    assert (deal.team, deal.manager) == ("horeca", "manager")
    engine.create_team("horeca-north", "manager2", ["rep3"])
    deploy_horeca_to(engine, tmp_path, "horeca-north")  # the segment's team now; open deals keep theirs

    report = engine.hand_over_partner(partner_of(engine, deal.id), to="rep3", actor="manager")
    assert report.open_deals_moved == (deal.id,)
    after = engine.show_opportunity(deal.id)
    assert (after.owner, after.team, after.manager) == ("rep3", "horeca-north", "manager2")
    (event,) = [e for e in after.events if e.kind == "reassigned"]
    assert {k: event.data[k] for k in ("from_team", "to_team", "from_manager", "to_manager")} == {
        "from_team": "horeca", "to_team": "horeca-north", "from_manager": "manager", "to_manager": "manager2"}
    handed = [e for e in engine.partner(partner_of(engine, deal.id), viewer="admin").history
              if e.kind == "handed_over"]
    assert handed[0].data["teams_changed"] == 1
    assert [t.assignee for t in after.open_tasks] == ["rep3"]

    engine.hand_over_partner(partner_of(engine, kept.id), to="rep2", actor="manager")  # rep2 is in horeca
    stayed = engine.show_opportunity(kept.id)
    assert (stayed.owner, stayed.team, stayed.manager) == ("rep2", "horeca", "manager")
    assert "to_team" not in [e for e in stayed.events if e.kind == "reassigned"][0].data


def test_a_rep_in_neither_team_takes_the_deal_and_it_keeps_its_team(engine):
    deal = engine.create_opportunity(title="Cold room", amount="1000.00", partner="Bistro", attributes=HORECA,
                                     actor="manager", owner="rep1")
    engine.hand_over_partner(partner_of(engine, deal.id), to="rep3", actor="manager")
    after = engine.show_opportunity(deal.id)
    assert (after.owner, after.team, after.manager) == ("rep3", "horeca", "manager")
