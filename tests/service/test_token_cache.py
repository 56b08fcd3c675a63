"""The API's checked tokens kept per process (engine.service.token_cache), on
PostgreSQL: a kept token costs one read of the access epoch, and any change that
alters what a token allows — a revocation, a disabled user, a new role, a team joined
or left, made by any process or by plain SQL — is seen by the very next check of
every process. On SQLite nothing is kept (the same tests hold there: every check reads
the database). Both databases."""

from __future__ import annotations

import multiprocessing
import threading

import pytest
from sqlalchemy import create_engine, text

from engine.errors import PermissionDeniedError
from engine.service import Engine
from tests.service.test_token_check import statements_of


def kept(engine) -> bool:
    return engine.context.tokens is not None


def test_a_token_checked_once_is_kept_on_postgresql_and_names_the_same_user(engine):
    token = engine.create_token("rep1")
    first = engine.user_for_token(token)
    again, statements = statements_of(engine, lambda: engine.user_for_token(token))
    assert again == first and again.team_ids == first.team_ids
    assert len(statements) == (0 if kept(engine) else 1)  # PostgreSQL: the epoch's read only, off the pool
    assert kept(engine) == engine.url.startswith("postgresql")


def test_kept_tokens_of_two_users_each_name_their_own(engine):
    mine, theirs = engine.create_token("rep1"), engine.create_token("rep2")
    for _ in range(2):  # checked, then kept
        assert engine.user_for_token(mine).username == "rep1"
        assert engine.user_for_token(theirs).username == "rep2"
    with pytest.raises(PermissionDeniedError):
        engine.user_for_token(mine + "x")  # an unknown token is never served from the kept ones


def test_a_revocation_through_another_engine_is_seen_by_the_next_kept_check(engines):
    first, second = engines
    token, other = first.create_token("rep1"), first.create_token("rep2")
    assert second.user_for_token(token).username == "rep1"
    assert second.user_for_token(token).username == "rep1"  # kept
    first.revoke_token("rep1", first.api_tokens("rep1", viewer="admin")[0].id, actor="admin")
    with pytest.raises(PermissionDeniedError):
        second.user_for_token(token)
    assert second.user_for_token(other).username == "rep2"  # another user's token still works


def test_role_and_team_changes_through_another_engine_are_seen_by_the_next_kept_check(engines):
    first, second = engines
    token = first.create_token("rep1")
    assert sorted(second.user_for_token(token).teams) == ["horeca", "sales"]
    first.remove_team_member("horeca", "rep1", actor="admin")
    assert second.user_for_token(token).teams == ("sales",)
    first.admin_add_team_member("horeca", "rep1", actor="admin")
    assert sorted(second.user_for_token(token).teams) == ["horeca", "sales"]
    first.set_role("rep1", "manager", actor="admin")
    assert second.user_for_token(token).role == "manager"


def test_a_user_disabled_or_a_token_revoked_by_plain_sql_is_refused_at_once(engine):
    token, other = engine.create_token("rep1"), engine.create_token("rep2")
    assert engine.user_for_token(token).username == "rep1"
    assert engine.user_for_token(other).username == "rep2"
    database = create_engine(engine.url)
    try:
        with database.begin() as connection:
            connection.execute(text("UPDATE users SET active = false WHERE username = 'rep1'"))
        with pytest.raises(PermissionDeniedError):
            engine.user_for_token(token)
        with database.begin() as connection:
            connection.execute(text("UPDATE users SET active = true WHERE username = 'rep1'"))
        assert engine.user_for_token(token).username == "rep1"
        with database.begin() as connection:
            connection.execute(text("UPDATE api_tokens SET revoked_at = created_at"))
        with pytest.raises(PermissionDeniedError):
            engine.user_for_token(other)
    finally:
        database.dispose()


def test_a_change_that_alters_no_token_keeps_the_kept_ones(engine):
    token = engine.create_token("rep1")
    engine.user_for_token(token)
    engine.set_password("rep1", "a new password 1")  # users.password_hash: not what a token allows
    _, statements = statements_of(engine, lambda: engine.user_for_token(token))
    assert len(statements) == (0 if kept(engine) else 1)


def test_a_lost_epoch_connection_falls_back_to_the_full_check_and_reconnects(engine):
    token = engine.create_token("rep1")
    engine.user_for_token(token)
    if not kept(engine):
        return  # SQLite: nothing is kept, nothing to lose
    reader = engine.context.tokens._epochs
    pid = reader._local.connection.info.backend_pid
    database = create_engine(engine.url)
    try:
        with database.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        database.dispose()
    user, statements = statements_of(engine, lambda: engine.user_for_token(token))
    assert user.username == "rep1" and len(statements) == 1  # the epoch unreadable: checked in full
    assert reader._local.connection is None
    _, statements = statements_of(engine, lambda: engine.user_for_token(token))
    assert statements == [] and reader._local.connection.info.backend_pid != pid


# --- two processes --------------------------------------------------------------------------


def _checker(url: str, token: str, orders, answers) -> None:
    """Another process: check ``token`` whenever told, answer the username or 'refused'."""
    engine = Engine(url)
    try:
        while orders.recv() == "check":
            try:
                answers.send(engine.user_for_token(token).username)
            except PermissionDeniedError:
                answers.send("refused")
    finally:
        engine.close()


def test_a_revocation_in_one_process_is_seen_by_the_next_check_of_another(engine):
    token = engine.create_token("rep1")
    context = multiprocessing.get_context("spawn")
    orders, their_orders = context.Pipe()
    their_answers, answers = context.Pipe()
    process = context.Process(target=_checker, args=(engine.url, token, their_orders, their_answers))
    process.start()
    try:
        for _ in range(3):  # checked, then kept there
            orders.send("check")
            assert answers.recv() == "rep1"
        assert engine.user_for_token(token).username == "rep1"  # and kept here
        engine.revoke_token("rep1", engine.api_tokens("rep1", viewer="admin")[0].id, actor="admin")
        orders.send("check")
        assert answers.recv() == "refused"
        with pytest.raises(PermissionDeniedError):
            engine.user_for_token(token)
    finally:
        orders.send("stop")
        process.join(60)
    assert process.exitcode == 0


def test_a_thread_that_ends_closes_its_epoch_connection(engine):
    """dealflow serve (Flask's threaded development server) runs each request in a
    thread of its own: the epoch's connection a thread opened is closed when the thread
    ends — before, each such request left one PostgreSQL connection open for good."""
    token = engine.create_token("rep1")
    assert engine.user_for_token(token).username == "rep1"  # this thread's connection
    for _ in range(5):
        thread = threading.Thread(target=engine.user_for_token, args=(token,))
        thread.start()
        thread.join()
    assert engine.user_for_token(token).username == "rep1"
    if kept(engine):  # SQLite keeps nothing and opens no connection of its own
        assert len(engine.context.tokens._epochs._open) == 1
