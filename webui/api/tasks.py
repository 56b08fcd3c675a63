"""Working a task: claiming it from a team queue (POST /tasks/{id}/claim) and
completing it with its form's data (POST /tasks/{id}/complete)."""

from __future__ import annotations

from flask import Response, jsonify, request

from engine.errors import ConflictError, PermissionDeniedError

from webui.api.blueprint import bp, facade, username
from webui.api.parsing import json_object
from webui.api.shapes import opportunity_json, task_json

MINIMAL = "return=minimal"  # RFC 7240's preference: no representation in the answer


@bp.post("/tasks/<task_id>/claim")
def claim_task(task_id: str):
    return jsonify(task_json(facade().claim_task(task_id, actor=username())))


@bp.post("/tasks/<task_id>/complete")
def complete_task(task_id: str):
    data = json_object()  # its errors say nothing of the task
    minimal = prefers_minimal()
    try:
        # The deal's view is built only for a caller that wants it: about as costly as the step.
        deal = facade().complete_task(task_id, actor=username(), data=data, view=not minimal)
    except (ConflictError, PermissionDeniedError):
        # The step says 'no longer ready' or 'not yours' before it asks who may see the
        # task; a task the caller may not see is 404 whatever else is wrong with it. Only
        # a refused completion pays for this read (it raises NotFoundError, or re-raises).
        facade().task(task_id, viewer=username())
        raise
    if minimal:
        return Response(status=204, headers={"Preference-Applied": MINIMAL})
    return jsonify(opportunity_json(deal))


def prefers_minimal() -> bool:
    """Whether the request's ``Prefer`` header asks for ``return=minimal`` (RFC 7240:
    comma-separated preferences, each perhaps with ';' parameters, any case)."""
    for header in request.headers.getlist("Prefer"):
        for preference in header.split(","):
            name, _, value = preference.split(";")[0].partition("=")
            if name.strip().lower() == "return" and value.strip().strip('"').lower() == "minimal":
                return True
    return False
