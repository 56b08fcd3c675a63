"""A read sent in the same round trip as the statement before it (PostgreSQL, psycopg 3's
pipeline mode), as a statement of its own.

The durable step locks its deal (``SELECT … FOR UPDATE``) and then reads the deal's
task rows. The read must be a second statement, run once the lock is held: under READ
COMMITTED each statement reads as of its own start, and a read inside the lock's
statement would see the rows as they were before it waited for the lock. Sent one after
the other, the two cost two round trips, and on a busy server each is a wait for the
server process to get a CPU back. Here both go out together: the lock is queued, the read
(``ahead``) is queued behind it, and one Sync brings both answers back. The server still runs them one after the other,
the read starting — and taking its snapshot — once the lock's statement is done.

Both statements say which they are, in their execution options: the lock carries
the ``Ahead`` as ``BEHIND`` (send it behind me), the read as ``ANSWER`` (my answer came
with it) — so no other statement (an autoflush before the lock) ever carries the read.
The read's rows reach the ORM as any read's do: instead of sending the read again, the
connection hands SQLAlchemy the cursor that already holds its answer — the same SQL and
parameters, checked, else it is sent as usual. So the rows become ORM objects
(``populate_existing`` and all) exactly as before, and the statement is still counted
as one.

Nothing of this on SQLite: ``ahead`` returns None there, and the read is run as usual."""

from __future__ import annotations

from functools import lru_cache

from psycopg.pq import TransactionStatus
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

BEHIND = "dealflow_read_behind"  # execution option of the statement the read follows: the Ahead
ANSWER = "dealflow_read_answer"  # execution option of the read itself: the Ahead holding its answer

IDLE = TransactionStatus.IDLE  # libpq's: no transaction open, none being sent


class Ahead:
    """One read to send behind a statement: its SQL and parameters as SQLAlchemy sends
    them, and the psycopg cursor holding its answer once sent."""

    def __init__(self, sql: str, params: dict):
        self.sql = sql
        self.params = params
        self.pipeline = None  # psycopg's pipeline context manager, while the statement is queued
        self.driver = None  # the psycopg connection whose BEGIN was queued here, until it is sent
        self.cursor = None  # psycopg's, once the read went out with the statement before it

    def drop(self) -> None:
        """Forget the answer (the caller did not need it after all)."""
        if self.cursor is not None:
            self.cursor.close()
            self.cursor = None


def watch(engine: Engine) -> None:
    """Make ``engine``'s connections send a read behind the statement that asks for it
    (PostgreSQL engines, from ``engine.store.db``)."""
    event.listen(engine, "before_cursor_execute", _enter_pipeline)
    event.listen(engine, "after_cursor_execute", _send_read)
    event.listen(engine, "do_execute", _answer_if_sent)
    event.listen(engine, "handle_error", _leave_pipeline)


def ahead(session: Session, query, params: dict) -> Ahead | None:
    """The read ``query`` (a statement built once) with ``params``, to be sent behind
    the statement executed with ``{BEHIND: it}``; None on SQLite (no round trips to
    save there: run the read as usual)."""
    dialect = session.get_bind().dialect
    if dialect.name != "postgresql":
        return None
    compiled = _compiled(query, dialect)
    return Ahead(compiled.string, compiled.construct_params(params))


@lru_cache(maxsize=16)
def _compiled(query, dialect):
    """``query`` compiled once per dialect (compiling costs more than the read)."""
    return query.compile(dialect=dialect)


def _enter_pipeline(connection, _cursor, _statement, _parameters, context, _many) -> None:
    read = context.execution_options.get(BEHIND) if context is not None else None
    if read is None or read.pipeline is not None:
        return
    driver = connection.connection.driver_connection
    # psycopg begins a transaction before its first statement, and in pipeline mode it
    # syncs right after that BEGIN: a round trip of its own. When the statement opens the
    # transaction, the BEGIN is queued here instead, ahead of it in the same pipeline:
    # psycopg is told it runs in autocommit (so it adds no BEGIN and no Sync) until the
    # statement is queued behind the BEGIN, then told it does not (_restore_transactions)
    # — from the Sync on, the connection is in the state psycopg's own BEGIN leaves.
    if not driver.autocommit and driver.pgconn.transaction_status == IDLE:
        begin = driver._get_tx_start_command()  # psycopg's own: isolation level and all (psycopg 3.1–3.3)
        driver.autocommit = True  # outside pipeline mode and idle: no round trip
        read.driver = driver
    else:
        begin = None
    read.pipeline = driver.pipeline()
    read.pipeline.__enter__()
    if begin is not None:
        driver.execute(begin, prepare=False)  # queued: autocommit, so no BEGIN of psycopg's nor Sync


def _restore_transactions(read: Ahead) -> None:
    """psycopg back to beginning transactions itself (see _enter_pipeline). Its public
    setter refuses inside a transaction, hence the flag: the BEGIN already queued stands
    in for the one psycopg would have sent."""
    if read.driver is not None:
        read.driver._autocommit = False
        read.driver = None


def _send_read(connection, _cursor, _statement, _parameters, context, _many) -> None:
    """After the statement is queued: queue the read behind it, and sync both (the
    statement's answer is read right after this hook)."""
    read = context.execution_options.get(BEHIND) if context is not None else None
    if read is None or read.pipeline is None:
        return
    pipeline, read.pipeline = read.pipeline, None
    read.cursor = connection.connection.driver_connection.cursor()
    try:
        read.cursor.execute(read.sql, read.params)
    except BaseException as err:
        read.drop()
        _restore_transactions(read)
        pipeline.__exit__(type(err), err, err.__traceback__)
        raise
    _restore_transactions(read)
    # One Sync: both answers come back and the connection leaves pipeline mode. An error
    # of the statement is raised here, as SQLAlchemy's error of that statement.
    try:
        pipeline.__exit__(None, None, None)
    except BaseException:
        read.drop()
        raise


def _answer_if_sent(cursor, statement, parameters, context) -> bool:
    """Use the answer already fetched for the read, if this is the read sent ahead."""
    read = context.execution_options.get(ANSWER) if context is not None else None
    if read is None or read.cursor is None:
        return False
    if statement != read.sql or parameters != read.params:
        read.drop()  # not what was sent: send it as usual
        return False
    cursor.close()  # SQLAlchemy's fresh one, never used
    context.cursor, read.cursor = read.cursor, None
    return True


def _leave_pipeline(exception_context) -> None:
    """A statement that failed before its read was queued (the driver refused it) must
    not leave its connection in pipeline mode: the rollback that follows needs it out."""
    context = exception_context.execution_context
    read = context.execution_options.get(BEHIND) if context is not None else None
    if read is None or read.pipeline is None:
        return
    pipeline, read.pipeline = read.pipeline, None
    _restore_transactions(read)
    err = exception_context.original_exception
    try:
        pipeline.__exit__(type(err), err, err.__traceback__)
    except Exception:  # noqa: BLE001 - a dead connection cannot leave pipeline mode; err says why
        pass
