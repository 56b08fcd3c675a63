"""The OpenAPI 3.1 document of the JSON API (served at /api/v1/openapi.json).

Kept by hand next to webui/api.py; tests/webui/test_api_openapi.py checks that its
paths and methods are exactly the blueprint's routes, that it is a valid OpenAPI
document, and that real responses fit its schemas.
"""

from __future__ import annotations


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(kind: str, **extra) -> dict:
    return {"type": [kind, "null"], **extra}


def _object(properties: dict, description: str | None = None) -> dict:
    schema = {"type": "object", "properties": properties, "required": list(properties),
              "additionalProperties": False}
    if description:
        schema["description"] = description
    return schema


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict:
    return _json(_ref("Error"), description)


MONEY = {"type": "string", "pattern": r"^[0-9]+\.[0-9]{2}$", "description": "An exact amount, e.g. \"12500.00\".",
         "examples": ["12500.00"]}
DATETIME = {"type": "string", "format": "date-time", "description": "ISO 8601 in UTC."}
NULLABLE_DATETIME = _nullable("string", format="date-time", description="ISO 8601 in UTC.")
FREE_FORM = {"type": "object", "additionalProperties": True}

SCHEMAS = {
    "Error": _object({
        "error": {"type": "string", "description": "A stable code: bad_request, unauthorized, forbidden, "
                  "not_found, method_not_allowed, conflict, invalid, internal_error.",
                  "examples": ["invalid"]},
        "message": {"type": "string", "description": "What went wrong, for people."},
        "fields": {"type": "object", "additionalProperties": {"type": "string"},
                   "description": "A message per field or parameter that is wrong; empty otherwise. "
                   "'body' is the request body as a whole."},
    }, "Every error answer has this shape."),
    "FormField": _object({
        "id": {"type": "string"},
        "label": {"type": "string"},
        "type": {"type": "string", "description": "string, textarea, long, money, date, enum, boolean, ..."},
        "required": {"type": "boolean"},
        "default": _nullable("string"),
        "minimum": _nullable("string"),
        "maximum": _nullable("string"),
        "choices": {"type": "array", "items": _object({"id": {"type": "string"}, "label": {"type": "string"}})},
    }, "One field of a task's form: the keys of the body of POST /tasks/{task_id}/complete."),
    "Task": _object({
        "id": {"type": "string"},
        "opportunity_id": {"type": "integer"},
        "opportunity_title": {"type": "string"},
        "node_id": {"type": "string", "description": "The BPMN user task's id."},
        "name": {"type": "string"},
        "instructions": {"type": "string", "description": "The methodology's guidance for this step."},
        "lane": _nullable("string"),
        "assignee": _nullable("string", description="Who works it; null while it waits in a team queue."),
        "candidate_team": _nullable("string", description="The team whose queue it waits in."),
        "claimable": {"type": "boolean", "description": "Waits in a team queue and nobody has claimed it."},
        "status": {"type": "string", "enum": ["ready", "completed", "cancelled"]},
        "due_at": NULLABLE_DATETIME,
        "created_at": DATETIME,
        "stage_id": _nullable("string"),
        "stage_name": _nullable("string"),
        "methodology_id": _nullable("string"),
        "completed_by": _nullable("string"),
        "completed_at": NULLABLE_DATETIME,
        "form": {"type": "array", "items": _ref("FormField")},
    }),
    "StageChange": _object({
        "from_stage": _nullable("string"),
        "to_stage": {"type": "string"},
        "to_stage_name": {"type": "string"},
        "probability": {"type": "integer"},
        "changed_by": _nullable("string"),
        "changed_at": DATETIME,
    }),
    "Event": _object({
        "kind": {"type": "string", "examples": ["opened", "task_completed", "stage_changed"]},
        "actor": _nullable("string"),
        "at": DATETIME,
        "data": FREE_FORM,
    }),
    "Opportunity": _object({
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "partner_name": {"type": "string"},
        "amount": MONEY,
        "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
        "attributes": FREE_FORM,
        "segment_id": {"type": "string"},
        "team": _nullable("string"),
        "owner": {"type": "string"},
        "manager": _nullable("string"),
        "methodology_id": {"type": "string"},
        "methodology_label": {"type": "string"},
        "stage_id": _nullable("string"),
        "stage_name": _nullable("string"),
        "stage_entered_at": NULLABLE_DATETIME,
        "probability": {"type": "integer", "minimum": 0, "maximum": 100},
        "expected_revenue": MONEY,
        "next_action_at": NULLABLE_DATETIME,
        "status": {"type": "string", "enum": ["open", "won", "lost"]},
        "lost_reason": _nullable("string"),
        "error_message": _nullable("string", description="Set when a step failed; a manager can retry it."),
        "opened_by": _nullable("string"),
        "opened_at": DATETIME,
        "closed_by": _nullable("string"),
        "closed_at": NULLABLE_DATETIME,
        "open_tasks": {"type": "array", "items": _ref("Task")},
        "completed_tasks": {"type": "array", "items": _ref("Task")},
        "stage_history": {"type": "array", "items": _ref("StageChange")},
        "events": {"type": "array", "items": _ref("Event")},
    }),
    "NewOpportunity": {
        "type": "object",
        "required": ["title", "amount", "partner"],
        "additionalProperties": False,
        "properties": {
            "title": {"type": "string", "minLength": 1, "maxLength": 300},
            "amount": {"oneOf": [{"type": "string"}, {"type": "number", "minimum": 0}],
                       "description": "At most two decimal places; a string (\"12500.00\") or a JSON number, "
                                      "which is read exactly (as a decimal, never a float).",
                       "examples": ["12500.00"]},
            "currency": {"type": "string", "pattern": "^[A-Z]{3}$", "default": "PLN"},
            "partner": {"type": "string", "minLength": 1, "maxLength": 300, "description": "The customer's name."},
            "partner_attributes": FREE_FORM,
            "attributes": {**FREE_FORM, "description": "What routing reads: territory, channel, industry, "
                                                       "source, ..."},
            "owner": {"type": "string", "description": "Give it to this rep instead of the segment's assignment."},
        },
    },
    "Inbox": _object({
        "tasks": {"type": "array", "items": _ref("Task")},
        "counts": _object({
            "total": {"type": "integer"},
            "mine": {"type": "integer", "description": "Assigned to the caller."},
            "queued": {"type": "integer", "description": "Waiting in the caller's teams' queues."},
            "team": {"type": "integer", "description": "On deals the caller manages, assigned to others."},
            "overdue": {"type": "integer"},
        }, "Over the whole filtered inbox, not only this page."),
        "paging": _object({"page": {"type": "integer"}, "per_page": {"type": "integer"},
                           "pages": {"type": "integer"}, "total": {"type": "integer"}}),
        "filters": _object({
            "stages": {"type": "array", "items": _object({"id": {"type": "string"}, "name": {"type": "string"}})},
            "methodologies": {"type": "array", "items": {"type": "string"}},
        }, "The stages and methodologies the caller's tasks are in."),
    }),
}

UNAUTHORIZED = _error("No token, or an invalid or revoked one (with WWW-Authenticate: Bearer).")
NOT_YOURS = _error("No such item, or not one the caller may see.")
TASK_ID = {"name": "task_id", "in": "path", "required": True, "schema": {"type": "string"}}

PATHS = {
    "/openapi.json": {"get": {
        "operationId": "openapiDocument",
        "summary": "This document",
        "security": [],
        "responses": {"200": {"description": "The OpenAPI document.",
                              "content": {"application/json": {"schema": {"type": "object"}}}}},
    }},
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
        "responses": {"200": _json(_ref("Inbox"), "One page of the inbox."),
                      "400": _error("A parameter is unknown or out of range."),
                      "401": UNAUTHORIZED},
    }},
    "/opportunities": {"post": {
        "operationId": "createOpportunity",
        "summary": "Open an opportunity (managers and admins)",
        "description": "Routing picks its segment, methodology, team and owner (unless owner is given), "
                       "and its process starts.",
        "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("NewOpportunity")}}},
        "responses": {
            "201": {**_json(_ref("Opportunity"), "Opened."),
                    "headers": {"Location": {"description": "The new opportunity's URL.",
                                             "schema": {"type": "string"}}}},
            "401": UNAUTHORIZED,
            "403": _error("The caller is not a manager or an admin."),
            "422": _error("The body is not a JSON object or has errors; one message per field."),
        },
    }},
    "/opportunities/{opportunity_id}": {"get": {
        "operationId": "showOpportunity",
        "summary": "One opportunity with its tasks, stage history and events",
        "parameters": [{"name": "opportunity_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "responses": {"200": _json(_ref("Opportunity"), "The opportunity."),
                      "401": UNAUTHORIZED, "404": NOT_YOURS},
    }},
    "/tasks/{task_id}/claim": {"post": {
        "operationId": "claimTask",
        "summary": "Take a task from one of the caller's team queues",
        "parameters": [TASK_ID],
        "responses": {"200": _json(_ref("Task"), "Claimed: now assigned to the caller."),
                      "401": UNAUTHORIZED,
                      "403": _error("The caller sees the task but is not in the team it waits for."),
                      "404": NOT_YOURS,
                      "409": _error("Already claimed, assigned to a person, or no longer ready.")},
    }},
    "/tasks/{task_id}/complete": {"post": {
        "operationId": "completeTask",
        "summary": "Complete a task with its form's data",
        "description": "The body maps the task's form fields (see Task.form) to values; money and numbers "
                       "as strings or JSON numbers, dates as YYYY-MM-DD, yes/no as booleans. The process "
                       "then runs to its next step; the answer is the opportunity afterwards.",
        "parameters": [TASK_ID],
        "requestBody": {"required": False, "content": {"application/json": {"schema": FREE_FORM}}},
        "responses": {"200": _json(_ref("Opportunity"), "Completed; the opportunity with its next step."),
                      "401": UNAUTHORIZED,
                      "403": _error("The caller sees the task but may not complete it."),
                      "404": NOT_YOURS,
                      "409": _error("The task is no longer ready (someone else completed it)."),
                      "422": _error("The data does not fit the form; one message per field.")},
    }},
}

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {
        "title": "Dealflow API",
        "version": "1",
        "description": "The inbox, opportunities and tasks of Dealflow. Create a token with "
                       "'dealflow token create USER' and send it as 'Authorization: Bearer <token>'. "
                       "Amounts are exact decimal strings; datetimes ISO 8601 in UTC. Unknown routes "
                       "answer 404 and wrong methods 405, with the Error shape.",
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearerAuth": []}],
    "paths": PATHS,
    "components": {
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                           "description": "A token from 'dealflow token create USER'."}},
        "schemas": SCHEMAS,
    },
}
