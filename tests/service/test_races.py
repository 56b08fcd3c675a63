"""Two deal-changing use cases racing on one deal — completing its task, closing it as
lost, reassigning the task, swapping its segment's methodology, firing its timer,
retrying its failed step — each pair (and each with itself) released together from
two engines on one database, a few rounds each. Whichever wins, the deal stays one
that the calls in some order could have left (issue 11). SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from engine.errors import ConflictError, NotFoundError
from engine.service import Engine
from tests.conftest import make_engine, queue_methodology
from tests.engine.test_concurrency import at_once
from tests.engine.test_errors_and_retry import BROKEN_SCRIPT, methodology_with_script
from tests.service.races import (KINDS, ROUNDS, SWAP_TARGET, assert_consistent, call, horeca_deal, pairs,
                                 restore_segment)


@pytest.fixture
def racing(db_url, clock, tmp_path):
    """Two engines on one database: small-deal (whose offer script fails for an amount
    of exactly 20000, so deals can be put in error) and quick-deal to swap to."""
    first = make_engine(db_url, clock, methodology_with_script(tmp_path, "broken", "2.0", BROKEN_SCRIPT))
    first.deploy(str(SWAP_TARGET), actor="admin")
    second = Engine(db_url, clock=clock)
    yield first, second
    first.close()
    second.close()


def finish_round(engine, deal_id: int) -> None:
    """Close the round's deal and put the segment back, so the next round starts alike."""
    if engine.show_opportunity(deal_id).status == "open":
        engine.close_as_lost(deal_id, actor="manager", reason="end of the round")
    restore_segment(engine)


def test_each_pair_of_changes_to_a_deal_with_a_due_timer_leaves_it_consistent(racing, clock):
    first, second = racing
    for one, other in pairs(KINDS):
        for round_ in range(ROUNDS):
            label = f"{one} vs {other}, round {round_}"
            deal = horeca_deal(first, label)
            (task,) = deal.open_tasks
            clock.advance(days=3, minutes=1)  # its chase timer is due
            outcomes = at_once(call(first, one, deal, task, {"amount": "100"}),
                               call(second, other, deal, task, {"amount": "100"}, to="rep1"))
            assert_consistent(first, deal.id, outcomes, label)
            finish_round(first, deal.id)


def test_each_change_racing_a_retry_of_a_failed_step_leaves_the_deal_consistent(racing, clock, tmp_path):
    first, second = racing
    races = [("retry", kind) for kind in KINDS + ("retry",)]
    failed = []
    for i in range(len(races) * ROUNDS):  # in error on version 2.0 before the fix is deployed
        deal = horeca_deal(first, f"failing {i}", amount="20000.00")
        at_offer = first.complete_task(deal.open_tasks[0].id, actor=deal.owner, data={"amount": "20000"})
        broken = first.complete_task(at_offer.open_tasks[0].id, actor=deal.owner, data={"result": "accepted"})
        assert broken.error_message == "division by zero"
        failed.append(broken)
    first.deploy(str(methodology_with_script(tmp_path, "fixed", "2.1", "if tier == 'gold':")))
    deals = iter(failed)
    for one, other in races:
        for round_ in range(ROUNDS):
            label = f"{one} vs {other}, round {round_}"
            deal = next(deals)
            (task,) = deal.open_tasks
            outcomes = at_once(call(first, one, deal, task, {"result": "accepted"}),
                               call(second, other, deal, task, {"result": "accepted"}, to="rep1"))
            assert_consistent(first, deal.id, outcomes, label)
            after = first.show_opportunity(deal.id)
            if not isinstance(outcomes[0], Exception):  # the retry ran: on the fix, to the end
                assert (after.status, after.error_message, after.methodology_label) == ("won", None, "2.1"), label
            if other == "retry":
                assert sum(not isinstance(o, Exception) for o in outcomes) == 1, (label, outcomes)
            finish_round(first, deal.id)


def test_renaming_a_person_while_someone_removes_them_records_the_person_as_removed(racing):
    """The buying center's edits lock the deal before they read the person: a removal
    that waited for a rename removes — and records — the renamed person."""
    first, second = racing
    deal = horeca_deal(first, "Bistro")
    for round_ in range(ROUNDS * 2):
        seen = len(first.show_opportunity(deal.id).events)
        person = first.add_contact(deal.id, actor="rep1", name=f"Anna {round_}")
        renamed, removed = at_once(
            lambda: first.update_contact(person.id, actor="rep1", name=f"Anna Nowak {round_}"),
            lambda: second.remove_contact(person.id, actor="manager"))
        assert not isinstance(removed, Exception), removed
        events = first.show_opportunity(deal.id).events[seen:]  # SQLite may give a removed person's id again
        if isinstance(renamed, Exception):  # removed first: there was no one left to rename
            assert isinstance(renamed, NotFoundError), repr(renamed)
            assert [e.kind for e in events] == ["contact_added", "contact_removed"]
            assert removed.name == events[-1].data["name"] == f"Anna {round_}"
        else:
            assert [e.kind for e in events] == ["contact_added", "contact_updated", "contact_removed"]
            assert removed.name == events[-1].data["name"] == f"Anna Nowak {round_}"
    assert first.buying_center(deal.id, viewer="rep1").contacts == ()


def test_creating_the_same_user_twice_at_once_lets_one_in_and_refuses_the_other_clearly(racing):
    first, second = racing
    for round_ in range(ROUNDS):
        name = f"newrep{round_}"
        outcomes = at_once(lambda: first.create_user(name, "rep"), lambda: second.create_user(name, "rep"))
        errors = [o for o in outcomes if isinstance(o, Exception)]
        assert len(errors) == 1 and isinstance(errors[0], ConflictError), outcomes
        assert name in str(errors[0]), str(errors[0])
        assert [u.username for u in first.list_users()].count(name) == 1


def test_releasing_a_claimed_task_while_the_deal_is_lost_leaves_nothing_after_the_close(db_url, clock, tmp_path):
    """Claiming and releasing lock the deal and re-read the task: a release that waited
    for the close finds the task withdrawn."""
    first = make_engine(db_url, clock, queue_methodology(tmp_path))
    second = Engine(db_url, clock=clock)
    try:
        for round_ in range(ROUNDS * 2):
            deal = horeca_deal(first, f"queued {round_}")
            clock.advance(days=3, minutes=1)
            first.fire_due_timers()
            (chase,) = [t for t in first.show_opportunity(deal.id).open_tasks if t.node_id == "Task_Chase"]
            first.claim_task(chase.id, actor="rep2")
            outcomes = at_once(lambda: first.release_task(chase.id, actor="rep2"),
                               lambda: second.close_as_lost(deal.id, actor="manager", reason="Gone"))
            assert_consistent(first, deal.id, outcomes, f"release vs lose, round {round_}")
    finally:
        first.close()
        second.close()


@pytest.mark.parametrize("rival", ["reverse", "complete", "lose"])
def test_reversing_a_swap_while_it_is_reversed_or_its_deal_moves_on_leaves_the_deal_consistent(racing, rival):
    """A reversal locks the segment and re-reads its swap: two reversals of one swap make
    one; a moved deal someone works on meanwhile is reversed after them or not at all."""
    first, second = racing
    for round_ in range(ROUNDS):
        deal = horeca_deal(first, f"swapped {round_}")
        swap = first.swap_segment("horeca", "quick-deal", stage_map={"offer": "proposal"}, actor="manager")
        (task,) = first.show_opportunity(deal.id).open_tasks
        rivals = {"reverse": lambda: second.reverse_swap(swap.swap_id, actor="manager"),
                  "complete": lambda: second.complete_task(task.id, actor="rep1", data={"budget_confirmed": "true"}),
                  "lose": lambda: second.close_as_lost(deal.id, actor="manager", reason="Gone")}
        outcomes = at_once(lambda: first.reverse_swap(swap.swap_id, actor="manager"), rivals[rival])
        label = f"reverse vs {rival}, round {round_}"
        assert_consistent(first, deal.id, outcomes, label)
        reversals = [s for s in first.list_swaps("horeca") if s.reverses_id == swap.swap_id]
        reversed_by = outcomes if rival == "reverse" else outcomes[:1]
        assert len(reversals) == sum(not isinstance(o, Exception) for o in reversed_by), (label, outcomes)
        if rival == "reverse":
            assert len(reversals) == 1, (label, outcomes)  # the other was told it was reversed already
        finish_round(first, deal.id)
