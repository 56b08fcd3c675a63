"""The one HTTP error mapping of the web application.

Every error that leaves a view is described once here, as a status, a stable code,
a message and a message per field, then answered in one of two shapes:

- under /api/ (the JSON API at /api/v1): ``{"error": code, "message": ..., "fields": {...}}``,
  ``fields`` always present ({} when no field is at fault);
- elsewhere: the HTML error page, a fixed text per status that says nothing about the
  deal (only conflicts and refusals show their message).

    NotFoundError          404 not_found              (never says whether it exists)
    PermissionDeniedError  403 forbidden
    ExitCriteriaError      409 exit_criteria_not_met  fields: each criterion not met
    ConflictError          409 conflict
    FormError              422 invalid                fields: each field's message
    other DealflowError    422 invalid
    HttpError              what the API's parsing says (400, 401, 405, 422, with fields)
    CSRFError              400 bad_request
    HTTPException          its code: 404 not_found, 405 method_not_allowed, 413 too_large
                           (a body above MAX_CONTENT_LENGTH), ...
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from engine.errors import (ConflictError, DealflowError, ExitCriteriaError, FormError, NotFoundError,
                           PermissionDeniedError)

from webui import guard

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "invalid", 500: "internal_error"}

# What an HTML error page says: a fixed text per status, never the failing deal's data.
PAGES = {
    400: ("Bad request", "The request could not be understood."),
    403: ("Not allowed", "You may not see or do this. Ask your manager if you think you should."),
    404: ("Not found", "There is nothing here, or nothing you may see."),
    405: ("Not allowed", "This address does not take that kind of request."),
    409: ("Changed by someone else", "Someone else changed this first."),
    413: ("Too large", "What was sent is larger than this site accepts."),
    422: ("Check the form", "Some of what was entered does not fit."),
}
FORM_MESSAGE = "the data has errors; see fields"
CSRF_MESSAGE = ("The form's security token is missing or has expired. "
                "Go back, reload the page and send the form again.")


class HttpError(Exception):
    """What the JSON API's own parsing refuses (a bad query parameter, a body that is
    not a JSON object, a missing token): answered like every other error."""

    def __init__(self, status: int, message: str, fields: dict[str, str] | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.fields = status, message, dict(fields or {})
        self.headers = dict(headers or {})


@dataclass(frozen=True)
class Failure:
    """One error as HTTP sees it. ``shown`` tells whether an HTML page may show the
    message (a 404 or 403 page never does: it would tell what exists)."""

    status: int
    code: str
    message: str
    fields: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    shown: bool = False


def describe(err: Exception) -> Failure:
    """The one mapping from an error to its HTTP answer."""
    if isinstance(err, HttpError):
        return Failure(err.status, CODES.get(err.status, "error"), err.message, err.fields, err.headers,
                       shown=True)
    if isinstance(err, NotFoundError):
        # Its message names only what the caller asked for ("no task 'x'").
        return Failure(404, CODES[404], str(err))
    if isinstance(err, PermissionDeniedError):
        return Failure(403, CODES[403], str(err))
    if isinstance(err, ExitCriteriaError):
        return Failure(409, "exit_criteria_not_met", str(err), err.details, shown=True)
    if isinstance(err, ConflictError):
        return Failure(409, CODES[409], str(err), shown=True)
    if isinstance(err, FormError):
        return Failure(422, CODES[422], FORM_MESSAGE, err.fields, shown=True)
    if isinstance(err, DealflowError):
        return Failure(422, CODES[422], str(err), shown=True)
    if isinstance(err, CSRFError):
        return Failure(400, CODES[400], CSRF_MESSAGE, shown=True)
    if isinstance(err, HTTPException):
        status = err.code or 500
        code = CODES.get(status) or re.sub(r"\W+", "_", (err.name or "error").lower())
        headers = {name: value for name, value in err.get_headers() if name.lower() != "content-type"}
        return Failure(status, code, err.description or err.name, headers=headers)
    raise TypeError(f"not an error Dealflow answers: {err!r}")  # pragma: no cover


def wants_json() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def json_answer(failure: Failure):
    response = jsonify(error=failure.code, message=failure.message, fields=dict(failure.fields))
    response.status_code = failure.status
    response.headers.update(failure.headers)
    return response


def answer(err: Exception):
    """The response for ``err``: JSON under /api/, an HTML page elsewhere."""
    failure = describe(err)
    if wants_json():
        return json_answer(failure)
    if failure.status not in PAGES:
        return err  # werkzeug's own page (500, ...): nothing of the deal either
    title, text = PAGES[failure.status]
    message = None
    if failure.shown:
        message = str(err) if isinstance(err, FormError) else failure.message
    return render_template("error.html", status=failure.status, title=title, text=text,
                           message=message), failure.status, failure.headers


def init_app(app: Flask) -> None:
    """Answer every Dealflow error, parsing error and HTTP error of ``app`` by ``describe``,
    and refuse text no request may carry before any view runs (webui/guard.py)."""
    for error in (DealflowError, HttpError, HTTPException):
        app.register_error_handler(error, answer)
    guard.init_app(app)
