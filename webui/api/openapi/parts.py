"""The pieces every part of the OpenAPI document is built from: references, closed
objects, JSON answers, the one Error schema every error answer has, and the
parameters and answers many operations share."""

from __future__ import annotations


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(kind: str, **extra) -> dict:
    return {"type": [kind, "null"], **extra}


def record(properties: dict, description: str | None = None) -> dict:
    """An object with exactly these properties, every one of them present."""
    schema = {"type": "object", "properties": properties, "required": list(properties),
              "additionalProperties": False}
    if description:
        schema["description"] = description
    return schema


def answer(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def error(description: str) -> dict:
    """An error answer: always the Error schema (webui/errors.py answers them all)."""
    return answer(ref("Error"), description)


def json_body(name: str) -> dict:
    return {"required": True, "content": {"application/json": {"schema": ref(name)}}}


def path_id(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


MONEY = {"type": "string", "pattern": r"^[0-9]+\.[0-9]{2}$", "description": "An exact amount, e.g. \"12500.00\".",
         "examples": ["12500.00"]}
DATETIME = {"type": "string", "format": "date-time", "description": "ISO 8601 in UTC."}
NULLABLE_DATETIME = nullable("string", format="date-time", description="ISO 8601 in UTC.")
FREE_FORM = {"type": "object", "additionalProperties": True}

ERROR = record({
    "error": {"type": "string", "description": "A stable code: bad_request, unauthorized, forbidden, not_found, "
              "method_not_allowed, conflict, exit_criteria_not_met, invalid, internal_error.",
              "examples": ["invalid"]},
    "message": {"type": "string", "description": "What went wrong, for people."},
    "fields": {"type": "object", "additionalProperties": {"type": "string"},
               "description": "A message per field, parameter or exit criterion that is wrong; {} otherwise. "
               "'body' is the request body as a whole."},
}, "Every error answer has this shape.")

UNAUTHORIZED = error("No token, or an invalid or revoked one (with WWW-Authenticate: Bearer).")
UNSTORABLE_PARAMETER = error("A parameter holding a character no database can store (NUL, a lone surrogate); "
                             "refused before the route runs (webui/guard.py).")
NOT_YOURS = error("No such item, or not one the caller may see.")
NO_CONTENT = {"description": "Done; no content."}
OPPORTUNITY_ID = path_id("opportunity_id")
