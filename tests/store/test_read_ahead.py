"""The step's rows read sent in its lock's round trip (``engine.store.read_ahead``,
PostgreSQL): what the ORM gets is what a read after the lock gets, and a lock the driver
refuses leaves the connection usable. On SQLite there is nothing to send ahead: the
same calls read the rows after the lock."""

from __future__ import annotations

import pytest
from psycopg import pq
from sqlalchemy.exc import DBAPIError

from engine.store import inbox
from engine.store import opportunities as opportunity_store
from tests.engine.test_concurrency import open_deal


def _row_state(rows):
    return sorted((row.id, row.status, row.kind, row.node_id) for row in rows)


def test_the_rows_sent_with_the_lock_are_those_read_after_it(engine):
    deal = open_deal(engine)
    (task,) = deal.open_tasks
    with engine._sessions() as session, session.begin():
        sent = inbox.step_rows_ahead(session, task.id)
        assert (sent is None) == (session.get_bind().dialect.name == "sqlite")
        opportunity, *_ = opportunity_store.lock_for_step(session, task.id, deal.owner, rows_behind=sent)
        ahead = inbox.step_rows(session, opportunity.id, task_id=task.id, sent=sent)
        if sent is not None:
            assert sent.cursor is None  # its answer was handed to the ORM, not sent again
        after = inbox.step_rows(session, opportunity.id, task_id=task.id)
        assert _row_state(ahead) == _row_state(after) and task.id in {row.id for row in ahead}
        assert all(a is b for a, b in zip(sorted(ahead, key=lambda r: r.id), sorted(after, key=lambda r: r.id)))


def test_a_lock_the_driver_refuses_leaves_the_connection_usable(engine):
    deal = open_deal(engine)
    (task,) = deal.open_tasks
    with engine._sessions() as session:
        with session.begin():
            sent = inbox.step_rows_ahead(session, "bad\x00id")
            if sent is None:  # SQLite stores the text as given: no such task
                assert opportunity_store.lock_for_step(session, "bad\x00id", None)[0] is None
            else:  # psycopg refuses a NUL before anything is sent, inside pipeline mode
                driver = session.connection().connection.driver_connection
                with pytest.raises(DBAPIError, match="NUL"):
                    opportunity_store.lock_for_step(session, "bad\x00id", None, rows_behind=sent)
                assert driver.pgconn.pipeline_status == pq.PipelineStatus.OFF
                session.rollback()
        with session.begin():  # the same connection goes on: not left in pipeline mode
            sent = inbox.step_rows_ahead(session, task.id)
            opportunity, *_ = opportunity_store.lock_for_step(session, task.id, deal.owner, rows_behind=sent)
            rows = inbox.step_rows(session, opportunity.id, task_id=task.id, sent=sent)
            assert [row.id for row in rows] == [task.id]
