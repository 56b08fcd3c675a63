"""The document's Sales Assistant: the SalesAssistant schema, answering a
questionnaire, overriding and resetting the probability, closing as lost."""

from __future__ import annotations

from webui.api.openapi.parts import (NOT_YOURS, NULLABLE_DATETIME, OPPORTUNITY_ID, UNAUTHORIZED, answer, error,
                                     nullable, record, ref)

DECIMAL_TEXT = {"type": "string", "description": "An exact decimal, as text.", "examples": ["57.1"]}
SCHEMAS = {"SalesAssistant": record({
    "opportunity_id": {"type": "integer"},
    "stage_id": nullable("string"),
    "stage_name": nullable("string"),
    "stage_description": {"type": "string"},
    "checklist": {"type": "array", "description": "What leaving the current stage needs.", "items": record({
        "kind": {"type": "string", "enum": ["activity", "field", "answered", "buying_center"]},
        "name": {"type": "string"}, "label": {"type": "string"}, "met": {"type": "boolean"}})},
    "probability": {"type": "integer"},
    "probability_auto": {"type": "integer"},
    "probability_override": nullable("integer"),
    "probability_override_by": nullable("string"),
    "probability_override_at": NULLABLE_DATETIME,
    "questionnaires": {"type": "array", "items": record({
        "id": {"type": "string"}, "name": {"type": "string"},
        "task": nullable("string", description="Answered in this task's form."),
        "stage": nullable("string", description="Or answered here, from this stage on."),
        "answerable": {"type": "boolean", "description": "May be answered with POST .../questionnaires/{id}."},
        "questions": {"type": "array", "items": record({
            "id": {"type": "string"}, "text": {"type": "string"}, "help": {"type": "string"},
            "group": nullable("string"),
            "answers": {"type": "array", "items": record({"id": {"type": "string"}, "text": {"type": "string"}})}})},
        "answers": {"type": "object", "additionalProperties": {"type": "string"},
                    "description": "Question id -> answer id given so far."},
        "score": {"oneOf": [{"type": "null"}, record({
            "score": DECIMAL_TEXT, "class": {"type": "string"}, "class_name": {"type": "string"},
            "class_effect": {"type": "string"}, "answered_by": nullable("string"),
            "answered_at": NULLABLE_DATETIME,
            "questions": {"type": "array", "description": "Why the deal has its class: each answer's share.",
                          "items": record({
                              "id": {"type": "string"}, "answer": nullable("string"), "points": DECIMAL_TEXT,
                              "best_points": DECIMAL_TEXT, "weight": DECIMAL_TEXT,
                              "contribution": {**DECIMAL_TEXT, "description": "Points of the score it earned."},
                              "possible": {**DECIMAL_TEXT, "description": "What the best answer would earn."}})},
        })]},
    })},
}, "The Sales Assistant's view of one opportunity.")}

PATHS = {
    "/opportunities/{opportunity_id}/sales-assistant": {"get": {
        "operationId": "salesAssistant",
        "summary": "The current stage's exit checklist, the questionnaires with their scores explained, "
                   "and what makes the probability",
        "parameters": [OPPORTUNITY_ID],
        "responses": {"200": answer(ref("SalesAssistant"), "The panel."), "401": UNAUTHORIZED, "404": NOT_YOURS},
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
        "responses": {"200": answer(ref("Opportunity"), "Scored."), "401": UNAUTHORIZED, "404": NOT_YOURS,
                      "409": error("The deal is closed, or the questionnaire belongs to a task's form."),
                      "422": error("Unknown questions or answers; one message per question.")},
    }},
    "/opportunities/{opportunity_id}/probability": {
        "put": {
            "operationId": "overrideProbability",
            "summary": "Set the probability by hand (the deal's manager or an admin)",
            "description": "The override wins over every later automatic update until it is reset.",
            "parameters": [OPPORTUNITY_ID],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["probability"], "additionalProperties": False,
                "properties": {"probability": {"type": "integer", "minimum": 0, "maximum": 100,
                                               "description": "A whole number; 46.0 is 46."},
                               "reason": {"type": "string", "maxLength": 2000}}}}}},
            "responses": {"200": answer(ref("Opportunity"), "Overridden."), "401": UNAUTHORIZED,
                          "403": error("The caller sees the deal but does not manage it."),
                          "404": NOT_YOURS, "409": error("The deal is closed."),
                          "422": error("Not a whole percent from 0 to 100.")},
        },
        "delete": {
            "operationId": "resetProbability",
            "summary": "Drop the override: the automatic probability applies again",
            "parameters": [OPPORTUNITY_ID],
            "responses": {"200": answer(ref("Opportunity"), "Reset."), "401": UNAUTHORIZED,
                          "403": error("The caller sees the deal but does not manage it."),
                          "404": NOT_YOURS, "409": error("No override to reset, or the deal is closed.")},
        },
    },
    "/opportunities/{opportunity_id}/lose": {"post": {
        "operationId": "closeAsLost",
        "summary": "Close an open deal as lost, whatever its process says (owner, manager or admin)",
        "description": "Its open tasks are withdrawn and its timers stop; it enters the methodology's first lost "
                       "stage, or 'stage'. Never refused for exit criteria. 'reason_code' is one of the "
                       "methodology's lost reasons (a 422 lists them); 'reason' is free text beside it, required "
                       "for reasons that need a note. Free text without a code is recorded as 'other'.",
        "parameters": [OPPORTUNITY_ID],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "additionalProperties": False,
            "properties": {"reason_code": {"type": "string", "maxLength": 80},
                           "reason": {"type": "string", "maxLength": 2000},
                           "stage": {"type": "string", "description": "A lost stage of the methodology."}}}}}},
        "responses": {"200": answer(ref("Opportunity"), "Closed as lost."), "401": UNAUTHORIZED,
                      "403": error("The caller sees the deal but neither owns nor manages it."),
                      "404": NOT_YOURS, "409": error("The deal is already closed."),
                      "422": error("No reason, an unknown reason code, a note missing, or not a lost stage.")},
    }},
    "/opportunities/{opportunity_id}/lost-reason": {"put": {
        "operationId": "recordLostReason",
        "summary": "Say why a lost deal was lost (the process lost it without a reason, or a correction)",
        "parameters": [OPPORTUNITY_ID],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "additionalProperties": False,
            "properties": {"reason_code": {"type": "string", "maxLength": 80},
                           "reason": {"type": "string", "maxLength": 2000}}}}}},
        "responses": {"200": answer(ref("Opportunity"), "Recorded."), "401": UNAUTHORIZED,
                      "403": error("The caller sees the deal but neither owns nor manages it."),
                      "404": NOT_YOURS, "409": error("The deal is not lost."),
                      "422": error("No reason, an unknown reason code or a note missing.")},
    }},
}
