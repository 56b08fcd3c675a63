"""Writes that travel together: PostgreSQL's pipeline mode (psycopg 3) for the end of
a unit of work.

After a use case's work, the unit of work writes rows nobody reads back — the noted
events, stage-history and inbox rows, the kept report and stage parts and their sums
— each an INSERT (or an ``INSERT … ON CONFLICT``) without RETURNING. One at a time,
each costs a round trip, and on a busy server a round trip is a wait for the server
process to get a CPU back. Inside ``pipelined`` such an INSERT is only queued on the
connection; it goes out with the next statement that needs an answer (a SELECT, an
UPDATE or DELETE whose row count the ORM checks), which syncs the pipeline, or with
the pipeline's end. Nothing changes in what is written, nor in which transaction.

An error of a queued INSERT (a duplicate key) is raised at that next sync, as
SQLAlchemy's error of whichever statement synced, or at the end as SQLAlchemy's
wrapping of the driver's error — an ``IntegrityError`` either way, so the unit of work
maps it as before, and the transaction is rolled back whole.

SQLite has no such mode (and no round trips): ``pipelined`` does nothing there."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import Engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

KEY = "dealflow.pipeline"  # Connection.info inside ``pipelined``: its _Block


class _Block:
    """One ``pipelined`` block's pipeline, entered at its first INSERT: a block that
    queues nothing (a use case with no closing rows) costs no Sync round trip."""

    def __init__(self, driver):
        self.driver = driver
        self.manager = None  # psycopg's context manager around its Pipeline, once entered
        self.pipeline = None

    def enter(self) -> None:
        self.manager = self.driver.pipeline()
        self.pipeline = self.manager.__enter__()


def watch(engine: Engine) -> None:
    """Make ``engine``'s connections queue the plain INSERTs of a ``pipelined`` block and
    sync after every other statement (PostgreSQL engines, from ``engine.store.db``)."""
    event.listen(engine, "before_cursor_execute", _queue_if_plain_insert)
    event.listen(engine, "after_cursor_execute", _sync_unless_queued)


def _queued(context) -> bool:
    """Whether the statement's result is only a row count nobody asks for (an INSERT
    without RETURNING): it may wait for the next sync."""
    compiled = context.compiled
    return context.isinsert and compiled is not None and not compiled.effective_returning


def _queue_if_plain_insert(connection, _cursor, _statement, _parameters, context, _many) -> None:
    block = connection.info.get(KEY)
    if block is not None and block.pipeline is None and _queued(context):
        block.enter()  # local to the client: no round trip


def _sync_unless_queued(connection, _cursor, _statement, _parameters, context, _many) -> None:
    block = connection.info.get(KEY)
    if block is None or block.pipeline is None or _queued(context):
        return
    # SQLAlchemy reads the statement's rows or row count right after this hook: they
    # must have come back (a queued INSERT's error surfaces here, as this statement's).
    block.pipeline.sync()


@contextmanager
def pipelined(session: Session) -> Iterator[None]:
    """Queue the INSERTs that ``session`` runs in this block (see the module)."""
    connection = session.connection()
    if connection.dialect.name != "postgresql" or KEY in connection.info:
        yield
        return
    # The dict itself, not ``connection.info`` again: on a connection that died inside
    # the block, reading ``info`` raises PendingRollbackError, which would hide the
    # lost-connection error the unit of work retries on.
    info = connection.info
    block = info[KEY] = _Block(connection.connection.driver_connection)
    try:
        yield
    except BaseException as err:
        info.pop(KEY, None)
        if block.manager is not None:
            try:
                block.manager.__exit__(type(err), err, err.__traceback__)  # the transaction is rolled back next
            except Exception:  # noqa: BLE001 - a dead connection cannot leave pipeline mode; err says why
                pass
        raise
    info.pop(KEY, None)
    if block.manager is None:
        return
    dbapi = connection.dialect.loaded_dbapi
    try:
        block.manager.__exit__(None, None, None)  # the last sync: the queued INSERTs' answers
    except dbapi.Error as err:
        raise DBAPIError.instance(None, None, err, dbapi.Error, dialect=connection.dialect) from err
