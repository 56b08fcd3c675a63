"""Connections the database closed behind the pool's back (a restart, a failover, an
administrator's pg_terminate_backend): PostgreSQL only, with real backends really
terminated. The pool no longer pings every connection it hands out (engine.store.db):
a connection idle past IDLE_PING is pinged and replaced; one in steady use fails once —
a write runs again on a new connection, a read says the database failed — and the
pool then reconnects."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import create_engine, text

from engine.errors import DatabaseError
from engine.service import unit_of_work
from engine.service.unit_of_work import Retry
from engine.store import db
from engine.store.models import Opportunity, User
from tests.conftest import POSTGRES_URL

pytestmark = [pytest.mark.skipif(not POSTGRES_URL, reason="terminating backends needs PostgreSQL"),
              pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)]


@pytest.fixture
def ctx(engine):
    return dataclasses.replace(engine.context, retry=Retry(attempts=3, sleep=lambda _s: None))


def terminate_pooled_backends(engine) -> int:
    """End every backend of the façade's pool, from an admin connection; how many."""
    pool = engine._engine.pool
    held = [engine._engine.connect() for _ in range(max(1, pool.checkedin()))]  # every idle one, at once
    pids = [connection.execute(text("SELECT pg_backend_pid()")).scalar() for connection in held]
    for connection in held:
        connection.close()
    admin = create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as connection:
        ended = [connection.execute(text("SELECT pg_terminate_backend(:p)"), {"p": p}).scalar() for p in pids]
    admin.dispose()
    assert all(ended)
    return len(ended)


def test_a_connection_in_use_is_not_pinged(engine, ctx, monkeypatch):
    pings = []
    real = engine._engine.dialect.do_ping
    monkeypatch.setattr(engine._engine.dialect, "do_ping", lambda c: pings.append(1) or real(c))
    for _ in range(5):
        with unit_of_work.read(ctx) as session:
            session.get(User, 1)
    assert pings == []
    monkeypatch.setattr(db, "IDLE_PING", -1.0)  # every pooled connection counts as idle now
    with unit_of_work.read(ctx) as session:
        session.get(User, 1)
    assert pings == [1]


def test_an_idle_connection_the_server_closed_is_replaced_before_use(engine, ctx, monkeypatch):
    assert terminate_pooled_backends(engine) == 1
    monkeypatch.setattr(db, "IDLE_PING", -1.0)
    with unit_of_work.read(ctx) as session:
        assert session.get(User, 1).username == "admin"


def test_a_write_whose_connection_died_runs_again_on_a_new_one(engine, ctx):
    deal = engine.create_opportunity(title="Cold room", amount="1000.00", partner="P",
                                     attributes={"channel": "retail"}, actor="manager")
    terminate_pooled_backends(engine)  # used moments ago: not pinged
    calls = []

    def retitle(session):
        calls.append(1)
        session.get(Opportunity, deal.id).title = "Cold room, two doors"

    unit_of_work.run(ctx, retitle)
    assert len(calls) == 2  # the first try met the dead connection
    assert engine.show_opportunity(deal.id).title == "Cold room, two doors"


def test_a_read_whose_connection_died_fails_once_then_the_pool_reconnects(engine, ctx):
    terminate_pooled_backends(engine)
    with pytest.raises(DatabaseError, match="the database failed"):
        with unit_of_work.quick_read(ctx) as session:
            session.get(User, 1)
    with unit_of_work.quick_read(ctx) as session:
        assert session.get(User, 1).username == "admin"


def test_a_token_check_whose_connection_died_fails_once_then_the_pool_reconnects(engine):
    token, unchecked = engine.create_token("rep1"), engine.create_token("rep2")
    assert engine.user_for_token(token).username == "rep1"  # its connection is pooled again
    terminate_pooled_backends(engine)
    with pytest.raises(DatabaseError, match="the database failed"):
        # a token not yet kept (test_token_cache.py) is checked in full, on the pool;
        # a plain connection's error is mapped like a session's
        engine.user_for_token(unchecked)
    assert engine.user_for_token(unchecked).username == "rep2"
