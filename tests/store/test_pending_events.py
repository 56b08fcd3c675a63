"""Events noted in a session are written at its next ORM read, in order, with their
deal's id — also when the deal was expired meanwhile (a savepoint's rollback expires
it): the id comes from the deal's identity, and the read that writes them does not
come back to write them again (it recursed until Python's limit before); and they are
written asking for no id back, so that on PostgreSQL they wait in the unit of work's
pipeline. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import event, select

from engine.service import unit_of_work
from engine.store.events import PENDING, record_event
from engine.store.models import Event, Opportunity
from tests.engine.test_concurrency import open_deal

T0 = datetime(2026, 12, 5, 9, tzinfo=timezone.utc)


def test_events_of_an_expired_deal_are_written_once_at_the_next_read(engine):
    deal = engine.create_opportunity(title="Kiosk", amount="1000.00", partner="Hotel Rex", actor="manager",
                                     owner="rep1", attributes={"channel": "retail"})

    def work(session):
        row = session.get(Opportunity, deal.id)
        record_event(session, row, "note_a", None, T0, text="first")
        record_event(session, row, "note_b", None, T0, text="second")
        session.expire(row)  # as a savepoint's rollback leaves it
        kinds = [e.kind for e in session.scalars(select(Event).where(Event.opportunity_id == deal.id)
                                                 .order_by(Event.id))]
        assert not session.info.get(PENDING)
        return kinds

    kinds = unit_of_work.run(engine.context, work)
    assert kinds[-2:] == ["note_a", "note_b"] and kinds.count("note_a") == 1
    shown = [e.kind for e in engine.show_opportunity(deal.id).events]
    assert shown.count("note_a") == shown.count("note_b") == 1


def test_a_steps_noted_rows_ask_for_no_id_back(engine):
    # A lone row's INSERT asked for its id (RETURNING on PostgreSQL): such a statement
    # cannot wait in the pipeline (engine.store.pipeline), so the step's one history
    # row cost a round trip of its own.
    deal = open_deal(engine)
    (task,) = deal.open_tasks
    inserts = []

    def note(_connection, _cursor, statement, parameters, context, many):
        if context.isinsert:
            table = context.compiled.statement.table.name
            inserts.append((table, len(parameters) if many else 1, bool(context.compiled.effective_returning)))

    event.listen(engine._engine, "before_cursor_execute", note)
    try:
        engine.complete_task(task.id, actor=deal.owner, data={"amount": "100"}, view=False)
    finally:
        event.remove(engine._engine, "before_cursor_execute", note)
    noted = [row for row in inserts if row[0] in ("events", "stage_history", "tasks")]
    # the completion and the stage change; the move's history row alone; the next task
    assert noted == [("events", 2, False), ("stage_history", 1, False), ("tasks", 1, False)]
    after = engine.show_opportunity(deal.id)
    assert [c.to_stage for c in after.stage_history][-1] == after.stage_id
    assert [e.kind for e in after.events][-2:] == ["task_completed", "stage_changed"]
