"""The document's forecast (M15): Forecast, ForecastLine, ForecastSubmission."""

from __future__ import annotations

from webui.api.openapi.parts import DATETIME, MONEY, NOT_YOURS, UNAUTHORIZED, answer, error, json_body, nullable, \
    record, ref
from webui.api.openapi.quotas import AMOUNT_IN, CURRENCY, INVALID, PERIOD, PERIOD_TEXT

AMOUNTS = {"closed_won": {**MONEY, "description": "Won deals closed in the period."},
           "commit": MONEY, "best_case": MONEY,
           "pipeline": {**MONEY, "description": "Open deals expected in the period, by forecast category."},
           "weighted": {**MONEY, "description": "Amount x probability of those open deals (omitted ones left out)."},
           "deals": {"type": "integer"}}
CATEGORY = {"type": "string", "enum": ["commit", "best_case", "pipeline"]}

SCHEMAS = {
    "ForecastLine": record({
        "currency": {"type": "string"},
        "quota": nullable("string", pattern=r"^[0-9]+\.[0-9]{2}$", description="In this currency, if any."),
        "progress": nullable("integer", description="Closed won as a whole percent of quota."),
        **AMOUNTS,
        "adjusted": record(AMOUNTS, "The same with the manager's adjustments in place."),
        "adjustments": {"type": "array", "items": record({
            "category": CATEGORY, "amount": MONEY, "note": {"type": "string"}, "by": {"type": "string"},
            "at": DATETIME})},
    }, "One currency of a forecast: figures are never added across currencies."),
    "ForecastSnapshot": record({
        "period": PERIOD, "username": {"type": "string"},
        "rollup": {"type": "array", "items": ref("ForecastLine")},
        "people": {"type": "array", "items": record({
            "username": {"type": "string"}, "display_name": {"type": "string"}, "depth": {"type": "integer"},
            "manager": nullable("string"), "is_manager": {"type": "boolean"}, "may_adjust": {"type": "boolean"},
            "active": {"type": "boolean"},
            "own": {"type": "array", "items": ref("ForecastLine")},
            "rollup": {"type": "array", "items": ref("ForecastLine"),
                       "description": "Own deals plus everyone's below, each person once."}})},
    }),
}
SCHEMAS["Forecast"] = {**SCHEMAS["ForecastSnapshot"], "properties": {
    **SCHEMAS["ForecastSnapshot"]["properties"], "may_submit": {"type": "boolean"},
    "submissions": {"type": "array", "items": record({"id": {"type": "integer"}, "submitted_at": DATETIME}),
                    "description": "The person's submitted forecasts of the period, newest first."}},
    "required": [*SCHEMAS["ForecastSnapshot"]["required"], "may_submit", "submissions"],
    "description": "A person's forecast with everyone below them, rolled up the hierarchy."}
SCHEMAS["ForecastAdjustment"] = record({
    "user": {"type": "string", "description": "A direct report of the caller."}, "period": PERIOD_TEXT,
    "category": CATEGORY, "amount": AMOUNT_IN, "currency": CURRENCY,
    "note": {"type": "string", "description": "Why; required."}}) | {
    "required": ["user", "period", "category", "amount", "note"]}
SCHEMAS["CompanyTimeZone"] = record({"time_zone": {
    "type": "string", "description": "An IANA time zone (Europe/Warsaw; default UTC): the day, and so the "
                                     "forecast period, a won deal's close counts on."}})
SCHEMAS["ForecastSubmissionRequest"] = record({"period": PERIOD_TEXT}) | {"required": []}
SCHEMAS["ForecastSubmission"] = record({"id": {"type": "integer"}, "submitted_at": DATETIME,
                                        "figures": ref("ForecastSnapshot")})

FORBIDDEN = error("The caller may not do this (a designer; adjusting someone who is not a direct report; "
                  "an admin submitting).")

PATHS = {
    "/forecast": {"get": {
        "operationId": "forecast", "summary": "A person's forecast of a period, rolled up the hierarchy",
        "description": "Reps see their own forecast, managers their hierarchy's, admins everyone's.",
        "parameters": [{"name": "period", "in": "query", "schema": PERIOD_TEXT,
                        "description": "Default: the current fiscal quarter."},
                       {"name": "user", "in": "query", "schema": {"type": "string"},
                        "description": "Whose forecast (default: the caller's)."}],
        "responses": {"200": answer(ref("Forecast"), "The forecast."), "400": error("An unknown parameter."),
                      "401": UNAUTHORIZED, "403": FORBIDDEN, "404": NOT_YOURS, "422": INVALID},
    }},
    "/forecast/adjustments": {"post": {
        "operationId": "adjustForecast",
        "summary": "Adjust a direct report's figure for a category, with a note (the computed figure stays)",
        "requestBody": json_body("ForecastAdjustment"),
        "responses": {"201": answer(ref("Forecast"), "The caller's forecast after the adjustment."),
                      "401": UNAUTHORIZED, "403": FORBIDDEN, "404": NOT_YOURS, "422": INVALID},
    }},
    "/company-time-zone": {
        "get": {"operationId": "companyTimeZone", "summary": "The company's time zone",
                "responses": {"200": answer(ref("CompanyTimeZone"), "The time zone."), "401": UNAUTHORIZED}},
        "put": {"operationId": "setCompanyTimeZone", "summary": "Set the company's time zone (admins)",
                "description": "From then on a won deal counts in the period of its close's local day.",
                "requestBody": json_body("CompanyTimeZone"),
                "responses": {"200": answer(ref("CompanyTimeZone"), "The time zone now."), "401": UNAUTHORIZED,
                              "403": error("The caller is not an admin."), "422": INVALID}},
    },
    "/forecast/submissions": {"post": {
        "operationId": "submitForecast", "summary": "Submit the caller's forecast: an immutable snapshot",
        "requestBody": json_body("ForecastSubmissionRequest"),
        "responses": {"201": answer(ref("ForecastSubmission"), "The snapshot stored."), "401": UNAUTHORIZED,
                      "403": FORBIDDEN, "422": INVALID},
    }},
}
