"""The document's forecast routes of one deal: its expected close date and the
rep's forecast-category override (M15)."""

from __future__ import annotations

from webui.api.openapi.parts import NOT_YOURS, OPPORTUNITY_ID, UNAUTHORIZED, answer, error, ref

CATEGORIES = ["commit", "best_case", "pipeline", "omitted"]
_WHO = error("The caller sees the deal but is neither its owner, its manager nor an admin.")

SCHEMAS: dict = {}

PATHS = {
    "/opportunities/{opportunity_id}/close-date": {"put": {
        "operationId": "setCloseDate",
        "summary": "Move the day the deal is expected to close (recorded with the day before)",
        "parameters": [OPPORTUNITY_ID],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "additionalProperties": False, "required": ["expected_close_date"],
            "properties": {"expected_close_date": {"type": "string", "format": "date",
                                                   "description": "YYYY-MM-DD; not before the deal opened."}}}}}},
        "responses": {"200": answer(ref("Opportunity"), "Moved."), "401": UNAUTHORIZED, "403": _WHO,
                      "404": NOT_YOURS, "409": error("The deal is closed, or already expected on that day."),
                      "422": error("Not a day, before the deal opened, or too far ahead.")},
    }},
    "/opportunities/{opportunity_id}/forecast-category": {
        "put": {
            "operationId": "overrideForecastCategory",
            "summary": "Count the deal in this forecast category whatever its probability says",
            "parameters": [OPPORTUNITY_ID],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "additionalProperties": False, "required": ["category"],
                "properties": {"category": {"type": "string", "enum": CATEGORIES}}}}}},
            "responses": {"200": answer(ref("Opportunity"), "Overridden."), "401": UNAUTHORIZED, "403": _WHO,
                          "404": NOT_YOURS, "409": error("The deal is closed, or already overridden so."),
                          "422": error("Not a forecast category.")},
        },
        "delete": {
            "operationId": "clearForecastCategory",
            "summary": "Drop the override: the deal's probability decides its category again",
            "parameters": [OPPORTUNITY_ID],
            "responses": {"200": answer(ref("Opportunity"), "Cleared."), "401": UNAUTHORIZED, "403": _WHO,
                          "404": NOT_YOURS, "409": error("The deal is closed, or has no override.")},
        },
    },
}
