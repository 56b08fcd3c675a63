"""The ``api`` blueprint and who calls it.

Every request but the public ones (the OpenAPI document, the catch-all for unknown
routes) carries ``Authorization: Bearer <token>`` (``dealflow token create USER``
prints one); the token names the caller, whose username every route passes to the
façade. Errors are answered by webui/errors.py, like the screens'."""

from __future__ import annotations

from flask import Blueprint, current_app, g, request

from engine.errors import PermissionDeniedError
from engine import Engine, unstorable

from webui.app_engine import engine_of
from webui.errors import HttpError

bp = Blueprint("api", __name__)

PUBLIC = ("api.openapi_document", "api.no_such_route")
# External tasks' worker routes (webui/api/external_tasks.py): a worker token, not a user's.
WORKER_ROUTES = ("api.fetch_and_lock", "api.complete_external_task", "api.external_task_failure",
                 "api.external_task_bpmn_error", "api.extend_external_task_lock")
# Messages and signals (webui/api/messages.py, signals.py): a worker token (scoped to
# message:NAME or signal:NAME) or a user's.
EITHER_ROUTES = ("api.send_message", "api.send_signal")
CHALLENGE = 'Bearer realm="dealflow"'  # RFC 6750


@bp.before_request
def _authenticate():
    if request.endpoint in PUBLIC:
        return
    credentials = request.authorization
    if credentials is None or credentials.type != "bearer" or not credentials.token:
        raise HttpError(401, "send an API token as 'Authorization: Bearer <token>'; "
                             "'dealflow token create USER' prints one", headers={"WWW-Authenticate": CHALLENGE})
    try:
        if unstorable(credentials.token):  # no token holds one; a query comparing it would fail
            raise PermissionDeniedError("invalid token")
        if request.endpoint in WORKER_ROUTES or (request.endpoint in EITHER_ROUTES
                                                 and credentials.token.startswith("dfw_")):
            # a worker's token opens these and nothing else
            g.api_worker = facade().worker_for_token(credentials.token)
            return
        g.api_user = facade().user_for_token(credentials.token)
    except PermissionDeniedError:
        raise HttpError(401, "the API token is invalid or revoked",
                        headers={"WWW-Authenticate": CHALLENGE + ', error="invalid_token"'}) from None


def facade() -> Engine:
    return engine_of(current_app)


def username() -> str:
    """The caller's username, as the token named it."""
    return g.api_user.username
