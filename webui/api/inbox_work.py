"""The inbox's own tools beyond its list (issue 15, as on the web inbox): a caller's
saved filters (GET, POST /inbox/filters; DELETE /inbox/filters/{id}), a task's
follow-up date (PUT /tasks/{id}/follow-up), and claiming or handing over many tasks
at once (POST /inbox/bulk-claim, /inbox/bulk-hand-over).

A bulk request is decided task by task, not all or nothing — as Camunda Tasklist's
bulk actions: each task is locked and re-checked on its own, one that was claimed
meanwhile or is not the caller's to take is refused with its reason, the others are
done; the answer (200) lists both. Only a request that names no valid task list or
receiver is refused as a whole (422). Documented in webui/api/openapi/inbox_work.py."""

from __future__ import annotations

from urllib.parse import parse_qsl

from flask import jsonify

from engine.views.inbox import BulkReport, SavedFilterView

from webui.api.blueprint import bp, facade, username
from webui.api.inbox import INBOX_PARAMS
from webui.api.parsing import json_object, no_nulls, refuse, unknown_fields
from webui.api.shapes import task_json

FILTER_FIELDS = ("name", "query")
FILTER_PARAMETERS = tuple(p for p in INBOX_PARAMS if p not in ("page", "per_page"))  # a saved filter keeps no page
BULK_FIELDS = ("task_ids",)
HAND_OVER_FIELDS = ("task_ids", "to")


@bp.get("/inbox/filters")
def saved_filters():
    return jsonify({"filters": [filter_json(f) for f in facade().saved_inbox_filters(username())]})


@bp.post("/inbox/filters")
def save_filter():
    body = json_object()
    no_nulls(body)
    errors = unknown_fields(body, FILTER_FIELDS)
    if not isinstance(body.get("name"), str):
        errors["name"] = "send the filter's name, a text"
    query = body.get("query", {})
    if not isinstance(query, dict):
        errors["query"] = "send the inbox parameters as an object, e.g. {\"due\": \"overdue\"}"
        query = {}
    for key, value in query.items():
        if key not in FILTER_PARAMETERS:
            errors[key] = "not a filter of the inbox; use " + ", ".join(FILTER_PARAMETERS)
        elif not isinstance(value, str):
            errors[key] = "send the parameter as text, as in the inbox's query string"
    refuse(errors)
    saved = facade().save_inbox_filter(body["name"], query, actor=username())
    return jsonify(filter_json(saved)), 201


@bp.delete("/inbox/filters/<int:filter_id>")
def delete_filter(filter_id: int):
    facade().delete_inbox_filter(filter_id, actor=username())  # another user's: 404
    return "", 204


@bp.put("/tasks/<task_id>/follow-up")
def set_follow_up(task_id: str):
    body = json_object()
    refuse(unknown_fields(body, ("follow_up",)))
    day = body.get("follow_up")
    if "follow_up" not in body or not (day is None or isinstance(day, str)):
        refuse({"follow_up": "send a day as YYYY-MM-DD, or null to clear it"})
    return jsonify(task_json(facade().set_follow_up(task_id, day or "", actor=username())))


@bp.post("/inbox/bulk-claim")
def bulk_claim():
    body = json_object()
    refuse(unknown_fields(body, BULK_FIELDS) | _task_ids_error(body))
    return jsonify(bulk_json(facade().bulk_claim(body["task_ids"], actor=username())))


@bp.post("/inbox/bulk-hand-over")
def bulk_hand_over():
    body = json_object()
    errors = unknown_fields(body, HAND_OVER_FIELDS) | _task_ids_error(body)
    if not isinstance(body.get("to"), str) or not body["to"]:
        errors["to"] = "send the username of who takes the tasks"
    refuse(errors)
    return jsonify(bulk_json(facade().bulk_hand_over(body["task_ids"], to=body["to"], actor=username())))


def _task_ids_error(body: dict) -> dict[str, str]:
    ids = body.get("task_ids")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        return {"task_ids": "send the tasks' ids as a list of texts"}
    return {}


def filter_json(saved: SavedFilterView) -> dict:
    """The SavedFilter schema: ``query`` as an object and as the web inbox's link."""
    return {"id": saved.id, "name": saved.name, "query": dict(parse_qsl(saved.query)),
            "link": "/?" + saved.query if saved.query else "/"}


def bulk_json(report: BulkReport) -> dict:
    """The BulkReport schema."""
    return {"action": report.action, "to": report.to,
            "done": [{"task_id": o.task_id, "name": o.name} for o in report.done],
            "refused": [{"task_id": o.task_id, "name": o.name, "reason": o.reason} for o in report.refused]}
