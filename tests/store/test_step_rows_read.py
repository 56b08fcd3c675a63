"""A step's rows read by Core and made into persistent objects (``inbox.step_rows`` with
a task id, ``_rows_as_loaded``) are what the ORM's load gives: the same columns, the
same identities, changes written by the step; and where the ORM's read would act on the
session first (a row it already holds, a change to flush) the ORM reads them."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import event, insert, inspect, select, update

from engine.store import inbox
from engine.store import opportunities as opportunity_store
from engine.store import step_writes
from engine.store.models import InboxTask
from tests.engine.test_concurrency import open_deal

COLUMNS = [c.key for c in InboxTask.__table__.c]


def _orm_reads(session) -> list:
    reads = []
    event.listen(session, "do_orm_execute", lambda state: reads.append(state.statement))
    return reads


def _values(row: InboxTask) -> dict:
    return {key: getattr(row, key) for key in COLUMNS}


def test_the_rows_are_those_the_orm_loads_and_the_step_writes_their_changes(engine):
    deal = open_deal(engine)
    (task,) = deal.open_tasks
    with engine._sessions() as session, session.begin():
        opportunity = opportunity_store.lock_opportunity(session, deal.id)
        expected = [_values(row) for row in session.scalars(select(InboxTask).where(
            InboxTask.opportunity_id == deal.id).order_by(InboxTask.id))]
        session.rollback()
    with engine._sessions() as session, session.begin():
        opportunity = opportunity_store.lock_opportunity(session, deal.id)
        reads = _orm_reads(session)
        rows = inbox.step_rows(session, opportunity.id, task_id=task.id)
        assert reads == []  # read by Core: the ORM's load was not used
        assert [_values(row) for row in rows] == expected
        (row,) = rows
        assert inspect(row).persistent and not inspect(row).modified
        assert session.get(InboxTask, task.id) is row  # in the identity map: no second object
        row.status = "cancelled"
        step_writes.write_step(session, opportunity, rows)
    with engine._sessions() as session:
        assert session.get(InboxTask, task.id).status == "cancelled"


def test_a_row_the_session_holds_is_refreshed_in_place(engine):
    deal = open_deal(engine)
    (task,) = deal.open_tasks
    with engine._sessions() as session, session.begin():
        opportunity = opportunity_store.lock_opportunity(session, deal.id)
        held = session.get(InboxTask, task.id)
        session.execute(update(InboxTask.__table__).where(InboxTask.id == task.id).values(name="Renamed"))
        rows = inbox.step_rows(session, opportunity.id, task_id=task.id)
        assert rows == [held] and rows[0] is held and held.name == "Renamed"  # populate_existing, as stored


def test_a_change_not_flushed_is_flushed_before_the_read(engine):
    deal = open_deal(engine)
    (task,) = deal.open_tasks
    with engine._sessions() as session, session.begin():
        session.execute(insert(InboxTask.__table__).values(
            id="0" * 36, opportunity_id=deal.id, node_id="stage/call", name="Call", instructions="", form=[],
            status="cancelled", created_at=datetime(2026, 12, 6, tzinfo=timezone.utc), kind="activity",
            stage_id="stage", required=False))
    with engine._sessions() as session, session.begin():
        opportunity = opportunity_store.lock_opportunity(session, deal.id)
        withdrawn = session.get(InboxTask, "0" * 36)
        withdrawn.status = "ready"  # not flushed yet: stored, it is still cancelled
        reads = _orm_reads(session)
        rows = inbox.step_rows(session, opportunity.id, task_id=task.id)
        assert reads  # the ORM's read, which flushes first
        assert [row.id for row in rows] == ["0" * 36, task.id] and rows[0] is withdrawn
