"""The API's token check (``Engine.user_for_token``), run on every API request: one
statement on a plain autocommit connection, no ORM session — a revoked token, a
changed role or team is seen by the very next check (what a process keeps between
checks on PostgreSQL, and why it changes none of this: test_token_cache.py).
Both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from engine.errors import PermissionDeniedError


def statements_of(engine, call):
    """(what ``call`` returned, the SQL statements it ran)."""
    seen: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine._engine, "before_cursor_execute", note)
    try:
        return call(), seen
    finally:
        event.remove(engine._engine, "before_cursor_execute", note)


def test_a_token_names_its_user_with_their_teams_in_one_statement(engine):
    token = engine.create_token("rep1")
    user, statements = statements_of(engine, lambda: engine.user_for_token(token))
    assert (user.username, user.role, sorted(user.teams)) == ("rep1", "rep", ["horeca", "sales"])
    assert len(user.team_ids) == 2
    assert len(statements) == 1 and statements[0].lstrip().upper().startswith("SELECT")  # no BEGIN, no ROLLBACK


def test_an_unknown_token_and_a_revoked_one_are_refused(engine):
    token = engine.create_token("rep1")
    with pytest.raises(PermissionDeniedError, match="invalid or revoked"):
        engine.user_for_token(token + "x")
    assert engine.user_for_token(token).username == "rep1"
    token_id = engine.api_tokens("rep1", viewer="admin")[0].id
    engine.revoke_token("rep1", token_id, actor="admin")
    with pytest.raises(PermissionDeniedError, match="invalid or revoked"):
        engine.user_for_token(token)


def test_a_token_of_another_user_names_that_user_not_the_first(engine):
    mine, theirs = engine.create_token("rep1"), engine.create_token("rep2")
    assert engine.user_for_token(mine).username == "rep1"
    assert engine.user_for_token(theirs).username == "rep2"


def test_a_changed_role_or_team_is_seen_by_the_next_check(engine):
    token = engine.create_token("rep1")
    assert sorted(engine.user_for_token(token).teams) == ["horeca", "sales"]
    engine.remove_team_member("horeca", "rep1", actor="admin")
    assert engine.user_for_token(token).teams == ("sales",)
    engine.set_role("rep1", "manager", actor="admin")
    assert engine.user_for_token(token).role == "manager"


def test_a_check_through_another_engine_sees_a_revocation_at_once(engines):
    first, second = engines  # two processes on one database
    token = first.create_token("rep1")
    assert second.user_for_token(token).username == "rep1"
    first.revoke_token("rep1", first.api_tokens("rep1", viewer="admin")[0].id, actor="admin")
    with pytest.raises(PermissionDeniedError):
        second.user_for_token(token)
