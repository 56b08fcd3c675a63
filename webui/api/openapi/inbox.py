"""The document's inbox: the Inbox schema and GET /inbox."""

from __future__ import annotations

from webui.api.openapi.parts import UNAUTHORIZED, UNSTORABLE_PARAMETER, answer, error, record, ref

DATE_FILTER = {"type": "string", "enum": ["overdue", "today", "week", "none"]}
SORTS = ["due", "follow_up", "task", "deal", "partner", "stage", "assignee", "created"]

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
            "queues": {"type": "array", "items": {"type": "string"}, "description": "The caller's teams."},
        }, "The stages and methodologies the caller's (filtered) tasks are in, and the queues to filter by."),
        "query": {"type": "object", "additionalProperties": {"type": "string"},
                  "description": "The parameters this answer was read with, defaults left out: the same "
                                 "query string gives it again (a saved filter is one)."},
    }),
}

PATHS = {
    "/inbox": {"get": {
        "operationId": "inbox",
        "summary": "The caller's ready tasks: searched, filtered, sorted, paged (earliest due first by default)",
        "description": "Tasks assigned to the caller, waiting in their teams' queues and, for a manager, "
                       "on the deals they are responsible for; an admin sees all. Day filters (due, "
                       "follow_up) count days in the company's time zone.",
        "parameters": [
            {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 200},
             "description": "Words, each in the task's name, the deal's title or the partner's name (any case)."},
            {"name": "stage", "in": "query", "schema": {"type": "string"}, "description": "A stage id."},
            {"name": "methodology", "in": "query", "schema": {"type": "string"},
             "description": "A methodology id."},
            {"name": "due", "in": "query", "schema": DATE_FILTER,
             "description": "overdue (before now), today, week (today to the end of Sunday), none (no due date)."},
            {"name": "follow_up", "in": "query", "schema": DATE_FILTER,
             "description": "As due, on the follow-up date."},
            {"name": "assignee", "in": "query", "schema": {"type": "string"},
             "description": "me, queue (unclaimed in one of the caller's teams' queues), others (held by "
                            "someone else), or a username."},
            {"name": "queue", "in": "query", "schema": {"type": "string"},
             "description": "A team's name: the tasks of its queue."},
            {"name": "sort", "in": "query",
             "schema": {"type": "string", "enum": SORTS + ["-" + s for s in SORTS], "default": "due"},
             "description": "The column to sort by; '-' before it for descending. Empty dates and names last."},
            {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100000,
                                                       "default": 1}},
            {"name": "per_page", "in": "query",
             "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 25}},
        ],
        "responses": {"200": answer(ref("Inbox"), "One page of the inbox."),
                      "400": error("A parameter is unknown, given twice, or not a value it takes; "
                                   "one message per parameter."),
                      "422": UNSTORABLE_PARAMETER,
                      "401": UNAUTHORIZED},
    }},
}
