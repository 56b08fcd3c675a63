"""The one definition of whose deals a report and the warnings board count."""

from engine.rules.policy import Actor
from engine.rules.report_scope import for_warnings, scope_of


def test_a_rep_sees_only_the_deals_they_own():
    rep = scope_of(Actor(4, "rep", frozenset({7})))
    assert rep.covers(4, None, None) and rep.covers(4, 9, 7)
    assert not rep.covers(5, 4, 7)  # managing or sharing a team is not owning


def test_a_manager_sees_everyone_below_them_at_any_depth_and_the_teams_they_lead():
    manager = scope_of(Actor(3, "manager", frozenset({7})), led_team_ids={8}, below=[5, 6])
    assert manager.covers(3, None, None)  # their own
    assert manager.covers(6, None, None) and manager.covers(None, 5, None)  # owned or managed below
    assert manager.covers(99, None, 8)  # queued to a team they lead
    assert not manager.covers(99, None, 7)  # a team they are only a member of
    assert not manager.covers(99, 98, None)


def test_admins_see_every_deal_and_designers_every_deal_but_no_warnings():
    admin, designer = Actor(1, "admin"), Actor(2, "designer")
    assert scope_of(admin).covers(9, 9, 9) and scope_of(designer).covers(9, 9, 9)
    assert for_warnings(admin, scope_of(admin)).covers(9, 9, 9)
    assert not for_warnings(designer, scope_of(designer)).covers(9, 9, 9)
