"""The document's quotas (M14) and fiscal calendar: QuotaSheet, QuotaSplit,
FiscalCalendar."""

from __future__ import annotations

from webui.api.openapi.parts import DATETIME, MONEY, NOT_YOURS, UNAUTHORIZED, answer, error, json_body, nullable, \
    record, ref

PERIOD_TEXT = {"type": "string", "description": "A month 2027-03, a fiscal quarter 2027-Q1 or a fiscal year FY2027.",
               "examples": ["2027-Q1"]}
AMOUNT_IN = {"type": "string", "description": "An exact amount as text, e.g. \"50000.00\" (at most two decimals).",
             "examples": ["50000.00"]}
CURRENCY = {"type": "string", "pattern": "^[A-Z]{3}$", "examples": ["PLN"]}
INVALID = error("A field is wrong (a period, an amount, someone who is not a direct report); one message per field.")
FORBIDDEN = error("The caller may not do this (e.g. a rep setting a quota).")
QUOTA = nullable("object", properties={
    "username": {"type": "string"}, "amount": MONEY, "currency": {"type": "string"},
    "source": {"type": "string", "enum": ["set", "split"],
               "description": "Set on the person from above, or their manager's split."},
    "version": {"type": "integer"}, "from_user": {"type": "string", "description": "Whose record it is."}},
    required=["username", "amount", "currency", "source", "version", "from_user"], additionalProperties=False,
    description="A quota in force; null when none was committed (or the caller may not see it).")
PERIOD = record({"name": {"type": "string"}, "kind": {"type": "string", "enum": ["month", "quarter", "year"]},
                 "start": {"type": "string", "format": "date"},
                 "last_day": {"type": "string", "format": "date"},
                 "previous": {"type": "string"}, "next": {"type": "string"}})

SCHEMAS = {
    "QuotaSplit": record({
        "kind": {"type": "string", "enum": ["set", "split"]},
        "manager": {"type": "string", "description": "Whose quota is split (or set)."},
        "period": {"type": "string"},
        "status": {"type": "string", "enum": ["draft", "committed"],
                   "description": "A draft is seen by its author only; a committed split by the team."},
        "version": nullable("integer", description="Committed versions count up; null for a draft."),
        "currency": {"type": "string"}, "total": MONEY, "note": {"type": "string"},
        "author": {"type": "string"}, "created_at": DATETIME,
        "warning": nullable("string", description="The parts do not add up to the manager's quota (not a refusal)."),
        "lines": {"type": "array", "items": record({"username": {"type": "string"}, "amount": MONEY})},
    }, "A quota set from above, or a split of a manager's quota among their direct reports."),
    "QuotaSheet": record({
        "period": PERIOD,
        "fiscal_year_start_month": {"type": "integer", "minimum": 1, "maximum": 12},
        "manager": nullable("string", description="Whose split; null when the caller has none to see."),
        "manager_quota": QUOTA, "own_quota": QUOTA,
        "managers": {"type": "array", "items": {"type": "string"},
                     "description": "The managers whose splits the caller may open."},
        "may_split": {"type": "boolean"}, "may_set": {"type": "boolean"},
        "reports": {"type": "array", "items": record({
            "username": {"type": "string"}, "display_name": {"type": "string"}, "is_manager": {"type": "boolean"},
            "quota": QUOTA, "draft_amount": nullable("string", pattern=r"^[0-9]+\.[0-9]{2}$")})},
        "draft": {"oneOf": [ref("QuotaSplit"), {"type": "null"}], "description": "The caller's own draft."},
        "history": {"type": "array", "items": ref("QuotaSplit"), "description": "Committed versions, newest first."},
    }),
    "FiscalCalendar": record({"start_month": {"type": "integer", "minimum": 1, "maximum": 12,
                                              "description": "The fiscal year's first month; the year is named "
                                                             "after the calendar year it ends in."}}),
    "QuotaSet": record({"user": {"type": "string"}, "period": PERIOD_TEXT, "amount": AMOUNT_IN,
                        "currency": CURRENCY, "note": {"type": "string"}}) | {"required": ["user", "period", "amount"]},
    "QuotaSplitRequest": record({
        "manager": {"type": "string"}, "period": PERIOD_TEXT,
        "parts": {"type": "object", "additionalProperties": AMOUNT_IN,
                  "description": "Username of a direct report -> amount.", "examples": [{"rep1": "50000.00"}]},
        "currency": CURRENCY, "note": {"type": "string"},
        "commit": {"type": "boolean", "description": "Commit at once instead of saving the caller's draft."},
    }) | {"required": ["manager", "period", "parts"]},
    "QuotaCommit": record({"manager": {"type": "string"}, "period": PERIOD_TEXT, "note": {"type": "string"}})
    | {"required": ["manager", "period"]},
}

CREATED = answer(ref("QuotaSplit"), "The record written.")

PATHS = {
    "/fiscal-calendar": {
        "get": {"operationId": "fiscalCalendar", "summary": "The fiscal year's first month",
                "responses": {"200": answer(ref("FiscalCalendar"), "The calendar."), "401": UNAUTHORIZED}},
        "put": {"operationId": "setFiscalCalendar", "summary": "Set the fiscal year's first month (admins)",
                "description": "Stored quotas keep their days: nothing is lost when the calendar changes.",
                "requestBody": json_body("FiscalCalendar"),
                "responses": {"200": answer(ref("FiscalCalendar"), "The calendar now."), "401": UNAUTHORIZED,
                              "403": FORBIDDEN, "422": INVALID}},
    },
    "/quotas": {"get": {
        "operationId": "quotaSheet",
        "summary": "A manager's quota, its split among their direct reports, the caller's draft and the versions",
        "parameters": [{"name": "period", "in": "query", "schema": PERIOD_TEXT,
                        "description": "Default: the current fiscal quarter."},
                       {"name": "manager", "in": "query", "schema": {"type": "string"},
                        "description": "Default: the caller (a manager) or the caller's manager."}],
        "responses": {"200": answer(ref("QuotaSheet"), "The sheet."), "400": error("An unknown parameter."),
                      "401": UNAUTHORIZED, "403": error("The caller is a designer."), "404": NOT_YOURS, "422": INVALID},
    }},
    "/quotas/set": {"post": {
        "operationId": "setQuota", "summary": "Commit a person's quota from above (an admin or a manager above them)",
        "requestBody": json_body("QuotaSet"),
        "responses": {"201": CREATED, "401": UNAUTHORIZED, "403": FORBIDDEN, "404": NOT_YOURS, "422": INVALID},
    }},
    "/quotas/splits": {"post": {
        "operationId": "splitQuota",
        "summary": "Split a manager's quota among their direct reports: the caller's draft, or committed",
        "requestBody": json_body("QuotaSplitRequest"),
        "responses": {"201": CREATED, "401": UNAUTHORIZED, "403": FORBIDDEN, "404": NOT_YOURS, "422": INVALID},
    }},
    "/quotas/splits/commit": {"post": {
        "operationId": "commitQuotaSplit", "summary": "Commit the caller's draft split as the next version",
        "requestBody": json_body("QuotaCommit"),
        "responses": {"201": CREATED, "401": UNAUTHORIZED, "403": FORBIDDEN, "404": NOT_YOURS, "422": INVALID},
    }},
}
