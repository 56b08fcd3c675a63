"""What the inbox page asks the database (issue 16): the login's user is read once a
request, with their team ids, and the layout's bell and the inbox's warnings take
that view instead of reading the user again."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from tests.webui.pages_support import client_for, open_deal


@contextmanager
def statements(engine):
    seen: list[str] = []
    listener = lambda _c, _cur, statement, *_a: seen.append(" ".join(statement.split()))  # noqa: E731
    event.listen(engine._engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(engine._engine, "before_cursor_execute", listener)


def test_the_inbox_page_reads_its_user_once_and_the_badges_in_one_query_each(app, engine):
    open_deal(engine)
    client = client_for(app, "rep1")
    with statements(engine) as seen:
        page = client.get("/")
    assert page.status_code == 200 and b"nav-notifications" in page.data
    user_reads = [s for s in seen if s.startswith("SELECT users.")]
    assert len(user_reads) == 1, user_reads  # the session's user and teams, one statement
    assert "team_members" in user_reads[0]
    assert not [s for s in seen if s.startswith("SELECT team_members.")]  # team ids came with the user
    assert len([s for s in seen if "FROM notifications" in s]) == 1
    assert len([s for s in seen if "FROM deal_warnings" in s]) == 1
    assert len(seen) == 6, seen  # user, inbox counts, inbox page, saved filters, bell, warnings


@pytest.mark.parametrize("username", ["manager", "rep1", "rep3"])
def test_the_warnings_for_the_logins_view_are_those_for_the_username(engine, clock, username):
    open_deal(engine, "Cold room for Rex", "Hotel Rex")
    open_deal(engine, "Bar fridge", "Bar Mleczny")
    clock.advance(days=3)
    engine.sweep_warnings()
    view = engine.user_for_session(username, engine.session_generation(username))
    assert view.team_ids is not None
    by_name = [w.id for w in engine.warnings(viewer=username, include_acknowledged=False)]
    assert [w.id for w in engine.warnings(viewer=view, include_acknowledged=False)] == by_name
    assert len(by_name) == {"manager": 2, "rep1": 1, "rep3": 0}[username]
    assert engine.unread_notification_count(viewer=view) == engine.unread_notification_count(viewer=username)
