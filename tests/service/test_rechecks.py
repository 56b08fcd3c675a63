"""Every use case that changes a deal locks it first and re-checks, under the lock, what
it decides on (issue 11). These rows are what a race used to leave — a lost deal with a
task still ready, a timer still set or an error still pending — written directly, so
each check is exercised without having to win a race."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.errors import ConflictError
from engine.store.models import Opportunity
from tests.engine.test_concurrency import open_deal


def as_a_race_left_it(engine, deal_id, **columns):
    with engine._sessions() as session, session.begin():
        deal = session.scalar(select(Opportunity).where(Opportunity.id == deal_id))
        for name, value in columns.items():
            setattr(deal, name, value)


def kinds(engine, deal_id):
    return [e.kind for e in engine.show_opportunity(deal_id).events]


def test_a_task_of_a_lost_deal_is_not_reassigned_even_while_it_is_still_ready(engine):
    deal = open_deal(engine)
    (task,) = deal.open_tasks
    as_a_race_left_it(engine, deal.id, status="lost")
    with pytest.raises(ConflictError, match=f"opportunity {deal.id} is lost"):
        engine.reassign_task(task.id, to="rep2", actor="manager")
    assert engine.show_opportunity(deal.id).open_tasks[0].assignee == task.assignee
    assert "reassigned" not in kinds(engine, deal.id)


def test_the_timer_sweep_fires_nothing_on_a_lost_deal_and_clears_its_timer(engine, clock):
    deal = open_deal(engine)
    as_a_race_left_it(engine, deal.id, status="lost")  # its chase timer still set
    clock.advance(days=3, minutes=1)
    assert engine.fire_due_timers() == 0
    after = engine.show_opportunity(deal.id)
    assert after.next_timer_at is None
    assert "Task_Chase" not in [t.node_id for t in after.open_tasks]
    assert "timer_fired" not in kinds(engine, deal.id)
    assert engine.fire_due_timers() == 0  # not picked again


def test_a_lost_deal_is_not_retried_even_with_an_error_still_on_it(engine):
    deal = open_deal(engine)
    as_a_race_left_it(engine, deal.id, status="lost", error_message="division by zero",
                      failed_step={"kind": "engine"})
    with pytest.raises(ConflictError, match=f"opportunity {deal.id} is lost"):
        engine.retry(deal.id, actor="manager")
    assert "retried" not in kinds(engine, deal.id)


def test_retrying_a_failed_completion_of_a_task_no_longer_ready_is_a_conflict(engine):
    deal = open_deal(engine)
    (task,) = deal.open_tasks
    engine.close_as_lost(deal.id, actor="manager", reason="Gone")  # the task is withdrawn
    as_a_race_left_it(engine, deal.id, status="open", error_message="division by zero",
                      failed_step={"kind": "complete", "task": task.id, "actor": 1, "data": {"amount": "1"}})
    with pytest.raises(ConflictError, match="no longer ready"):
        engine.retry(deal.id, actor="manager")
    assert kinds(engine, deal.id).count("task_completed") == 0


def test_a_deal_its_process_loses_withdraws_what_a_parallel_branch_still_waits_for(engine, clock):
    deal = open_deal(engine)
    clock.advance(days=3, minutes=1)
    assert engine.fire_due_timers() == 1  # the manager is asked to chase, beside the qualification
    ready = {t.node_id: t for t in engine.show_opportunity(deal.id).open_tasks}
    offer = engine.complete_task(ready["Task_Qualify"].id, actor=deal.owner, data={"amount": "100"})
    (offer_task,) = [t for t in offer.open_tasks if t.node_id == "Task_Offer"]
    lost = engine.complete_task(offer_task.id, actor=deal.owner, data={"result": "rejected"})
    assert (lost.status, lost.stage_id, lost.next_timer_at) == ("lost", "lost", None)
    # the workflow's tasks are withdrawn; what remains is the to-do to record why it was lost
    assert [t.kind for t in lost.open_tasks] == ["why_lost"]
    assert "Task_Chase" not in [t.node_id for t in engine.list_tasks("manager")]
