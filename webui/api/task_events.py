"""One task with the boundary events that can still catch on it (GET /tasks/{id}), and
ending a user task through one of them instead of completing it, as Camunda's task
API does: POST /tasks/{id}/bpmn-error (an error boundary event takes the task) and
POST /tasks/{id}/bpmn-escalation (an escalation boundary event; a non-interrupting one
leaves the task open)."""

from __future__ import annotations

from flask import jsonify

from engine.errors import ConflictError, FormError, PermissionDeniedError

from webui.api.blueprint import bp, facade, username
from webui.api.parsing import json_object
from webui.api.shapes import opportunity_json, task_json

FIELDS = {"error": ("errorCode", "errorMessage", "variables"), "escalation": ("escalationCode", "variables")}


@bp.get("/tasks/<task_id>")
def show_task(task_id: str):
    detail = facade().task_detail(task_id, viewer=username())
    return jsonify({**task_json(detail.task), "may_work": detail.task.may_work,
                    **{f"{kind}s": [{"code": e.code, "name": e.name, "interrupting": e.interrupting}
                                    for e in detail.events if e.kind == kind] for kind in ("error", "escalation")}})


@bp.post("/tasks/<task_id>/bpmn-error")
def task_bpmn_error(task_id: str):
    return _raise(task_id, "error")


@bp.post("/tasks/<task_id>/bpmn-escalation")
def task_bpmn_escalation(task_id: str):
    return _raise(task_id, "escalation")


def _raise(task_id: str, kind: str):
    body = json_object()
    code_field = FIELDS[kind][0]
    unknown = {name: f"not a field of this request; send {', '.join(FIELDS[kind])}"
               for name in body if name not in FIELDS[kind]}
    if code_field not in body:
        unknown[code_field] = "required: the code of one of the task's boundary events"
    if unknown:
        raise FormError(unknown)
    try:
        deal = facade().raise_task_event(task_id, kind=kind, code=body[code_field], actor=username(),
                                         message=body.get("errorMessage", ""), variables=body.get("variables"))
    except (ConflictError, PermissionDeniedError):
        facade().task(task_id, viewer=username())  # a task the caller may not see is 404, as completing it
        raise
    return jsonify(opportunity_json(deal))
