"""A durable step's waits for PostgreSQL (``engine.store.read_ahead``, ``engine.store.pipeline``):
its BEGIN travels with the deal's lock and its COMMIT with the closing rows, no INSERT
of the step asks for an id back (which would sync the pipeline mid-step), and a
connection left in pipeline mode fails loudly instead of handing SQLAlchemy no rows.

What goes over the wire is read from libpq's own trace of the connection: each Sync
or simple Query the client sends is one round trip it then waits for. On SQLite there
are no round trips: the same step completes, and ``pipelined`` leaves nothing behind."""

from __future__ import annotations

import logging

import pytest
from psycopg import pq
from sqlalchemy import event, text

from engine.store import pipeline
from tests.engine.test_concurrency import open_deal


def _sql_engine(engine):
    return engine._engine


def _round_trips(trace: str) -> list[list[str]]:
    """The client's messages, one list per round trip (up to its Sync or simple Query)."""
    messages = []  # a statement's text may span lines: a message starts with its direction
    for line in trace.splitlines():
        if line.startswith(("F\t", "B\t")) or not messages:
            messages.append(line)
        else:
            messages[-1] += "\n" + line
    trips, current = [], []
    for line in messages:
        parts = line.split("\t", 3)
        if len(parts) < 3 or parts[0] != "F":
            continue
        kind, rest = parts[2], parts[3] if len(parts) > 3 else ""
        if kind in ("Parse", "Bind"):
            current.append(f"{kind} {rest}")
        elif kind == "Query":
            trips.append(current + [f"Query {rest}"])
            current = []
        elif kind == "Sync":
            trips.append(current)
            current = []
    return trips


def _traced_step(engine, tmp_path, call):
    """Run ``call`` with every connection it checks out traced by libpq; its round trips."""
    path = tmp_path / "libpq.trace"
    sql_engine = _sql_engine(engine)
    with open(path, "w") as out:
        def trace(dbapi_connection, _record, _proxy):
            dbapi_connection.pgconn.trace(out.fileno())
            dbapi_connection.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)

        def untrace(dbapi_connection, _record):
            dbapi_connection.pgconn.untrace()

        event.listen(sql_engine, "checkout", trace)
        event.listen(sql_engine, "checkin", untrace)
        try:
            call()
        finally:
            event.remove(sql_engine, "checkout", trace)
            event.remove(sql_engine, "checkin", untrace)
    return _round_trips(path.read_text(encoding="utf-8", errors="replace"))


ANSWERS = {"Task_Qualify": {"amount": "20000", "interested": True}, "Task_Offer": {"result": "accepted"}}


def test_a_step_sends_begin_with_its_lock_and_commit_with_its_closing_rows(engine, tmp_path):
    deal = open_deal(engine)
    (task,) = deal.open_tasks
    data = ANSWERS[task.node_id]
    if engine.url.startswith("sqlite"):
        engine.complete_task(task.id, actor=deal.owner, data=data, view=False)
        assert task.id not in [t.id for t in engine.show_opportunity(deal.id).open_tasks]
        return
    trips = _traced_step(engine, tmp_path, lambda: engine.complete_task(task.id, actor=deal.owner, data=data,
                                                                        view=False))
    first, last = " ".join(trips[0]), " ".join(trips[-1])
    # one round trip: BEGIN, the lock and the task rows' read (not BEGIN alone, then the rest)
    assert "BEGIN" in first and "FOR UPDATE" in first and "FROM tasks" in first, trips[0]
    assert not any(len(trip) == 1 and "BEGIN" in trip[0] for trip in trips), trips
    # the last: the closing INSERTs and the COMMIT behind them, one Sync
    assert "INSERT INTO" in last and "COMMIT" in last, trips[-1]
    assert not any(len(trip) == 1 and "COMMIT" in trip[0] for trip in trips), trips
    assert task.id not in [t.id for t in engine.show_opportunity(deal.id).open_tasks]  # committed


def test_no_insert_of_a_step_asks_for_its_id_back(engine):
    """An INSERT with RETURNING (a single-row Core insert into a table with a generated
    id, without ``.inline()``) cannot wait in the pipeline: it would sync it mid-step."""
    deal = open_deal(engine)
    returning = []

    def note(_connection, _cursor, statement, _parameters, context, _many):
        compiled = context.compiled
        if context.isinsert and compiled is not None and compiled.effective_returning:
            returning.append(statement)

    sql_engine = _sql_engine(engine)
    event.listen(sql_engine, "before_cursor_execute", note)
    try:
        steps = 0
        while deal.open_tasks and steps < 6:  # the base process's walk to won
            task = deal.open_tasks[0]
            engine.complete_task(task.id, actor=task.assignee or deal.owner, data=ANSWERS.get(task.node_id, {}),
                                 view=False)
            deal, steps = engine.show_opportunity(deal.id), steps + 1
    finally:
        event.remove(sql_engine, "before_cursor_execute", note)
    assert steps >= 2 and deal.status == "won"
    assert returning == []


def test_a_connection_left_in_pipeline_mode_fails_loudly(engine, caplog):
    sql_engine = _sql_engine(engine)
    if sql_engine.dialect.name == "sqlite":  # no pipeline mode: the block leaves nothing behind
        with engine._sessions() as session, session.begin():
            with pipeline.pipelined(session):
                session.execute(text("SELECT 1"))
            assert pipeline.KEY not in session.connection().info
        return
    connection = sql_engine.connect()
    driver = connection.connection.driver_connection
    left_open = driver.pipeline()  # as a bug would leave it (kept: collecting it would leave the mode)
    left_open.__enter__()
    with pytest.raises(pipeline.PipelineLeftOpen):
        connection.execute(text("SELECT 1"))
    with caplog.at_level(logging.ERROR, logger="sqlalchemy.pool"):
        connection.close()  # back to the pool: logged and discarded, not handed on
    assert driver.closed
    assert any("PipelineLeftOpen" in (record.exc_text or "") or record.exc_info for record in caplog.records)
    with sql_engine.connect() as fresh:
        assert fresh.connection.driver_connection is not driver
        assert fresh.execute(text("SELECT 1")).scalar() == 1
