"""Working a task: claiming it from a team queue (POST /tasks/{id}/claim) and
completing it with its form's data (POST /tasks/{id}/complete)."""

from __future__ import annotations

from flask import jsonify

from webui.api.blueprint import bp, facade, username
from webui.api.parsing import json_object
from webui.api.shapes import opportunity_json, task_json


@bp.post("/tasks/<task_id>/claim")
def claim_task(task_id: str):
    return jsonify(task_json(facade().claim_task(task_id, actor=username())))


@bp.post("/tasks/<task_id>/complete")
def complete_task(task_id: str):
    # A task the caller may not see is 404 before anything tells whether it is still ready.
    facade().task(task_id, viewer=username())
    data = json_object()
    return jsonify(opportunity_json(facade().complete_task(task_id, actor=username(), data=data)))
