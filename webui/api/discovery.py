"""What the API says about itself, without a token: its OpenAPI document at
/openapi.json, and JSON 404 and 405 answers for unknown routes and methods (OPTIONS
and TRACE included)."""

from __future__ import annotations

from flask import current_app, jsonify, request

from webui.api.blueprint import bp
from webui.api.openapi import DOCUMENT
from webui.errors import HttpError

ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE"]


@bp.get("/openapi.json")
def openapi_document():
    return jsonify(DOCUMENT)


@bp.route("/", defaults={"rest": ""}, methods=ANY_METHOD, strict_slashes=False)
@bp.route("/<path:rest>", methods=ANY_METHOD)
def no_such_route(rest: str):
    """Unknown paths and methods under /api/v1 answer JSON too (routing errors never
    reach a blueprint, so this rule catches them and webui/errors.py answers)."""
    _refuse_method()


@bp.before_app_request
def _no_options_or_trace():
    """OPTIONS and TRACE are no operation of the API (Flask would answer OPTIONS with an
    empty 200 and TRACE with an HTML 405 listing the catch-all's methods): a JSON 405
    naming the methods the path really has, or 404 for a path that has none."""
    if request.method in ("OPTIONS", "TRACE") and (request.path == "/api" or request.path.startswith("/api/")):
        _refuse_method()


def _refuse_method():
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = [m for m in ANY_METHOD if adapter.match(request.path, method=m)[0] != "api.no_such_route"]
    if allowed:
        raise HttpError(405, f"{request.method} is not allowed here; use {', '.join(allowed)}",
                        headers={"Allow": ", ".join(allowed)})
    raise HttpError(404, f"no such API route: {request.path}; see /api/v1/openapi.json")
