"""People shown by their names on every screen (issue 15): the ``person`` template
filter turns a username — what views carry to name someone — into the person's
display name, asking the façade once for each distinct name a request shows (the
answers kept for the rest of the request)."""

from __future__ import annotations

from flask import Flask, current_app, g

from webui.app_engine import engine_of


def person(username: object) -> str:
    """The display name of ``username``; the text itself for anything that names nobody
    (a team's queue, "system", a user deleted since)."""
    if not isinstance(username, str) or not username:
        return "" if username is None else str(username)
    known: dict[str, str] = g.setdefault("display_names", {})
    if username not in known:
        known.update(engine_of(current_app).display_names([username]))
        known.setdefault(username, username)
    return known[username]


def person_choices(usernames) -> list[tuple[str, str]]:
    """(username, display name) pairs for a select: the value stays the username a
    filter reads, the option shows the person."""
    return [(username, person(username)) for username in usernames]


def init_app(app: Flask) -> None:
    app.add_template_filter(person)
    app.add_template_filter(person_choices)
