"""The document's early warnings (M18): the caller's warnings and acknowledging one."""

from __future__ import annotations

from webui.api.openapi.parts import DATETIME, NOT_YOURS, NULLABLE_DATETIME, UNAUTHORIZED, UNSTORABLE_PARAMETER, answer, error, nullable, \
    path_id, record, ref

# engine.rules.warnings.RULES (webui may not import the core; a test keeps the two equal)
RULES = ["left_commit", "next_action_missed", "close_date_passed", "close_date_slipping", "criteria_skipped",
         "rotting", "idle", "probability_dropped", "amount_dropped"]
FLAG = {"type": "string", "enum": ["true", "false", "1", "0"]}

SCHEMAS = {
    "Warning": record({
        "id": {"type": "integer"},
        "opportunity_id": {"type": "integer"},
        "deal_title": {"type": "string"},
        "partner_name": {"type": "string"},
        "owner": {"type": "string", "description": "The deal's owner (a rep's username)."},
        "rule": {"type": "string", "enum": RULES, "description": "rotting: longer in its stage than the stage "
                 "table's max_days_in_stage; idle: nothing done for N days (default 14)."},
        "rule_label": {"type": "string", "description": "The rule for people, e.g. \"Next action missed\"."},
        "message": {"type": "string", "description": "What is wrong, in plain words."},
        "advice": {"type": "string", "description": "What to do."},
        "fired_at": DATETIME,
        "acknowledged_at": NULLABLE_DATETIME,
        "acknowledged_by": nullable("string"),
        "cleared_at": {**NULLABLE_DATETIME, "description": "When its cause went away; null while it is there."},
        "may_acknowledge": {"type": "boolean"},
    }, "An early warning about an open deal: one per cause; it clears by itself when the cause goes away."),
    "WarningList": record({"warnings": {"type": "array", "items": ref("Warning"),
                                        "description": "Newest first; one page."},
                           "page": {"type": "integer", "minimum": 1},
                           "per_page": {"type": "integer", "minimum": 1, "maximum": 1000},
                           "total": {"type": "integer", "minimum": 0,
                                     "description": "How many warnings there are on all pages."},
                           "pages": {"type": "integer", "minimum": 1}}),
}

PATHS = {
    "/warnings": {"get": {
        "operationId": "listWarnings",
        "summary": "The caller's early warnings",
        "description": "Reps see their own deals' warnings, managers those of everyone below them and of the "
                       "teams they lead, admins all. Paged: at most 1000 a page, with the total.",
        "parameters": [
            {"name": "cleared", "in": "query", "schema": FLAG,
             "description": "Also warnings whose cause went away (default false)."},
            {"name": "acknowledged", "in": "query", "schema": FLAG,
             "description": "Also acknowledged warnings (default true)."},
            {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100000},
             "description": "Which page (default 1)."},
            {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000},
             "description": "Warnings a page (default and at most 1000)."},
        ],
        "responses": {"200": answer(ref("WarningList"), "The warnings."),
                      "400": error("An unknown parameter, a flag that is not true or false, or a page that is "
                                   "not a whole number in range."),
                      "422": UNSTORABLE_PARAMETER,
                      "401": UNAUTHORIZED},
    }},
    "/warnings/{warning_id}/ack": {"post": {
        "operationId": "acknowledgeWarning",
        "summary": "Acknowledge a warning: it is in hand",
        "description": "The deal's owner, its manager or a manager of its team, or an admin. It still clears "
                       "by itself when its cause goes away.",
        "parameters": [path_id("warning_id")],
        "responses": {"200": answer(ref("Warning"), "Acknowledged."),
                      "401": UNAUTHORIZED, "404": NOT_YOURS,
                      "409": error("Acknowledged already, or cleared.")},
    }},
}
