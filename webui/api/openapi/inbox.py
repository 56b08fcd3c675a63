"""The document's inbox: the Inbox schema and GET /inbox."""

from __future__ import annotations

from webui.api.openapi.parts import UNAUTHORIZED, UNSTORABLE_PARAMETER, answer, error, record, ref

SCHEMAS = {
    "Inbox": record({
        "tasks": {"type": "array", "items": ref("Task")},
        "counts": record({
            "total": {"type": "integer"},
            "mine": {"type": "integer", "description": "Assigned to the caller."},
            "queued": {"type": "integer", "description": "Waiting in the caller's teams' queues."},
            "team": {"type": "integer", "description": "On deals the caller manages, assigned to others."},
            "overdue": {"type": "integer"},
        }, "Over the whole filtered inbox, not only this page."),
        "paging": record({"page": {"type": "integer"}, "per_page": {"type": "integer"},
                          "pages": {"type": "integer"}, "total": {"type": "integer"}}),
        "filters": record({
            "stages": {"type": "array", "items": record({"id": {"type": "string"}, "name": {"type": "string"}})},
            "methodologies": {"type": "array", "items": {"type": "string"}},
        }, "The stages and methodologies the caller's tasks are in."),
    }),
}

PATHS = {
    "/inbox": {"get": {
        "operationId": "inbox",
        "summary": "The caller's ready tasks, earliest due first",
        "description": "Tasks assigned to the caller, waiting in their teams' queues and, for a manager, "
                       "on the deals they are responsible for; an admin sees all.",
        "parameters": [
            {"name": "stage", "in": "query", "schema": {"type": "string"}, "description": "A stage id."},
            {"name": "methodology", "in": "query", "schema": {"type": "string"},
             "description": "A methodology id."},
            {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
            {"name": "per_page", "in": "query",
             "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 25}},
        ],
        "responses": {"200": answer(ref("Inbox"), "One page of the inbox."),
                      "400": error("A parameter is unknown or out of range."),
                      "422": UNSTORABLE_PARAMETER,
                      "401": UNAUTHORIZED},
    }},
}
