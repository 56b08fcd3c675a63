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
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from engine.errors import DatabaseError

DEFAULT_URL = "sqlite:///dealflow.db"
MIGRATIONS = Path(__file__).parent / "migrations"


class RowsChangedError(Exception):
    """Rows changed between a bulk write's read and its write (its optimistic-lock
    check matched fewer rows than it read), as the ORM's version counter reports for
    one row. Not an error of Dealflow's tree: the unit of work runs the use case again."""


def hold_sqlite_writes(session: Session) -> None:
    """On SQLite, take the database's one write lock now, with a write that changes
    nothing: the transaction's reads from here on are of the latest commit and nobody
    else commits until it ends — what ``SELECT ... FOR UPDATE`` gives on PostgreSQL,
    for a use case that may change no row the version counter guards (a task's
    assignee, a contact). Nothing on other databases."""
    if session.get_bind().dialect.name == "sqlite":
        session.connection().execute(_HOLD)  # Core: nothing of the ORM's to do for it


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
    return create_engine(url, json_serializer=_dumps, pool_pre_ping=True)


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
