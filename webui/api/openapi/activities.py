"""The document's activities and calendars: the Activity, AgendaItem, Agenda and Week
schemas, their inputs, and the routes that plan, log, move, record, cancel and list
activities, and read a rep's agenda and a week."""

from __future__ import annotations

from webui.api.openapi.parts import (DATETIME, NOT_YOURS, NULLABLE_DATETIME, OPPORTUNITY_ID, UNAUTHORIZED, answer,
                                     error, json_body, nullable, path_id, record, ref)

KIND = {"type": "string", "enum": ["call", "meeting", "email", "visit", "task"]}
STATUS = {"type": "string", "enum": ["planned", "done", "cancelled"]}
DAY = {"type": "string", "format": "date", "description": "A calendar day, YYYY-MM-DD."}
MOMENT_INPUT = {"type": "string", "maxLength": 40, "examples": ["2026-12-07T10:00:00+01:00"],
                "description": "ISO 8601 with its offset (or Z); a time without one is refused."}
MINUTES = {"type": "integer", "minimum": 1, "maximum": 1440}
ZONE = {"name": "zone", "in": "query", "required": False,
        "schema": {"type": "string", "examples": ["Europe/Warsaw"]},
        "description": "The IANA time zone whose days are shown; UTC by default (and for a name that is none)."}
PLAN_INPUT = {
    "partner_id": {"type": ["integer", "null"], "description": "The partner; null or left out: the deal's."},
    "opportunity_id": {"type": ["integer", "null"], "description": "One of the partner's deals (open, to plan)."},
    "kind": KIND,
    "subject": {"type": "string", "minLength": 1, "maxLength": 300},
    "starts_at": MOMENT_INPUT,
    "duration_minutes": {**MINUTES, "description": "Default 30."},
    "notes": {"type": ["string", "null"], "maxLength": 10000},
    "owner": {"type": ["string", "null"], "description": "Whose activity (a username); default the caller. "
                                                          "Someone else's: their team's manager or an admin."},
}
ITEM = record({
    "source": {"type": "string", "enum": ["task", "activity", "suggested"],
               "description": "A dated inbox task, a planned activity, or a Sales Assistant suggestion."},
    "ref": {"type": "string", "description": "The task's id, or the activity's id as text."},
    "title": {"type": "string"},
    "kind": {"type": "string", "description": "The activity's kind; task or suggested for inbox rows."},
    "at": DATETIME,
    "ends_at": NULLABLE_DATETIME,
    "owner": nullable("string"),
    "partner_id": nullable("integer"),
    "partner_name": nullable("string"),
    "opportunity_id": nullable("integer"),
    "opportunity_title": nullable("string"),
    "status": {"type": "string"},
    "overdue": {"type": "boolean"},
}, "One thing to do at a time.")

SCHEMAS = {
    "Activity": record({
        "id": {"type": "integer"},
        "kind": KIND,
        "subject": {"type": "string"},
        "partner_id": {"type": "integer"},
        "partner_name": {"type": "string"},
        "opportunity_id": nullable("integer"),
        "opportunity_title": nullable("string"),
        "owner": {"type": "string"},
        "owner_name": {"type": "string"},
        "starts_at": DATETIME,
        "ends_at": DATETIME,
        "duration_minutes": MINUTES,
        "status": STATUS,
        "outcome": {"type": "string"},
        "notes": {"type": "string"},
        "overdue": {"type": "boolean", "description": "Planned, and its end has passed."},
        "may_edit": {"type": "boolean", "description": "The caller may move, record or cancel it now."},
        "sequence": {"type": "integer", "description": "How often it moved (the calendar feed's SEQUENCE)."},
        "done_at": NULLABLE_DATETIME,
        "created_by": nullable("string"),
        "created_at": NULLABLE_DATETIME,
        "updated_at": NULLABLE_DATETIME,
    }, "A call, meeting, e-mail, visit or task with a partner."),
    "AgendaItem": ITEM,
    "Agenda": record({
        "user": {"type": "string"},
        "zone": {"type": "string"},
        "today": DAY,
        "overdue": {"type": "array", "items": ref("AgendaItem")},
        "days": {"type": "array", "items": record({"day": DAY, "items": {"type": "array",
                                                                           "items": ref("AgendaItem")}})},
    }, "A rep's agenda: what is overdue, then each day from today."),
    "Week": record({
        "start": DAY,
        "zone": {"type": "string"},
        "user": nullable("string"),
        "team": nullable("string"),
        "days": {"type": "array", "items": DAY, "minItems": 7, "maxItems": 7},
        "rows": {"type": "array", "items": record({
            "user": {"type": "string"}, "display_name": {"type": "string"},
            "days": {"type": "array", "minItems": 7, "maxItems": 7,
                     "items": {"type": "array", "items": ref("AgendaItem")}}})},
    }, "A week, Monday to Sunday: one row for a rep, one per member for a team."),
    "NewActivity": {"type": "object", "required": ["kind", "subject", "starts_at"], "additionalProperties": False,
                    "properties": PLAN_INPUT,
                    "description": "Name a partner, a deal, or both (the deal must be the partner's)."},
    "DoneActivity": {"type": "object", "required": ["kind", "subject", "starts_at", "outcome"],
                     "additionalProperties": False,
                     "properties": {**PLAN_INPUT, "outcome": {"type": "string", "minLength": 1, "maxLength": 300}}},
    "ActivityMove": {"type": "object", "required": ["starts_at"], "additionalProperties": False,
                     "properties": {"starts_at": MOMENT_INPUT, "duration_minutes": MINUTES}},
    "ActivityOutcome": {"type": "object", "required": ["outcome"], "additionalProperties": False,
                        "properties": {"outcome": {"type": "string", "minLength": 1, "maxLength": 300},
                                       "notes": {"type": ["string", "null"], "maxLength": 10000}}},
    "ActivityCancel": {"type": "object", "additionalProperties": False,
                       "properties": {"reason": {"type": ["string", "null"], "maxLength": 300}}},
}

INVALID = error("The body or the parameters have errors; one message per field.")
FORBIDDEN = error("The caller sees it but may not do this (plan for someone outside their team, change "
                  "another rep's activity).")
NOT_PLANNED = error("Already done or cancelled, or the deal is closed or the partner archived.")
ACTIVITY_ID = path_id("activity_id")


def _change(operation_id: str, summary: str, body: str) -> dict:
    return {"post": {
        "operationId": operation_id, "summary": summary, "parameters": [ACTIVITY_ID],
        "requestBody": json_body(body),
        "responses": {"200": answer(ref("Activity"), "Changed."), "401": UNAUTHORIZED, "403": FORBIDDEN,
                      "404": NOT_YOURS, "409": NOT_PLANNED, "422": INVALID},
    }}


def _create(operation_id: str, summary: str, body: str) -> dict:
    return {
        "operationId": operation_id, "summary": summary, "requestBody": json_body(body),
        "responses": {"201": answer(ref("Activity"), "Recorded."), "401": UNAUTHORIZED, "403": FORBIDDEN,
                      "404": error("No such partner or deal, or not one the caller may see."),
                      "409": NOT_PLANNED, "422": INVALID},
    }


def _list(operation_id: str, summary: str, parameter: dict) -> dict:
    return {"get": {
        "operationId": operation_id, "summary": summary, "parameters": [parameter],
        "responses": {"200": answer({"type": "array", "items": ref("Activity")}, "The latest first."),
                      "401": UNAUTHORIZED, "404": NOT_YOURS},
    }}


PATHS = {
    "/activities": {"post": _create("planActivity", "Plan an activity with a partner (and one of its deals)",
                                    "NewActivity")},
    "/activities/done": {"post": _create("logDoneActivity", "Record an activity already done, with its outcome",
                                         "DoneActivity")},
    "/activities/{activity_id}": {"get": {
        "operationId": "activity", "summary": "One activity", "parameters": [ACTIVITY_ID],
        "responses": {"200": answer(ref("Activity"), "The activity."), "401": UNAUTHORIZED, "404": NOT_YOURS},
    }},
    "/activities/{activity_id}/reschedule": _change(
        "rescheduleActivity", "Move a planned activity (its SEQUENCE counts up for calendars)", "ActivityMove"),
    "/activities/{activity_id}/outcome": _change(
        "recordActivityOutcome", "Mark a planned activity done, with how it went", "ActivityOutcome"),
    "/activities/{activity_id}/cancel": _change("cancelActivity", "Call a planned activity off", "ActivityCancel"),
    "/partners/{partner_id}/activities": _list("partnerActivities", "A partner's activities",
                                               path_id("partner_id")),
    "/opportunities/{opportunity_id}/activities": _list("dealActivities", "A deal's activities", OPPORTUNITY_ID),
    "/agenda": {"get": {
        "operationId": "agenda",
        "summary": "A rep's agenda: overdue, then today and the next days",
        "description": "Dated inbox tasks, planned activities and the Sales Assistant's suggestions. Another "
                       "user's: their team's manager or an admin.",
        "parameters": [
            {"name": "user", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 80},
             "description": "Whose agenda; default the caller."},
            {"name": "days", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1, "maximum": 31}, "description": "Default 7."},
            ZONE],
        "responses": {"200": answer(ref("Agenda"), "The agenda."), "401": UNAUTHORIZED,
                      "404": error("No such user, or not one whose agenda the caller may see."),
                      "422": INVALID},
    }},
    "/calendar/week": {"get": {
        "operationId": "week",
        "summary": "The week of a rep or of a team's members",
        "parameters": [
            {"name": "user", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 80},
             "description": "A rep; default the caller."},
            {"name": "team", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 80},
             "description": "A team (its manager or an admin); instead of user."},
            {"name": "start", "in": "query", "required": False, "schema": DAY,
             "description": "Any day of the week wanted; default today."},
            ZONE],
        "responses": {"200": answer(ref("Week"), "The week."), "401": UNAUTHORIZED,
                      "404": error("No such user or team, or not one whose calendar the caller may see."),
                      "422": INVALID},
    }},
}
