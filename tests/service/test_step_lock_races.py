"""The step reads its task rows once the deal's lock is held, never before (on PostgreSQL
the read travels in the lock's round trip, ``engine.store.read_ahead``, as a statement of
its own; on SQLite the write lock, ``BEGIN IMMEDIATE``, comes first).

Another transaction holds the deal's lock and withdraws the task; the step is started
and — on PostgreSQL, where the window is observable — seen waiting for that lock
before the other commits. A read taken as of the lock's statement's start (joined to it,
or sent before it) would still see the task ready and complete it a second time."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, text

from engine.errors import ConflictError
from engine.store import opportunities as opportunity_store
from engine.store import read_ahead
from engine.store.models import InboxTask
from tests.conftest import make_engine
from tests.engine.test_concurrency import open_deal


@pytest.fixture
def answered(monkeypatch):
    """How many reads were answered from the lock's round trip (the engines made after it)."""
    seen = []
    original = read_ahead._answer_if_sent

    def counting(cursor, statement, parameters, context):
        used = original(cursor, statement, parameters, context)
        seen.append(used)
        return used

    monkeypatch.setattr(read_ahead, "_answer_if_sent", counting)
    return seen


def _waits_for(holder_pid: int, url: str) -> None:
    """Return once a backend waits for a lock that ``holder_pid`` holds (PostgreSQL)."""
    watcher = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1),
                            isolation_level="AUTOCOMMIT")
    try:
        with watcher.connect() as connection:
            for _ in range(10_000):  # each poll is a round trip; a hung step fails the test
                if connection.scalar(text("SELECT count(*) FROM pg_stat_activity "
                                          "WHERE :holder = ANY(pg_blocking_pids(pid))"), {"holder": holder_pid}):
                    return
    finally:
        watcher.dispose()
    raise AssertionError("the step never waited for the deal's lock")


def test_a_step_waiting_for_the_lock_reads_the_task_as_the_holder_left_it(db_url, clock, answered):
    engine = make_engine(db_url, clock)
    try:
        deal = open_deal(engine)
        (task,) = deal.open_tasks
        outcome: list[object] = []
        with engine._sessions() as session, session.begin():
            opportunity_store.lock_opportunity(session, deal.id)  # the deal's row lock; SQLite's write lock
            session.get(InboxTask, task.id).status = "cancelled"  # withdrawn under the lock, not yet committed
            session.flush()

            def step():
                try:
                    outcome.append(engine.complete_task(task.id, actor=deal.owner, data={"amount": "100"}))
                except Exception as err:  # noqa: BLE001 - the test inspects what the step got
                    outcome.append(err)

            stepping = threading.Thread(target=step)
            stepping.start()
            if session.get_bind().dialect.name == "postgresql":
                _waits_for(session.scalar(text("SELECT pg_backend_pid()")), db_url)
        stepping.join(timeout=60)
        assert not stepping.is_alive(), "the step hung"
        (result,) = outcome
        assert isinstance(result, ConflictError), repr(result)
        assert "is no longer ready (it is cancelled)" in str(result)
        after = engine.show_opportunity(deal.id)
        assert (after.stage_id, after.open_tasks, after.completed_tasks) == ("qualification", (), ())
        assert "task_completed" not in [e.kind for e in after.events]
        if db_url.startswith("postgresql"):
            assert True in answered  # the read did travel with the lock
    finally:
        engine.close()
