"""Re-arming deals whose stored next timer disagrees with their workflow
(engine.service.timer_repair), on SQLite and PostgreSQL. The broken rows are made by
plain SQL, as the bug before 9284ca5 left them: ``next_timer_at`` empty while a timer
no error holds waits (its timer then never fires), or a held timer still counted in
``next_action_at``. After the repair the timer fires; a dry run changes nothing; a
step racing the repair on the same deal is safe."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from engine.service import Engine
from engine.store.db import make_engine as make_database
from engine.views.timer_repair import RearmedDeal
from tests.conftest import make_engine
from tests.engine.test_concurrency import at_once
from tests.file_edits import edit
from tests.service.test_held_timers import fail_check, failing_review_with_a_call, three_branches
from tests.service.test_parallel_errors import (BROKEN, FINE, ROUNDS, at_fork, fail_offer, parallel_methodology,
                                               task_at)

deals = sa.table("opportunities", sa.column("id", sa.Integer), sa.column("next_timer_at", sa.DateTime(timezone=True)),
                 sa.column("next_action_at", sa.DateTime(timezone=True)))


def store(db_url: str, deal_id: int, **values) -> None:
    """Write the deal's columns by plain SQL, as an old release left them."""
    database = make_database(db_url)
    try:
        with database.begin() as connection:
            connection.execute(sa.update(deals).where(deals.c.id == deal_id).values(**values))
    finally:
        database.dispose()


@pytest.fixture
def dealflow(db_url, clock, tmp_path):
    engine = make_engine(db_url, clock, three_branches(tmp_path, offer=BROKEN, check=BROKEN))
    yield engine
    engine.close()


def replaced(dealflow):
    """A deal whose person's failure replaced a worker's answer's failure (which held
    its timers): the review's timer waits and nothing holds it any more. Returns it and
    its timer's due moment."""
    deal = at_fork(dealflow)
    due = deal.next_timer_at
    offered = fail_offer(dealflow, fail_check(dealflow, deal))
    assert (offered.timers_held, offered.next_timer_at) == (False, due)  # what the fixed code stores
    return offered, due


def unarm(dealflow, db_url, deal_id: int):
    """The deal as the old bug stored it: ``next_timer_at`` (and so its next action) empty."""
    store(db_url, deal_id, next_timer_at=None, next_action_at=None)
    return dealflow.show_opportunity(deal_id)


def unarmed(dealflow, db_url):
    deal, due = replaced(dealflow)
    return unarm(dealflow, db_url, deal.id), due


def test_a_deal_left_unarmed_is_rearmed_and_its_timer_fires(dealflow, db_url, clock):
    deal, due = unarmed(dealflow, db_url)
    clock.advance(days=2, minutes=1)
    assert dealflow.fire_due_timers() == 0  # broken: the review's timer is due and does not fire

    report = dealflow.rearm_timers()
    assert (report.checked, report.dry_run, report.unreadable) == (1, False, ())
    assert report.changed == (RearmedDeal(deal.id, deal.title, None, due, None, due),)
    after = dealflow.show_opportunity(deal.id)
    assert (after.next_timer_at, after.next_action_at, after.row_version) == (due, due, deal.row_version + 1)

    assert dealflow.fire_due_timers() == 1
    fired = dealflow.show_opportunity(deal.id)
    assert sorted(t.node_id for t in fired.open_tasks) == ["Task_Offer", "Task_Review"]
    assert (fired.error_message, fired.failed_step_kind) == ("division by zero", "complete")  # still kept
    assert dealflow.rearm_timers().changed == ()  # nothing disagrees any more


def test_a_dry_run_says_what_it_would_change_and_changes_nothing(dealflow, db_url, clock):
    deal, due = unarmed(dealflow, db_url)
    report = dealflow.rearm_timers(dry_run=True)
    assert report.dry_run and report.changed == (RearmedDeal(deal.id, deal.title, None, due, None, due),)
    after = dealflow.show_opportunity(deal.id)
    assert (after.next_timer_at, after.next_action_at, after.row_version) == (None, None, deal.row_version)
    clock.advance(days=2, minutes=1)
    assert dealflow.fire_due_timers() == 0


def test_a_held_timer_counted_in_the_next_action_is_left_out(db_url, clock, tmp_path):
    dealflow = make_engine(db_url, clock, failing_review_with_a_call(tmp_path))
    try:
        deal = at_fork(dealflow)
        call = next(t for t in deal.open_tasks if t.kind == "activity")
        clock.advance(days=2, minutes=1)
        dealflow.fire_due_timers()  # the review's script fails: its timers are held
        held = dealflow.show_opportunity(deal.id)
        assert (held.timers_held, held.next_timer_at, held.next_action_at) == (True, None, call.due_at)
        store(db_url, deal.id, next_action_at=deal.next_timer_at)  # the old sweep left the held timer counted

        (change,) = dealflow.rearm_timers().changed
        assert (change.next_timer_after, change.next_action_before, change.next_action_after) == (
            None, deal.next_timer_at, call.due_at)
        after = dealflow.show_opportunity(deal.id)
        assert (after.next_timer_at, after.next_action_at) == (None, call.due_at)
        assert dealflow.fire_due_timers() == 0  # still held: nothing fires before the retry
    finally:
        dealflow.close()


def test_by_default_only_deals_showing_an_error_are_read(dealflow, db_url):
    quiet = at_fork(dealflow)  # no error: a step that succeeds arms its timers
    store(db_url, quiet.id, next_timer_at=None)
    assert dealflow.rearm_timers().checked == 0
    report = dealflow.rearm_timers(every_deal=True)
    assert (report.checked, report.every_deal) == (1, True)
    assert [(c.opportunity_id, c.next_timer_after) for c in report.changed] == [(quiet.id, quiet.next_timer_at)]
    assert dealflow.show_opportunity(quiet.id).next_timer_at == quiet.next_timer_at


def test_closed_deals_and_deals_that_agree_are_left_alone(dealflow, db_url):
    lost, _ = unarmed(dealflow, db_url)
    agreeing = fail_offer(dealflow, at_fork(dealflow))  # an error, its timers armed as they should be
    dealflow.close_as_lost(lost.id, actor="manager", reason_code="price")
    report = dealflow.rearm_timers()
    assert (report.checked, report.changed) == (1, ())
    assert dealflow.show_opportunity(agreeing.id).row_version == agreeing.row_version


def test_a_step_racing_the_repair_on_the_same_deal_is_safe(db_url, clock, tmp_path):
    """The repair and a retry that settles the deal's error and fires its due timer,
    released together (on PostgreSQL they meet in both orders over the rounds):
    whichever goes second finds the deal as the first left it — a repair that read the
    deal before the retry and re-armed it from that read would leave a timer that no
    longer waits — and the deal ends with its timer fired once and nothing armed."""
    first = make_engine(db_url, clock, three_branches(tmp_path, offer=BROKEN, check=BROKEN))
    second = Engine(db_url, clock=clock)
    try:
        broken = [replaced(first) for _ in range(ROUNDS)]  # each unarmed in its round: one broken deal a race
        fixed = three_branches(tmp_path / "fixed", offer=FINE, check=FINE)
        edit(fixed / "stages" / "small-deal.yaml", 'version: "2.0"', 'version: "2.1"')
        first.deploy(str(fixed), actor="admin")
        clock.advance(days=2, minutes=1)  # the reviews' timers are due: a retry's step fires them
        for deal, _ in broken:
            unarm(first, db_url, deal.id)
            retried, report = at_once(lambda: first.retry(deal.id, actor="manager", upgrade=True),
                                      lambda: second.rearm_timers())
            assert not isinstance(retried, Exception), repr(retried)
            assert not isinstance(report, Exception), repr(report)
            assert [c.opportunity_id for c in report.changed] in ([], [deal.id])
            after = first.show_opportunity(deal.id)
            assert (after.error_message, after.next_timer_at) == (None, None)
            assert "Task_Review" in [t.node_id for t in after.open_tasks]
            assert [e.kind for e in after.events].count("timer_fired") == 1
        assert first.rearm_timers(every_deal=True).changed == ()
    finally:
        second.close()
        first.close()


@pytest.fixture
def won_while_waiting(db_url, clock, tmp_path):
    """The two branches' small-deal with the offer's branch going straight to the result:
    an accepted offer wins the deal while the other branch still waits two days for the
    contract's review — a won deal whose timer is live."""
    folder = parallel_methodology(tmp_path, "won", "2.0", offer=FINE, review=FINE)
    edit(folder / "bpmn" / "deal.bpmn", 'sourceRef="Script_Offer" targetRef="Join"',
         'sourceRef="Script_Offer" targetRef="Gateway_Result"')
    engine = make_engine(db_url, clock, folder)
    yield engine
    engine.close()


def won_with_a_timer(dealflow):
    forked = at_fork(dealflow)
    won = dealflow.complete_task(task_at(forked, "Task_Offer").id, actor=forked.owner, data={"result": "accepted"})
    assert (won.status, won.next_timer_at) == ("won", forked.next_timer_at) and won.next_timer_at is not None
    return won


def test_a_won_deal_whose_other_branch_waits_is_rearmed_and_its_timer_fires(won_while_waiting, db_url, clock):
    won = won_with_a_timer(won_while_waiting)
    due = won.next_timer_at
    broken = unarm(won_while_waiting, db_url, won.id)
    clock.advance(days=2, minutes=1)
    assert won_while_waiting.fire_due_timers() == 0  # broken: the review's timer is due and does not fire

    report = won_while_waiting.rearm_timers(every_deal=True)
    assert (report.checked, report.unreadable) == (1, ())  # the won deal's workflow was read
    assert report.changed == (RearmedDeal(won.id, won.title, None, due, None, due),)
    after = won_while_waiting.show_opportunity(won.id)
    assert (after.status, after.next_timer_at, after.row_version) == ("won", due, broken.row_version + 1)

    assert won_while_waiting.fire_due_timers() == 1
    fired = won_while_waiting.show_opportunity(won.id)
    assert [t.node_id for t in fired.open_tasks if t.kind != "activity"] == ["Task_Review"]
    assert fired.next_timer_at is None


def test_a_stored_timer_earlier_than_the_workflows_heals_at_the_sweep(dealflow, db_url, clock):
    """Why the default repair need not read deals whose next timer is stored: one set
    too early is picked by the sweep, fires nothing, and the step stores the workflow's."""
    deal = at_fork(dealflow)
    due = deal.next_timer_at
    store(db_url, deal.id, next_timer_at=due - timedelta(days=1), next_action_at=due - timedelta(days=1))
    clock.advance(days=1, minutes=1)
    dealflow.fire_due_timers()
    healed = dealflow.show_opportunity(deal.id)
    assert (healed.next_timer_at, healed.next_action_at) == (due, deal.next_action_at)
    assert "timer_fired" not in [e.kind for e in healed.events]
