"""SQLite's one write lock as the use cases take it (``hold_sqlite_writes``): ``BEGIN
IMMEDIATE`` when the transaction has not begun, a write that changes nothing when it
has. Held, nobody else writes and every read is of the latest commit; waiting too long
for it is SQLAlchemy's "database is locked", which the unit of work runs again; a
use case that only reads never takes it. (SQLite alone: PostgreSQL has row locks, and
the hold does nothing there — see tests/service/test_step_lock_races.py for both.)"""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from engine.service import unit_of_work
from engine.store.db import hold_sqlite_writes, make_engine, upgrade
from engine.store.models import Opportunity
from tests.conftest import FakeClock, make_engine as make_facade
from tests.engine.test_concurrency import open_deal


@pytest.fixture
def database(tmp_path):
    url = f"sqlite:///{tmp_path / 'lock.db'}"
    engine = make_engine(url)
    upgrade(engine)
    yield url, engine
    engine.dispose()


def _other_writer(url: str) -> sqlite3.Connection:
    """Another process's connection that gives up on the write lock at once."""
    return sqlite3.connect(url.removeprefix("sqlite:///"), timeout=0, isolation_level=None)


def _try_write(connection: sqlite3.Connection) -> str:
    try:
        connection.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as err:
        return str(err)
    connection.execute("ROLLBACK")
    return "written"


def test_the_hold_begins_the_transaction_with_the_write_lock_and_ends_with_it(database):
    url, engine = database
    other = _other_writer(url)
    with Session(engine) as session, session.begin():
        session.execute(select(Opportunity.id)).all()  # a read first: no transaction begun by it
        assert not session.connection().connection.driver_connection.in_transaction
        hold_sqlite_writes(session)
        assert session.connection().connection.driver_connection.in_transaction
        assert _try_write(other) == "database is locked"
        assert other.execute("SELECT count(*) FROM opportunities").fetchone() == (0,)  # readers are not held
    assert _try_write(other) == "written"  # committed: the lock is let go
    other.close()


def test_the_hold_reads_what_another_writer_committed_after_the_sessions_first_read(database):
    url, engine = database
    other = _other_writer(url)
    with Session(engine) as session, session.begin():
        assert session.scalar(text("SELECT count(*) FROM company_settings")) == 0
        other.execute("INSERT INTO company_settings (key, value, updated_at) VALUES ('k', 'v', '2026-12-06 10:00:00')")
        hold_sqlite_writes(session)
        assert session.scalar(text("SELECT count(*) FROM company_settings")) == 1
    other.close()


def test_the_hold_in_a_transaction_already_writing_keeps_the_lock_it_has(database):
    url, engine = database
    other = _other_writer(url)
    with Session(engine) as session, session.begin():
        session.execute(text("INSERT INTO company_settings (key, value, updated_at) VALUES ('k', 'v', '2026-12-06 10:00:00')"))
        hold_sqlite_writes(session)  # BEGIN IMMEDIATE would fail inside a transaction: the write is used
        assert _try_write(other) == "database is locked"
    assert _try_write(other) == "written"
    other.close()


def test_a_hold_that_waits_too_long_is_the_error_the_unit_of_work_runs_again(database):
    url, _ = database
    impatient = create_engine(url, connect_args={"timeout": 0})
    other = _other_writer(url)
    other.execute("BEGIN IMMEDIATE")
    try:
        with Session(impatient) as session, session.begin():
            with pytest.raises(OperationalError) as raised:
                hold_sqlite_writes(session)
        assert unit_of_work.is_conflict(raised.value)
    finally:
        other.execute("ROLLBACK")
        other.close()
        impatient.dispose()


def test_reading_a_deal_takes_no_write_lock(tmp_path):
    url = f"sqlite:///{tmp_path / 'reads.db'}"
    facade = make_facade(url, FakeClock())
    try:
        deal = open_deal(facade)
        other = _other_writer(url)
        with unit_of_work.read(facade.context) as session:
            assert session.get(Opportunity, deal.id) is not None
            assert _try_write(other) == "written"  # a writer is not kept waiting by a reader
        assert facade.show_opportunity(deal.id).title == deal.title
        assert _try_write(other) == "written"
        other.close()
    finally:
        facade.close()
