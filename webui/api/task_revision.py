"""Revising the answers of a completed task until its stage is left (issue 15;
engine.rules.revision): GET /tasks/{id}/revision (the answers as last given and
whether the caller may revise them now) and POST /tasks/{id}/revision (the whole
form again, as completing the task takes it). Documented in
webui/api/openapi/task_revision.py."""

from __future__ import annotations

from flask import jsonify

from engine.views.inbox import TaskRevisionView

from webui.api.blueprint import bp, facade, username
from webui.api.parsing import json_object
from webui.api.shapes import opportunity_json


@bp.get("/tasks/<task_id>/revision")
def task_revision(task_id: str):
    return jsonify(revision_json(facade().task_revision(task_id, viewer=username())))


@bp.post("/tasks/<task_id>/revision")
def revise_task(task_id: str):
    data = json_object()
    return jsonify(opportunity_json(facade().revise_task(task_id, actor=username(), data=data)))


def revision_json(view: TaskRevisionView) -> dict:
    """The TaskRevision schema."""
    return {"task_id": view.task_id, "opportunity_id": view.opportunity_id, "answers": view.answers,
            "may_revise": view.may_revise, "refusal": view.refusal}
