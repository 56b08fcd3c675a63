"""The document's opportunities: the Opportunity schema with its stage history and
events, NewOpportunity, opening one, showing one, and retrying its failed step."""

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
        "error_message": nullable("string", description="Set when a step failed; a manager can retry it. It "
                                                          "stays set while steps on other parallel branches "
                                                          "succeed, as long as the failed step can be retried."),
        "failed_step": {"type": ["object", "null"], "additionalProperties": False,
                        "required": ["kind", "task_id"],
                        "description": "While error_message is set: what a retry runs again — a task's "
                                       "completion (complete), an error or escalation reported on it "
                                       "(task_error, task_escalation), the timers, or the engine — and the "
                                       "task, for a person's step. A completion failed if this names it.",
                        "properties": {"kind": {"type": "string", "enum": ["complete", "task_error",
                                                                           "task_escalation", "timers", "engine"]},
                                       "task_id": nullable("string")}},
        "timers_held": {"type": "boolean",
                        "description": "Whether the deal's timers wait for the retry of its failed step — a "
                                       "timer's or the engine's (a worker's answer), or a timer that failed "
                                       "behind a person's step — instead of firing when due (next_action_at "
                                       "then leaves them out). False while a person's failed step waits alone "
                                       "(the other branches' timers fire) and without an error."},
        "error_note": nullable("string", description="While error_message is set: what the failure "
                                                       "displaced, as a sentence — an earlier person's failed step "
                                                       "still waiting for its retry, whose answers are now only in "
                                                       "the deal's history (a deal keeps one failed step). Null "
                                                       "otherwise; error_message is the error alone."),
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
        "may_edit": {"type": "boolean", "description": "The caller may PATCH the deal's own fields."},
        "may_retry": {"type": "boolean", "description": "The caller may retry the deal's failed step "
                                                        "(POST .../retry) when error_message is set."},
        "newer_version": nullable("string", description="While the deal has an error and the caller may retry "
                                                         "it (may_retry): the label of a newer deployed version "
                                                         "of its methodology, which a retry with upgrade moves "
                                                         "it to. Null for everyone else."),
        "row_version": {"type": "integer", "description": "Changes with every change of the deal; send it "
                                                          "back (or the ETag as If-Match) to edit safely."},
    }),
    "DealRow": record({
        "id": {"type": "integer"}, "title": {"type": "string"}, "partner_id": {"type": "integer"},
        "partner_name": {"type": "string"}, "amount": MONEY, "currency": {"type": "string"},
        "stage_id": nullable("string"), "stage_name": nullable("string"), "methodology_id": {"type": "string"},
        "owner": {"type": "string"}, "segment_id": {"type": "string"},
        "status": {"type": "string", "enum": ["open", "won", "lost"]},
        "waiting": {"type": "boolean", "description": "Open with nothing to do until a timer fires."},
        "probability": {"type": "integer"},
        "expected_close_date": nullable("string", format="date"), "next_action_at": NULLABLE_DATETIME,
    }),
    "DealList": record({
        "items": {"type": "array", "items": ref("DealRow")},
        "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"},
        "pages": {"type": "integer"}, "scope": {"type": "string", "enum": ["mine", "team"]},
        "sort": {"type": "string"},
        "totals": {"type": "array", "description": "Over every matching deal, one per currency (never added "
                                                   "together).",
                   "items": record({"currency": {"type": "string"}, "count": {"type": "integer"},
                                    "amount": MONEY})},
    }),
    "OpportunityEdit": {
        "type": "object",
        "minProperties": 1,
        "additionalProperties": False,
        "description": "The fields to change; the others stay. Every mistake comes back at once, one "
                       "message per field.",
        "properties": {
            "title": {"type": "string", "minLength": 1, "maxLength": 300},
            "partner_id": {"type": "integer", "description": "An active partner the caller may see."},
            "partner": {"type": "string", "minLength": 1, "maxLength": 300,
                        "description": "The same, named (when partner_id is not given)."},
            "amount": {"oneOf": [{"type": "string"}, {"type": "number", "minimum": 0}],
                       "description": "At most two decimal places; \"12500.50\" or \"12 500,50\".",
                       "examples": ["12500.50"]},
            "currency": {"type": "string", "pattern": "^[A-Za-z]{3}$"},
            "expected_close_date": {"type": "string", "format": "date",
                                    "description": "YYYY-MM-DD, not before the deal opened."},
            "row_version": {"type": "integer",
                            "description": "The version read; 409 if the deal changed since (or If-Match)."},
        },
    },
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
            "start_form": {**FREE_FORM, "description": "Answers to the methodology's start form (its process's "
                                                       "start event's form fields), field id -> value, checked "
                                                       "like a task's form; each problem as start_form.FIELD."},
        },
    },
}

PATHS = {
    "/opportunities": {"get": {
        "operationId": "listOpportunities",
        "summary": "My deals or the team's: search, filters, sort, pages, sums per currency",
        "parameters": [{"name": name, "in": "query", "required": False, "schema": schema, "description": text}
                       for name, schema, text in (
            ("q", {"type": "string"}, "Words in the title, the partner's name or a contact's name."),
            ("scope", {"type": "string", "enum": ["mine", "team"]}, "Default: team, for a rep mine."),
            ("status", {"type": "string", "enum": ["open", "won", "lost", "waiting"]}, ""),
            ("stage", {"type": "string"}, "A stage id."), ("methodology", {"type": "string"}, ""),
            ("owner", {"type": "string"}, "A username."), ("segment", {"type": "string"}, ""),
            ("close_from", {"type": "string", "format": "date"}, ""),
            ("close_to", {"type": "string", "format": "date"}, ""),
            ("amount_min", {"type": "string"}, ""), ("amount_max", {"type": "string"}, ""),
            ("sort", {"type": "string"}, "title, partner, amount, currency, stage, methodology, owner, "
                                         "segment, status, probability, close_date, next_action, opened, open_first; "
                                         "'-' before it for descending. Default open_first: open deals "
                                         "first, the soonest expected close first, then won and lost ones, "
                                         "the latest first."),
            ("page", {"type": "integer", "minimum": 1}, ""),
            ("per_page", {"type": "integer", "minimum": 1, "maximum": 200}, ""))],
        "responses": {"200": answer(ref("DealList"), "A page of deals."), "401": UNAUTHORIZED,
                      "422": error("A parameter does not fit; one message per parameter.")},
    }, "post": {
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
    "/opportunities/{opportunity_id}": {
        "get": {
            "operationId": "showOpportunity",
            "summary": "One opportunity with its tasks, stage history and events (ETag: its row version)",
            "parameters": [OPPORTUNITY_ID],
            "responses": {"200": answer(ref("Opportunity"), "The opportunity."),
                          "401": UNAUTHORIZED, "404": NOT_YOURS},
        },
        "patch": {
            "operationId": "editOpportunity",
            "summary": "Change the deal's title, partner, amount, currency or expected close date (audited)",
            "parameters": [OPPORTUNITY_ID, {"name": "If-Match", "in": "header", "required": False,
                                            "schema": {"type": "string"},
                                            "description": "The ETag of GET; 409 if the deal changed since."}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": ref("OpportunityEdit")}}},
            "responses": {"200": answer(ref("Opportunity"), "Edited."), "401": UNAUTHORIZED,
                          "403": error("The caller sees the deal but is neither its owner, a manager of it "
                                       "nor an admin."),
                          "404": NOT_YOURS,
                          "409": error("The deal is closed, changed since the row version, or already so."),
                          "422": error("The body has errors; one message per field.")},
        },
    },
    "/opportunities/{opportunity_id}/retry": {"post": {
        "operationId": "retryOpportunity",
        "summary": "Run the deal's failed step again (the deal's manager, a designer or an admin)",
        "description": "For a deal whose error_message is set: the step that failed (a task's completion, "
                       "a timer, a script) runs again. With upgrade the deal first moves to the newest "
                       "deployed version of its methodology (newer_version), for a fix the designer deployed. "
                       "A step that fails again answers 200 with the new error_message: the deal keeps it.",
        "parameters": [OPPORTUNITY_ID],
        "requestBody": {"required": False, "content": {"application/json": {"schema": {
            "type": "object", "additionalProperties": False,
            "properties": {"upgrade": {"type": "boolean", "default": False,
                                       "description": "Move to the newest version first."}}}}}},
        "responses": {"200": answer(ref("Opportunity"), "Retried; error_message says whether it failed again."),
                      "401": UNAUTHORIZED,
                      "403": error("The caller sees the deal but is neither its manager, a designer nor an "
                                   "admin."),
                      "404": NOT_YOURS,
                      "409": error("The deal has no error to retry, is lost, is already on the newest version "
                                   "(upgrade), its process stopped at a step the newest version no longer has "
                                   "(upgrade; nothing changes), or the task whose completion failed is no "
                                   "longer ready."),
                      "422": error("The body is not a JSON object or has errors; one message per field.")},
    }},
}
