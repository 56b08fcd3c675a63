"""Text no request may carry, refused before any view runs: a NUL character or a lone
UTF-16 surrogate (engine.rules.inputs.unstorable) in a query parameter or a form
value or name is a 422 naming the parameter (a FormError, as the façade's); in a path segment (a task id, a
questionnaire id) it names nothing that exists, a 404. Neither can be stored in
PostgreSQL or even compared with a text column there, so a value that reaches a query
would be a 500. Invalid UTF-8 never gets this far: werkzeug reads it as U+FFFD.

JSON bodies are walked by webui/api/parsing.py; the login form shows its own message
(webui/auth.py), so it is left to the view. The façade still checks every text it
stores (engine.rules.inputs), for callers other than the web."""

from __future__ import annotations

from typing import Iterable

from flask import Flask, request
from werkzeug.exceptions import NotFound

from engine import FormError, shown_name, unstorable

OWN_MESSAGE = ("auth.login",)  # views that show the message in their own form


def unstorable_pairs(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """A message per name whose name or value cannot be stored."""
    problems: dict[str, str] = {}
    for name, value in pairs:
        message = unstorable(name) or (unstorable(value) if isinstance(value, str) else None)
        if message is not None:
            problems.setdefault(shown_name(name), message)
    return problems


def _refuse_unstorable_text() -> None:
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and unstorable(value):
            raise NotFound("no such id: it holds a character no id has")
    if request.endpoint in OWN_MESSAGE:
        return
    problems = unstorable_pairs(request.args.items(multi=True))
    if not request.path.startswith("/api/"):  # the API reads JSON bodies, never forms
        problems |= unstorable_pairs(request.form.items(multi=True))
    if problems:
        raise FormError(problems)


def init_app(app: Flask) -> None:
    app.before_request(_refuse_unstorable_text)
