"""Migration 0030 makes deals forget a person's failed step whose task is no longer
ready (left by steps before commit 31c3e47): the error goes with it, unless timers
failed behind it — then those are the failed step, with the error. A step still
retryable, and a failed timer, stay as they were. SQLite and PostgreSQL."""

import sqlalchemy as sa
from alembic import command

from engine.service import Engine
from engine.store.db import _alembic_config, make_engine, schema_is_current, upgrade
from tests.conftest import make_engine as make_dealflow
from tests.service.test_parallel_errors import BROKEN, at_fork, fail_offer, parallel_methodology, task_at

deals = sa.table("opportunities", sa.column("id", sa.Integer), sa.column("failed_step", sa.JSON))
tasks = sa.table("tasks", sa.column("id", sa.String), sa.column("status", sa.String))


def shown(deal) -> tuple:
    return deal.error_message, deal.failed_step_kind, deal.failed_task_id, deal.timers_held


def test_a_persons_failed_step_whose_task_is_gone_is_forgotten(db_url, clock, tmp_path):
    dealflow = make_dealflow(db_url, clock, parallel_methodology(tmp_path, "m", "2.0", offer=BROKEN, review=BROKEN))
    stale, held, waiting = (fail_offer(dealflow, at_fork(dealflow)) for _ in range(3))
    timer = at_fork(dealflow)
    clock.advance(days=2, minutes=1)
    dealflow.fire_due_timers()  # the timer's script fails: held behind each failed offer, timer's own failed step
    offers = {d.id: task_at(d, "Task_Offer").id for d in (stale, held, waiting)}
    before = {d.id: shown(dealflow.show_opportunity(d.id)) for d in (stale, held, waiting, timer)}
    assert before[stale.id] == ("division by zero", "complete", offers[stale.id], True)
    assert before[timer.id] == ("division by zero", "timers", None, True)
    dealflow.close()

    engine = make_engine(db_url)
    with engine.begin() as connection:  # as rows written before 31c3e47 could be: the task gone, nothing held
        connection.execute(sa.update(tasks).where(tasks.c.id.in_([offers[stale.id], offers[held.id]]))
                           .values(status="cancelled"))
        connection.execute(sa.update(deals).where(deals.c.id == stale.id).values(
            failed_step={"kind": "complete", "task": offers[stale.id], "actor": 1, "data": {"result": "accepted"}}))
    command.downgrade(_alembic_config(engine), "0029")
    upgrade(engine)
    assert schema_is_current(engine)
    engine.dispose()

    dealflow = Engine(db_url, clock=clock)
    try:
        after = {d: shown(dealflow.show_opportunity(d)) for d in before}
        assert after[stale.id] == (None, None, None, False)
        assert after[held.id] == ("division by zero", "timers", None, True)  # the timer failed behind it
        assert after[waiting.id] == before[waiting.id]  # its task is ready: still retried
        assert after[timer.id] == before[timer.id]
    finally:
        dealflow.close()
