"""The document's reports: the lost-deal report (M13)."""

from __future__ import annotations

from webui.api.openapi.parts import DATETIME, MONEY, NULLABLE_DATETIME, UNAUTHORIZED, answer, error, nullable, \
    record, ref

AMOUNTS = {"type": "array", "description": "One total per currency: never summed across currencies.",
           "items": record({"currency": {"type": "string"}, "total": MONEY})}
ROWS = {"type": "array", "description": "Most deals first.", "items": record({
    "key": nullable("string", description="A stage id, reason code (null: reason missing), rep or segment."),
    "label": {"type": "string"}, "count": {"type": "integer"}, "amounts": AMOUNTS})}

SCHEMAS = {"LostReport": record({
    "filters": record({"from": nullable("string", format="date"), "to": nullable("string", format="date"),
                       "methodology": nullable("string"), "segment": nullable("string"),
                       "rep": nullable("string")}),
    "count": {"type": "integer"},
    "amounts": AMOUNTS,
    "missing_reasons": {"type": "integer", "description": "Deals lost by the process without a reason."},
    "everything": {"type": "boolean", "description": "Every deal (admin, designer), else the caller's managed ones."},
    "methodologies": {"type": "array", "items": record({
        "methodology_id": {"type": "string"}, "version": {"type": "string"}, "count": {"type": "integer"},
        "amounts": AMOUNTS, "median_days_open": nullable("integer"),
        "by_stage": {**ROWS, "description": "The stage each deal was in before it was lost, in funnel order."},
        "by_reason": ROWS,
        "matrix": {"type": "array", "items": record({"stage_id": nullable("string"),
                                                     "reason_code": nullable("string"),
                                                     "count": {"type": "integer"}})}})},
    "by_rep": ROWS,
    "by_segment": ROWS,
    "deals": {"type": "array", "items": record({
        "id": {"type": "integer"}, "title": {"type": "string"}, "partner_name": {"type": "string"},
        "owner": {"type": "string"}, "segment_id": {"type": "string"}, "methodology_id": {"type": "string"},
        "version": {"type": "string"}, "amount": MONEY, "currency": {"type": "string"},
        "stage_before_id": nullable("string"), "stage_before_name": {"type": "string"},
        "reason_code": nullable("string"), "reason_label": {"type": "string"}, "reason": nullable("string"),
        "opened_at": DATETIME, "closed_at": DATETIME, "days_open": {"type": "integer"},
        "work": {"type": "array", "description": "Completed tasks and activities before the loss.",
                 "items": record({"source": {"type": "string", "enum": ["inbox", "partner"]},
                                  "kind": {"type": "string"}, "name": {"type": "string"},
                                  "done_at": NULLABLE_DATETIME, "by": nullable("string"),
                                  "note": {"type": "string"}})}})},
})}

PATHS = {"/reports/lost": {"get": {
    "operationId": "lostReport",
    "summary": "Where deals die and why: lost deals per methodology, stage before lost and reason",
    "description": "Managers see the deals they are responsible for, admins and designers all; reps are refused.",
    "parameters": [
        {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"},
         "description": "Closed on or after this day (UTC)."},
        {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"},
         "description": "Closed on or before this day (UTC)."},
        {"name": "methodology", "in": "query", "schema": {"type": "string"}},
        {"name": "segment", "in": "query", "schema": {"type": "string"}},
        {"name": "rep", "in": "query", "schema": {"type": "string"}, "description": "The owner's username."},
    ],
    "responses": {"200": answer(ref("LostReport"), "The report."),
                  "400": error("An unknown parameter, or an empty day."), "401": UNAUTHORIZED,
                  "403": error("The caller is a rep."),
                  "422": error("A day that is not YYYY-MM-DD, or the period ends before it starts.")},
}}}
