"""A partner's hand-over racing a change of one of its deals, from two engines on one
database, a few rounds each (SQLite serialises them; PostgreSQL lets them meet on the
row locks): whichever wins, no open task is left with the old owner, the deal's
owner and the hand-over's report agree, and the history holds each step once."""

from __future__ import annotations

from engine.errors import NotFoundError, PermissionDeniedError
from tests.engine.test_concurrency import at_once
from tests.service.races import ROUNDS
from tests.service.test_handover import HORECA, partner_of


def new_partner_deal(engine, round_: int, kind: str):
    deal = engine.create_opportunity(title=f"{kind} {round_}", amount="1000.00", partner=f"Bistro {kind} {round_}",
                                     actor="manager", attributes=HORECA, owner="rep1")
    return deal, partner_of(engine, deal.id)


def hand_over(engine, partner_id: int):
    return lambda: engine.hand_over_partner(partner_id, to="rep2", actor="manager")


def test_a_hand_over_racing_the_completion_of_a_deals_task_leaves_no_task_with_the_old_owner(engines):
    first, second = engines
    for round_ in range(ROUNDS * 2):
        deal, partner_id = new_partner_deal(first, round_, "complete")
        (task,) = deal.open_tasks
        report, completed = at_once(hand_over(first, partner_id),
                                    lambda: second.complete_task(task.id, actor="rep1", data={"amount": "500"}))
        label = f"round {round_}: {report!r} / {completed!r}"
        assert not isinstance(report, Exception), label  # nothing refuses a hand-over here
        after = first.show_opportunity(deal.id)
        assert after.owner == "rep2" and report.open_deals_moved == (deal.id,), label
        assert {t.assignee for t in after.open_tasks} == {"rep2"}, label
        if isinstance(completed, Exception):
            # Handed over first: the old owner no longer holds the task (refused, not lost).
            assert isinstance(completed, (PermissionDeniedError, NotFoundError)), label
            assert after.completed_tasks == () and after.stage_id == "qualification", label
            assert [t.node_id for t in after.open_tasks] == ["Task_Qualify"], label
        else:
            # Completed first: the next task, still the old owner's then, moved with the deal.
            assert [(t.node_id, t.completed_by) for t in after.completed_tasks] == [("Task_Qualify", "rep1")], label
            assert [t.node_id for t in after.open_tasks] == ["Task_Offer"], label
        kinds = [e.kind for e in after.events]
        assert kinds.count("reassigned") == 1 and kinds.count("task_completed") == (
            0 if isinstance(completed, Exception) else 1), label
        assert report.tasks_moved == 1 == after.events[kinds.index("reassigned")].data["tasks"], label
        handed = [e for e in first.partner(partner_id, viewer="admin").history if e.kind == "handed_over"]
        assert len(handed) == 1 and handed[0].data["tasks"] == 1, label


def test_a_hand_over_racing_the_loss_of_a_deal_moves_it_only_while_it_is_open(engines):
    first, second = engines
    for round_ in range(ROUNDS * 2):
        deal, partner_id = new_partner_deal(first, round_, "lose")
        report, lost = at_once(hand_over(first, partner_id),
                               lambda: second.close_as_lost(deal.id, actor="manager", reason="Chose a competitor"))
        label = f"round {round_}: {report!r} / {lost!r}"
        assert not isinstance(report, Exception) and not isinstance(lost, Exception), label
        after = first.show_opportunity(deal.id)
        kinds = [e.kind for e in after.events]
        assert after.status == "lost" and after.open_tasks == (), label
        assert first.partner(partner_id, viewer="admin").owner == "rep2", label
        if report.open_deals_moved == (deal.id,):  # handed over, then lost by the manager
            assert after.owner == "rep2" and report.tasks_moved == 1, label
            assert kinds.index("reassigned") < kinds.index("closed_by_hand"), label
        else:  # lost first: a closed deal stays with its owner ("stay" is the default)
            assert report.closed_deals_kept == (deal.id,) and report.tasks_moved == 0, label
            assert after.owner == "rep1" and "reassigned" not in kinds, label
