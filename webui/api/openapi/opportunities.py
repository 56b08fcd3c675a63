"""The document's opportunities: the Opportunity schema with its stage history and
events, NewOpportunity, opening one and showing one."""

from __future__ import annotations

from webui.api.openapi.parts import (DATETIME, FREE_FORM, MONEY, NOT_YOURS, NULLABLE_DATETIME, OPPORTUNITY_ID,
                                     UNAUTHORIZED, answer, error, nullable, record, ref)

_CATEGORIES = ["commit", "best_case", "pipeline", "omitted"]

SCHEMAS = {
    "StageChange": record({
        "from_stage": nullable("string"),
        "to_stage": {"type": "string"},
        "to_stage_name": {"type": "string"},
        "probability": {"type": "integer"},
        "changed_by": nullable("string"),
        "changed_at": DATETIME,
    }),
    "Event": record({
        "kind": {"type": "string", "examples": ["opened", "task_completed", "stage_changed"]},
        "actor": nullable("string"),
        "at": DATETIME,
        "data": FREE_FORM,
    }),
    "Opportunity": record({
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "partner_id": nullable("integer", description="The partner's card: GET /partners/{partner_id}."),
        "partner_name": {"type": "string"},
        "credit_warning": nullable("string", description="Set while the deal is open and its partner's open "
                                                         "deals and balance exceed the partner's credit limit."),
        "amount": MONEY,
        "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
        "attributes": FREE_FORM,
        "segment_id": {"type": "string"},
        "team": nullable("string"),
        "owner": {"type": "string"},
        "manager": nullable("string"),
        "methodology_id": {"type": "string"},
        "methodology_label": {"type": "string"},
        "stage_id": nullable("string"),
        "stage_name": nullable("string"),
        "stage_entered_at": NULLABLE_DATETIME,
        "probability": {"type": "integer", "minimum": 0, "maximum": 100,
                        "description": "In force: the manager's override if set, else probability_auto."},
        "probability_auto": {"type": "integer", "minimum": 0, "maximum": 100,
                             "description": "What the stage and the questionnaires' score classes say."},
        "probability_override": nullable("integer", description="Set by a manager; wins until reset."),
        "score": nullable("integer", description="The last questionnaire's score, 0-100."),
        "score_class": nullable("string", description="Its score class, e.g. A."),
        "expected_revenue": MONEY,
        "next_action_at": NULLABLE_DATETIME,
        "status": {"type": "string", "enum": ["open", "won", "lost"]},
        "lost_reason": nullable("string", description="The free text beside the reason code."),
        "lost_reason_code": nullable("string", description="One of the methodology's lost reasons (M13)."),
        "lost_reason_label": nullable("string"),
        "lost_reason_missing": {"type": "boolean",
                                "description": "Lost by the process without a reason, or with one that needs a "
                                               "note and none: PUT .../lost-reason (or complete the why_lost task)."},
        "error_message": nullable("string", description="Set when a step failed; a manager can retry it."),
        "opened_by": nullable("string"),
        "opened_at": DATETIME,
        "closed_by": nullable("string"),
        "closed_at": NULLABLE_DATETIME,
        "expected_close_date": nullable("string", format="date",
                                        description="The day the deal is expected to close (YYYY-MM-DD)."),
        "forecast_category": {"type": ["string", "null"], "enum": [*_CATEGORIES, None],
                              "description": "While open: the rep's override, else what the probability "
                                             "gives through the methodology's ranges; null once closed."},
        "forecast_category_derived": {"type": ["string", "null"], "enum": [*_CATEGORIES, None],
                                      "description": "What the probability alone gives (null once closed)."},
        "forecast_category_override": {"type": ["string", "null"], "enum": [*_CATEGORIES, None],
                                       "description": "Set by the owner, the manager or an admin."},
        "forecast_override_by": nullable("string"),
        "forecast_override_at": NULLABLE_DATETIME,
        "open_tasks": {"type": "array", "items": ref("Task")},
        "completed_tasks": {"type": "array", "items": ref("Task")},
        "stage_history": {"type": "array", "items": ref("StageChange")},
        "events": {"type": "array", "items": ref("Event")},
    }),
    "NewOpportunity": {
        "type": "object",
        "required": ["title", "amount"],
        "description": "Name the partner by partner_id (its card lends the deal its name, territory, channel, "
                       "industry and source where attributes name none) or by partner (its name: that "
                       "partner, or a new prospect); one of the two is required.",
        "additionalProperties": False,
        "properties": {
            "title": {"type": "string", "minLength": 1, "maxLength": 300},
            "amount": {"oneOf": [{"type": "string"}, {"type": "number", "minimum": 0}],
                       "description": "At most two decimal places; a string (\"12500.00\") or a JSON number, "
                                      "which is read exactly (as a decimal, never a float).",
                       "examples": ["12500.00"]},
            "currency": {"type": "string", "pattern": "^[A-Z]{3}$", "default": "PLN"},
            "partner": {"type": "string", "minLength": 1, "maxLength": 300, "description": "The customer's name."},
            "partner_id": {"type": "integer", "description": "The partner's id; wins over partner."},
            "partner_attributes": FREE_FORM,
            "attributes": {**FREE_FORM, "description": "What routing reads: territory, channel, industry, "
                                                       "source, ..."},
            "owner": {"type": "string", "description": "Give it to this rep instead of the segment's assignment."},
            "expected_close_date": {"type": "string", "format": "date",
                                    "description": "YYYY-MM-DD, not before today; default: today plus the "
                                                   "methodology's typical cycle, else the end of the quarter."},
        },
    },
}

PATHS = {
    "/opportunities": {"post": {
        "operationId": "createOpportunity",
        "summary": "Open an opportunity (managers and admins)",
        "description": "Routing picks its segment, methodology, team and owner (unless owner is given), "
                       "and its process starts.",
        "requestBody": {"required": True, "content": {"application/json": {"schema": ref("NewOpportunity")}}},
        "responses": {
            "201": {**answer(ref("Opportunity"), "Opened."),
                    "headers": {"Location": {"description": "The new opportunity's URL.",
                                             "schema": {"type": "string"}}}},
            "401": UNAUTHORIZED,
            "403": error("The caller is not a manager or an admin."),
            "422": error("The body is not a JSON object or has errors; one message per field."),
        },
    }},
    "/opportunities/{opportunity_id}": {"get": {
        "operationId": "showOpportunity",
        "summary": "One opportunity with its tasks, stage history and events",
        "parameters": [OPPORTUNITY_ID],
        "responses": {"200": answer(ref("Opportunity"), "The opportunity."),
                      "401": UNAUTHORIZED, "404": NOT_YOURS},
    }},
}
