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

The block's last INSERTs do not wait for a Sync of their own: the pipeline stays open
past the block, until the transaction ends. The unit of work's COMMIT is queued behind
them and one Sync brings every answer back (``_commit_queued``); a rollback instead
leaves the pipeline and rolls back as ever. A refused INSERT is raised there, by the
commit, as SQLAlchemy's error — the server skipped the COMMIT queued behind it, so the
transaction is rolled back whole.

A connection in pipeline mode outside such a block (or a read sent ahead) would hand
SQLAlchemy no rows, silently: a statement run on one raises ``PipelineLeftOpen``, and one
returned to the pool so is logged and discarded (``_refuse_stray``).

SQLite has no such mode (and no round trips): ``pipelined`` does nothing there."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import Engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

KEY = "dealflow.pipeline"  # Connection.info from ``pipelined`` to the transaction's end: its _Block


class PipelineLeftOpen(RuntimeError):
    """A connection was found in pipeline mode where nothing of Dealflow's had it so: its
    statements' rows would never reach SQLAlchemy. A bug, never a state to go on from."""


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

    def leave(self, err: BaseException | None) -> None:
        """Out of pipeline mode: one Sync, the queued statements' answers read (their
        first error raised, unless ``err`` is why it is left)."""
        manager, self.manager, self.pipeline = self.manager, None, None
        if err is None:
            manager.__exit__(None, None, None)
            return
        try:
            manager.__exit__(type(err), err, err.__traceback__)
        except Exception:  # noqa: BLE001 - a dead connection cannot leave pipeline mode; err says why
            pass


def watch(engine: Engine) -> None:
    """Make ``engine``'s connections queue the plain INSERTs of a ``pipelined`` block and
    sync after every other statement (PostgreSQL engines, from ``engine.store.db``)."""
    event.listen(engine, "before_cursor_execute", _queue_if_plain_insert)
    event.listen(engine, "after_cursor_execute", _sync_unless_queued)
    event.listen(engine, "commit", _commit_queued)
    event.listen(engine, "rollback", _leave_for_rollback)
    event.listen(engine, "reset", _refuse_stray)


def _queued(context) -> bool:
    """Whether the statement's result is only a row count nobody asks for (an INSERT
    without RETURNING): it may wait for the next sync."""
    compiled = context.compiled
    return context.isinsert and compiled is not None and not compiled.effective_returning


def _queue_if_plain_insert(connection, _cursor, _statement, _parameters, context, _many) -> None:
    block = connection.info.get(KEY)
    if block is None:
        if connection.connection.driver_connection.pgconn.pipeline_status:
            raise PipelineLeftOpen("a statement on a connection left in pipeline mode (its rows would be lost)")
        return
    if block.pipeline is None and _queued(context):
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
    """Queue the INSERTs that ``session`` runs in this block, the last of them until the
    transaction's COMMIT (see the module)."""
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
            block.leave(err)  # the transaction is rolled back next
        raise
    if block.manager is None:
        info.pop(KEY, None)  # nothing queued: the COMMIT goes as usual
    # else: the block stays, and its pipeline open, for the COMMIT (_commit_queued)


def _commit_queued(connection) -> None:
    """Before SQLAlchemy commits: queue COMMIT behind the block's INSERTs and sync once.
    psycopg then finds no transaction left to commit, and sends nothing more."""
    block = connection.info.pop(KEY, None)
    if block is None or block.manager is None:
        return
    dbapi = connection.dialect.loaded_dbapi
    try:
        block.driver.execute(b"COMMIT", prepare=False)  # queued behind the INSERTs
        block.leave(None)  # the one Sync: the INSERTs' answers and the COMMIT's
    except dbapi.Error as err:
        # the server skipped the COMMIT queued behind the refused statement: nothing of
        # the transaction is kept (the pool's rollback ends it on the server)
        raise DBAPIError.instance(None, None, err, dbapi.Error, dialect=connection.dialect) from err


def _leave_for_rollback(connection) -> None:
    """Before SQLAlchemy rolls back: out of pipeline mode first (the queued INSERTs'
    errors, if any, no longer matter)."""
    if connection.closed or connection.invalidated:
        return  # a dead connection (its ``info`` would raise): the pool drops it, pipeline and all
    block = connection.info.pop(KEY, None)
    if block is not None and block.manager is not None:
        block.leave(_RolledBack())


class _RolledBack(Exception):
    """Why a block's pipeline is left at a rollback (never raised)."""


def _refuse_stray(dbapi_connection, record, _state) -> None:
    """A connection returned to the pool still in pipeline mode is a bug (see
    PipelineLeftOpen): raising here makes SQLAlchemy log it and discard the connection
    rather than hand it to the next request."""
    record.info.pop(KEY, None)
    if dbapi_connection.pgconn.pipeline_status:
        raise PipelineLeftOpen("a connection returned to the pool in pipeline mode")
