"""Role changes (the users-and-teams screen's use case) on both databases: the rules,
and two admins demoting each other at the same moment — one of them must stay admin."""

from __future__ import annotations

import threading

import pytest

from engine.errors import DealflowError, PermissionDeniedError


def test_an_admin_changes_a_role_but_not_their_own(engine):
    engine.create_user("admin2", "admin")
    assert engine.set_role("rep3", "manager", actor="admin") == "manager"
    with pytest.raises(DealflowError, match="your own role"):
        engine.set_role("admin", "rep", actor="admin")
    with pytest.raises(PermissionDeniedError):
        engine.set_role("admin", "rep", actor="manager")


def test_two_admins_demoting_each_other_at_once_leave_one_admin(engines):
    first, second = engines
    first.create_user("admin2", "admin")
    start, outcomes = threading.Barrier(2), {}

    def demote(engine, who, by):
        start.wait()
        try:
            outcomes[by] = engine.set_role(who, "manager", actor=by)
        except DealflowError as err:
            outcomes[by] = err

    threads = [threading.Thread(target=demote, args=(first, "admin2", "admin")),
               threading.Thread(target=demote, args=(second, "admin", "admin2"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    roles = {name: first.user_view(name).role for name in ("admin", "admin2")}
    assert sorted(roles.values()) == ["admin", "manager"], (roles, outcomes)
    assert sum(isinstance(o, PermissionDeniedError) for o in outcomes.values()) == 1, outcomes


def test_a_task_goes_only_to_someone_who_may_work_it(engine):
    engine.create_user("designer1", "designer")
    deal = engine.create_opportunity(title="Bistro", amount="100.00", partner="Bistro", actor="manager",
                                     owner="rep1")
    with pytest.raises(DealflowError, match="'designer1' is a designer; tasks go to reps, managers and admins"):
        engine.reassign_task(deal.open_tasks[0].id, to="designer1", actor="manager")
    assert [t.assignee for t in engine.show_opportunity(deal.id).open_tasks] == ["rep1"]


@pytest.mark.parametrize("hand_over", ["deal", "task", "partner"])
def test_handing_work_to_someone_while_an_admin_makes_them_a_designer_leaves_no_work_with_a_designer(
        engines, hand_over):
    """The hand-over holds the new owner's row, as the role change does: one of the
    two goes first and the other sees what it did (at_once releases them together)."""
    from tests.engine.test_concurrency import at_once

    first, second = engines
    for round_ in range(4):
        deal = first.create_opportunity(title=f"Round {round_}", amount="100.00", partner=f"P{round_}",
                                        actor="manager", owner="rep1")
        task_id = deal.open_tasks[0].id
        give = {"deal": lambda: first.reassign_opportunity(deal.id, to="rep3", actor="manager"),
                "task": lambda: first.reassign_task(task_id, to="rep3", actor="manager"),
                "partner": lambda: first.hand_over_partner(deal.partner_id, to="rep3", actor="manager")}[hand_over]
        given, demoted = at_once(give, lambda: second.set_role("rep3", "designer", actor="admin"))
        assert [isinstance(o, Exception) for o in (given, demoted)].count(True) == 1, (round_, given, demoted)
        shown = first.show_opportunity(deal.id)
        holds = shown.owner == "rep3" or any(t.assignee == "rep3" for t in shown.open_tasks)
        role = first.user_view("rep3").role
        assert (role, holds) in (("designer", False), ("rep", True)), (round_, role, given, demoted)
        first.close_as_lost(deal.id, actor="manager", reason="end of the round")
        if role == "designer":
            first.set_role("rep3", "rep", actor="admin")
