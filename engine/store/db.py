"""Connecting to the database: URL, engine, sessions, and the schema's migrations.

``DEALFLOW_DATABASE_URL`` selects the database; without it Dealflow uses an SQLite
file in the working directory (the embedded default), creating and upgrading its
schema on first use. PostgreSQL (``postgresql+psycopg://…``) is the deployment for
several processes and machines; there the schema is upgraded explicitly with
``dealflow db upgrade``.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import ArgumentError, DBAPIError, DisconnectionError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from engine.errors import DatabaseError
from engine.store import pipeline, read_ahead

DEFAULT_URL = "sqlite:///dealflow.db"
MIGRATIONS = Path(__file__).parent / "migrations"


class RowsChangedError(Exception):
    """Rows changed between a bulk write's read and its write (its optimistic-lock
    check matched fewer rows than it read), as the ORM's version counter reports for
    one row. Not an error of Dealflow's tree: the unit of work runs the use case again."""


def hold_sqlite_writes(session: Session) -> None:
    """On SQLite, take the database's one write lock now: the transaction's reads from
    here on are of the latest commit and nobody else commits until it ends — what
    ``SELECT ... FOR UPDATE`` gives on PostgreSQL, for a use case that may change no row
    the version counter guards (a task's assignee, a contact). Nothing on other databases.

    A transaction not begun yet (the driver begins one only before its first write, so
    the reads before the lock were each of the latest commit) begins with ``BEGIN
    IMMEDIATE``, which takes the lock as it begins, sent to the driver directly: one
    statement instead of the driver's ``BEGIN`` plus a write that changes nothing, and
    none of SQLAlchemy's execution path (see docs/benchmarks.md, step-lock). One already
    begun (a write or a savepoint came first) takes it with that write that changes
    nothing. Either way a writer that holds it is waited for (the busy timeout), and
    a wait that runs out is SQLAlchemy's OperationalError "database is locked", which
    the unit of work runs again."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    driver = connection.connection.driver_connection
    if driver.in_transaction:
        connection.execute(_HOLD)  # Core: nothing of the ORM's to do for it
        return
    try:
        driver.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as err:  # as SQLAlchemy would have wrapped it, for the unit of work's mapping
        raise DBAPIError.instance("BEGIN IMMEDIATE", (), err, sqlite3.Error,
                                  dialect=connection.dialect) from err


_HOLD = text("UPDATE opportunities SET id = id WHERE 0 = 1")


def database_url(url: str | None = None) -> str:
    """The URL to use: the argument, else DEALFLOW_DATABASE_URL, else the SQLite default."""
    url = url or os.environ.get("DEALFLOW_DATABASE_URL") or DEFAULT_URL
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        # psycopg 3 is the driver Dealflow installs; accept the plain scheme too.
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _json_default(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot be stored as JSON")


def _dumps(value) -> str:
    return json.dumps(value, default=_json_default, ensure_ascii=False)


def make_engine(url: str) -> Engine:
    """An SQLAlchemy engine for ``url``; a URL SQLAlchemy cannot read is a DatabaseError
    that names it (without its password), not a traceback."""
    try:
        return _make_engine(url)
    except (ArgumentError, NoSuchModuleError, ImportError, ValueError) as err:
        raise DatabaseError(f"'{_without_password(url)}' is not a database URL Dealflow can use "
                            f"({str(err).splitlines()[0]}); set DEALFLOW_DATABASE_URL to e.g. "
                            "postgresql+psycopg://user@host/db or sqlite:///dealflow.db") from None


def _without_password(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    return scheme + sep + rest.split("@")[-1] if sep else url


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, json_serializer=_dumps,
                               connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    # Not pool_pre_ping: a "SELECT 1" round trip on every checkout (two a request: the
    # token check and the use case) cost more than the statement that followed it. A
    # connection is pinged only when it has lain unused in the pool for IDLE_PING seconds —
    # the one that a restarted server, a failover or an idle timeout may have closed
    # meanwhile — and recycled after RECYCLE. One that dies while in steady use fails its
    # request once (a DatabaseError; a write is run again, see unit_of_work.run), and
    # SQLAlchemy then drops every older connection of the pool, so the next requests
    # reconnect.
    engine = create_engine(url, json_serializer=_dumps, pool_recycle=RECYCLE)
    event.listen(engine, "checkin", _stamp_checkin)
    # In this order: read_ahead's hooks run after pipeline's, which otherwise would find
    # the read's pipeline still open and raise PipelineLeftOpen on every step.
    pipeline.watch(engine)  # a unit of work's closing INSERTs travel together
    read_ahead.watch(engine)  # the step's read of its rows travels with its lock
    event.listen(engine, "checkout", lambda dbapi_connection, record, _proxy:
                 _ping_if_idle(engine.dialect, dbapi_connection, record))
    return engine


IDLE_PING = 10.0  # seconds; far above the gaps between requests under load
RECYCLE = 3600  # seconds: no connection lives past server-side limits for long


def _stamp_checkin(_dbapi_connection, record) -> None:
    record.info["checked_in"] = time.monotonic()


def _ping_if_idle(dialect, dbapi_connection, record) -> None:
    """Ping a connection that lay in the pool longer than IDLE_PING; a dead one makes the
    pool connect anew (DisconnectionError: SQLAlchemy's signal to retry the checkout)."""
    if time.monotonic() - record.info.get("checked_in", float("inf")) <= IDLE_PING:
        return  # used moments ago (a new connection has no stamp: it was just made)
    try:
        dialect.do_ping(dbapi_connection)
    except dialect.loaded_dbapi.Error as err:
        raise DisconnectionError(f"a pooled connection was closed: {err}") from err


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def read_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for use cases that only read: in autocommit mode, so PostgreSQL is spared
    a BEGIN and a ROLLBACK round trip per request. Each statement then sees the latest
    committed data on its own — fine for a list or a page, never used for a change."""
    return sessionmaker(engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False)


def _alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (creating it in an empty database)."""
    try:
        command.upgrade(_alembic_config(engine), "head")
    except OperationalError as err:
        raise _unreachable(engine, err) from None


def schema_is_current(engine: Engine) -> bool:
    head = ScriptDirectory.from_config(_alembic_config(engine)).get_current_head()
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision() == head
    except OperationalError as err:
        raise _unreachable(engine, err) from None


def _unreachable(engine: Engine, err: OperationalError) -> DatabaseError:
    reason = str(err.orig).strip().splitlines()[0] if err.orig is not None else "unreachable"
    return DatabaseError(f"cannot reach the database {engine.url.render_as_string(hide_password=True)}: {reason}")
