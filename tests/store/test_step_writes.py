"""A step's deal and inbox rows written by Core UPDATEs (engine.store.step_writes): the
deal's version counter is checked and moved as the ORM's flush does it, only the
columns that changed are written, and the ORM has nothing left to flush for them
afterwards. SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, event, select, update

from engine.service import unit_of_work
from engine.store.db import RowsChangedError
from engine.store.models import InboxTask, Opportunity
from engine.store.step_writes import write_step


def _deal(engine):
    return engine.create_opportunity(title="Kiosk", amount="1000.00", partner="Hotel Rex", actor="manager",
                                     owner="rep1", attributes={"channel": "retail"})


def _statements(session) -> list[str]:
    seen: list[str] = []
    event.listen(session.get_bind(), "before_cursor_execute",
                 lambda _c, _cur, statement, *_rest: seen.append(statement.split()[0] + " " + statement.split()[1]))
    return seen


def test_the_deal_and_its_changed_rows_are_written_once_with_the_version_moved(engine):
    deal = _deal(engine)
    task_id = deal.open_tasks[0].id

    def work(session):
        row = session.get(Opportunity, deal.id)
        task = session.get(InboxTask, task_id)
        version = row.row_version
        row.title, row.error_message = "Kiosk II", None  # error_message set to what it was: not written
        task.note = "called"
        seen = _statements(session)
        write_step(session, row, [task])
        session.flush()  # the ORM finds nothing left to write
        return version, seen

    version, seen = unit_of_work.run(engine.context, work)
    if engine.context.sessions.kw["bind"].dialect.name == "postgresql":
        assert seen == ["WITH t0"]  # the row's UPDATE rides in the deal's, as a CTE: one round trip
    else:
        assert seen == ["UPDATE opportunities", "UPDATE tasks"]
    with unit_of_work.read(engine.context) as session:
        stored = session.get(Opportunity, deal.id)
        assert (stored.title, stored.row_version, stored.error_message) == ("Kiosk II", version + 1, None)
        assert session.get(InboxTask, task_id).note == "called"


def test_a_deal_another_transaction_moved_meanwhile_is_refused(engine):
    deal = _deal(engine)

    def work(session):
        row = session.get(Opportunity, deal.id)
        # What a concurrent step committed first looks like from here: the counter moved.
        session.execute(update(Opportunity.__table__).where(Opportunity.__table__.c.id == deal.id)
                        .values(row_version=Opportunity.__table__.c.row_version + 1))
        row.title = "Kiosk II"
        with pytest.raises(RowsChangedError):
            write_step(session, row, [])

    with engine.context.sessions() as session, session.begin():
        work(session)
        session.rollback()
    with unit_of_work.read(engine.context) as session:
        assert session.scalar(select(Opportunity.title).where(Opportunity.id == deal.id)) == "Kiosk"


def test_a_row_deleted_meanwhile_refuses_the_whole_write(engine):
    deal = _deal(engine)
    task_id = deal.open_tasks[0].id

    with engine.context.sessions() as session, session.begin():
        row = session.get(Opportunity, deal.id)
        task = session.get(InboxTask, task_id)
        session.execute(delete(InboxTask.__table__).where(InboxTask.__table__.c.id == task_id))
        row.title, task.status = "Kiosk II", "completed"
        with pytest.raises(RowsChangedError):
            write_step(session, row, [task])
        session.rollback()
    with unit_of_work.read(engine.context) as session:
        assert session.scalar(select(Opportunity.title).where(Opportunity.id == deal.id)) == "Kiosk"
        assert session.scalar(select(InboxTask.status).where(InboxTask.id == task_id)) == "ready"
