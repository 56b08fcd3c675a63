"""What the API says about itself, without a token: its OpenAPI document at
/openapi.json, and JSON 404 and 405 answers for unknown routes and methods."""

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
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = [m for m in ANY_METHOD if adapter.match(request.path, method=m)[0] != request.endpoint]
    if allowed:
        raise HttpError(405, f"{request.method} is not allowed here; use {', '.join(allowed)}",
                        headers={"Allow": ", ".join(allowed)})
    raise HttpError(404, f"no such API route: {request.path}; see /api/v1/openapi.json")
