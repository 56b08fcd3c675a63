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
        "help": {"type": "string", "description": "Guidance shown beside the field (a questionnaire's help)."},
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
        "kind": {"type": "string", "enum": ["workflow", "activity"],
                 "description": "workflow: a step of the process; activity: a Sales Assistant suggestion, "
                                "created when the deal entered its stage (its form is an optional note)."},
        "required": {"type": "boolean", "description": "An activity the deal cannot leave its stage without."},
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
        "probability": {"type": "integer", "minimum": 0, "maximum": 100,
                        "description": "In force: the manager's override if set, else probability_auto."},
        "probability_auto": {"type": "integer", "minimum": 0, "maximum": 100,
                             "description": "What the stage and the questionnaires' score classes say."},
        "probability_override": _nullable("integer", description="Set by a manager; wins until reset."),
        "score": _nullable("integer", description="The last questionnaire's score, 0-100."),
        "score_class": _nullable("string", description="Its score class, e.g. A."),
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

DECIMAL_TEXT = {"type": "string", "description": "An exact decimal, as text.", "examples": ["57.1"]}
SCHEMAS["SalesAssistant"] = _object({
    "opportunity_id": {"type": "integer"},
    "stage_id": _nullable("string"),
    "stage_name": _nullable("string"),
    "stage_description": {"type": "string"},
    "checklist": {"type": "array", "description": "What leaving the current stage needs.", "items": _object({
        "kind": {"type": "string", "enum": ["activity", "field", "answered", "buying_center"]},
        "name": {"type": "string"}, "label": {"type": "string"}, "met": {"type": "boolean"}})},
    "probability": {"type": "integer"},
    "probability_auto": {"type": "integer"},
    "probability_override": _nullable("integer"),
    "probability_override_by": _nullable("string"),
    "probability_override_at": NULLABLE_DATETIME,
    "questionnaires": {"type": "array", "items": _object({
        "id": {"type": "string"}, "name": {"type": "string"},
        "task": _nullable("string", description="Answered in this task's form."),
        "stage": _nullable("string", description="Or answered here, from this stage on."),
        "answerable": {"type": "boolean", "description": "May be answered with POST .../questionnaires/{id}."},
        "questions": {"type": "array", "items": _object({
            "id": {"type": "string"}, "text": {"type": "string"}, "help": {"type": "string"},
            "group": _nullable("string"),
            "answers": {"type": "array", "items": _object({"id": {"type": "string"}, "text": {"type": "string"}})}})},
        "answers": {"type": "object", "additionalProperties": {"type": "string"},
                    "description": "Question id -> answer id given so far."},
        "score": {"oneOf": [{"type": "null"}, _object({
            "score": DECIMAL_TEXT, "class": {"type": "string"}, "class_name": {"type": "string"},
            "class_effect": {"type": "string"}, "answered_by": _nullable("string"),
            "answered_at": NULLABLE_DATETIME,
            "questions": {"type": "array", "description": "Why the deal has its class: each answer's share.",
                          "items": _object({
                              "id": {"type": "string"}, "answer": _nullable("string"), "points": DECIMAL_TEXT,
                              "best_points": DECIMAL_TEXT, "weight": DECIMAL_TEXT,
                              "contribution": {**DECIMAL_TEXT, "description": "Points of the score it earned."},
                              "possible": {**DECIMAL_TEXT, "description": "What the best answer would earn."}})},
        })]},
    })},
}, "The Sales Assistant's view of one opportunity.")

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

OPPORTUNITY_ID = {"name": "opportunity_id", "in": "path", "required": True, "schema": {"type": "integer"}}
PATHS.update({
    "/opportunities/{opportunity_id}/sales-assistant": {"get": {
        "operationId": "salesAssistant",
        "summary": "The current stage's exit checklist, the questionnaires with their scores explained, "
                   "and what makes the probability",
        "parameters": [OPPORTUNITY_ID],
        "responses": {"200": _json(_ref("SalesAssistant"), "The panel."), "401": UNAUTHORIZED, "404": NOT_YOURS},
    }},
    "/opportunities/{opportunity_id}/questionnaires/{questionnaire_id}": {"post": {
        "operationId": "answerQuestionnaire",
        "summary": "Answer some or all questions of a stage questionnaire",
        "description": "Earlier answers stay unless replaced. The deal is scored, its class may change the "
                       "probability, and the process sees score and score_class.",
        "parameters": [OPPORTUNITY_ID, {"name": "questionnaire_id", "in": "path", "required": True,
                                        "schema": {"type": "string"}}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["answers"], "additionalProperties": False,
            "properties": {"answers": {"type": "object", "additionalProperties": {"type": "string"},
                                       "examples": [{"budget": "approved"}]}}}}}},
        "responses": {"200": _json(_ref("Opportunity"), "Scored."), "401": UNAUTHORIZED, "404": NOT_YOURS,
                      "409": _error("The deal is closed, or the questionnaire belongs to a task's form."),
                      "422": _error("Unknown questions or answers; one message per question.")},
    }},
    "/opportunities/{opportunity_id}/probability": {
        "put": {
            "operationId": "overrideProbability",
            "summary": "Set the probability by hand (the deal's manager or an admin)",
            "description": "The override wins over every later automatic update until it is reset.",
            "parameters": [OPPORTUNITY_ID],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["probability"], "additionalProperties": False,
                "properties": {"probability": {"type": "integer", "minimum": 0, "maximum": 100},
                               "reason": {"type": "string"}}}}}},
            "responses": {"200": _json(_ref("Opportunity"), "Overridden."), "401": UNAUTHORIZED,
                          "403": _error("The caller sees the deal but does not manage it."),
                          "404": NOT_YOURS, "409": _error("The deal is closed."),
                          "422": _error("Not a whole percent from 0 to 100.")},
        },
        "delete": {
            "operationId": "resetProbability",
            "summary": "Drop the override: the automatic probability applies again",
            "parameters": [OPPORTUNITY_ID],
            "responses": {"200": _json(_ref("Opportunity"), "Reset."), "401": UNAUTHORIZED,
                          "403": _error("The caller sees the deal but does not manage it."),
                          "404": NOT_YOURS, "409": _error("No override to reset, or the deal is closed.")},
        },
    },
})
PATHS["/opportunities/{opportunity_id}/lose"] = {"post": {
    "operationId": "closeAsLost",
    "summary": "Close an open deal as lost, whatever its process says (owner, manager or admin)",
    "description": "Its open tasks are withdrawn and its timers stop; it enters the methodology's first lost "
                   "stage, or 'stage'. Never refused for exit criteria.",
    "parameters": [OPPORTUNITY_ID],
    "requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": ["reason"], "additionalProperties": False,
        "properties": {"reason": {"type": "string", "minLength": 1, "maxLength": 2000},
                       "stage": {"type": "string", "description": "A lost stage of the methodology."}}}}}},
    "responses": {"200": _json(_ref("Opportunity"), "Closed as lost."), "401": UNAUTHORIZED,
                  "403": _error("The caller sees the deal but neither owns nor manages it."),
                  "404": NOT_YOURS, "409": _error("The deal is already closed."),
                  "422": _error("No reason, or not a lost stage.")},
}}
PATHS["/tasks/{task_id}/complete"]["post"]["responses"]["409"] = _error(
    "The task is no longer ready (someone else completed it), or the step would leave a stage whose exit "
    "criteria are not met (error 'exit_criteria_not_met', one message per missing criterion).")

# --- the buying center (webui/api_buying_center.py) -------------------------------------
_LEVEL = {"type": "integer", "minimum": 1, "maximum": 5}
_ATTITUDE = {"type": "string", "enum": ["supporter", "neutral", "opponent"]}
_KIND = {"type": "string", "enum": ["reports_to", "listens_to", "friends_with", "former_colleague_at_competitor"],
         "description": "reports_to is formal; the others are informal."}
_CONTACT_INPUT = {
    "name": {"type": "string", "minLength": 1, "maxLength": 200},
    "job_title": {"type": ["string", "null"], "maxLength": 200, "description": "Their function."},
    "role": {"type": ["string", "null"], "description": "One of the methodology's buying-center roles "
                                                        "(see BuyingCenter.roles), or null."},
    "influence": {**_LEVEL, "description": "1 little .. 5 decisive; default 3."},
    "attitude": {**_ATTITUDE, "description": "Default neutral."},
    "notes": {"type": ["string", "null"], "maxLength": 4000},
}
SCHEMAS.update({
    "Contact": _object({
        "id": {"type": "integer"},
        "opportunity_id": {"type": "integer"},
        "name": {"type": "string"},
        "job_title": {"type": "string"},
        "role": _nullable("string"),
        "role_name": _nullable("string"),
        "influence": _LEVEL,
        "attitude": _ATTITUDE,
        "notes": {"type": "string"},
        "created_at": DATETIME,
        "updated_at": DATETIME,
    }, "A person of the customer's buying center."),
    "Relationship": _object({
        "id": {"type": "integer"},
        "opportunity_id": {"type": "integer"},
        "from_contact": {"type": "integer"},
        "from_name": {"type": "string"},
        "to_contact": {"type": "integer"},
        "to_name": {"type": "string"},
        "kind": _KIND,
        "kind_label": {"type": "string"},
        "category": {"type": "string", "enum": ["formal", "informal"]},
        "strength": _LEVEL,
        "created_at": DATETIME,
    }, "from_contact reports to / listens to / ... to_contact."),
    "BuyingCenter": _object({
        "opportunity_id": {"type": "integer"},
        "editable": {"type": "boolean", "description": "False once the deal is won or lost."},
        "contacts": {"type": "array", "items": _ref("Contact")},
        "relationships": {"type": "array", "items": _ref("Relationship")},
        "roles": {"type": "array", "items": _object({"id": {"type": "string"}, "name": {"type": "string"},
                                                     "description": {"type": "string"}}),
                  "description": "The roles the deal's methodology offers."},
        "kinds": {"type": "array", "items": _object({"id": {"type": "string"}, "label": {"type": "string"},
                                                     "category": {"type": "string"},
                                                     "directed": {"type": "boolean"}})},
        "roles_identified": {"type": "array", "items": {"type": "string"}},
    }),
    "NewContact": {"type": "object", "required": ["name"], "additionalProperties": False,
                   "properties": _CONTACT_INPUT},
    "ContactChange": {"type": "object", "additionalProperties": False, "properties": _CONTACT_INPUT,
                      "description": "Only the fields sent change."},
    "NewRelationship": {"type": "object", "required": ["from_contact", "to_contact", "kind"],
                        "additionalProperties": False,
                        "properties": {"from_contact": {"type": "integer"}, "to_contact": {"type": "integer"},
                                       "kind": _KIND, "strength": {**_LEVEL, "description": "Default 3."}}},
})
_CLOSED = _error("The deal is won or lost: its buying center stays as it was at the close.")
_BC_INVALID = _error("The body has errors; one message per field.")
_NO_CONTENT = {"description": "Done; no content."}


def _JSON_BODY(name: str) -> dict:
    return {"required": True, "content": {"application/json": {"schema": _ref(name)}}}


def _ID(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


PATHS.update({
    "/opportunities/{opportunity_id}/contacts": {
        "get": {
            "operationId": "buyingCenter",
            "summary": "The deal's buying center: people, relationships, the methodology's roles",
            "parameters": [_ID("opportunity_id")],
            "responses": {"200": _json(_ref("BuyingCenter"), "The buying center."), "401": UNAUTHORIZED,
                          "404": NOT_YOURS},
        },
        "post": {
            "operationId": "addContact",
            "summary": "Add a person to the deal's buying center",
            "parameters": [_ID("opportunity_id")],
            "requestBody": _JSON_BODY("NewContact"),
            "responses": {"201": _json(_ref("Contact"), "Added."), "401": UNAUTHORIZED, "404": NOT_YOURS,
                          "409": _CLOSED, "422": _BC_INVALID},
        },
    },
    "/contacts/{contact_id}": {
        "patch": {
            "operationId": "updateContact",
            "summary": "Change some of a person's facts",
            "parameters": [_ID("contact_id")],
            "requestBody": _JSON_BODY("ContactChange"),
            "responses": {"200": _json(_ref("Contact"), "Changed."), "401": UNAUTHORIZED, "404": NOT_YOURS,
                          "409": _CLOSED, "422": _BC_INVALID},
        },
        "delete": {
            "operationId": "removeContact",
            "summary": "Take a person out of the buying center, with their relationships",
            "parameters": [_ID("contact_id")],
            "responses": {"204": _NO_CONTENT, "401": UNAUTHORIZED, "404": NOT_YOURS, "409": _CLOSED},
        },
    },
    "/opportunities/{opportunity_id}/relationships": {"post": {
        "operationId": "addRelationship",
        "summary": "Record how two people of the buying center relate",
        "description": "A reporting line may not go round in a circle; the same relationship is not "
                       "recorded twice (friends_with and former_colleague_at_competitor in either direction).",
        "parameters": [_ID("opportunity_id")],
        "requestBody": _JSON_BODY("NewRelationship"),
        "responses": {"201": _json(_ref("Relationship"), "Recorded."), "401": UNAUTHORIZED, "404": NOT_YOURS,
                      "409": _CLOSED, "422": _BC_INVALID},
    }},
    "/relationships/{relationship_id}": {"delete": {
        "operationId": "removeRelationship",
        "summary": "Forget one relationship",
        "parameters": [_ID("relationship_id")],
        "responses": {"204": _NO_CONTENT, "401": UNAUTHORIZED, "404": NOT_YOURS, "409": _CLOSED},
    }},
    "/opportunities/{opportunity_id}/buying-center.svg": {"get": {
        "operationId": "buyingCenterDiagram",
        "summary": "The buying center drawn as SVG, with a legend",
        "description": "Rows by reporting lines; fill by attitude, size and border by influence, a badge per "
                       "role; formal lines solid arrows, informal ones dashed; width by strength.",
        "parameters": [_ID("opportunity_id")],
        "responses": {"200": {"description": "The diagram.",
                              "content": {"image/svg+xml": {"schema": {"type": "string"}}}},
                      "401": UNAUTHORIZED, "404": NOT_YOURS},
    }},
})

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
