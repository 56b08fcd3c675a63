"""The document's notifications: the caller's own, marking one or all read."""

from __future__ import annotations

from webui.api.openapi.parts import DATETIME, NOT_YOURS, NULLABLE_DATETIME, UNAUTHORIZED, UNSTORABLE_PARAMETER, \
    answer, error, nullable, path_id, record, ref

# engine.views.notifications: what a notification is about
KINDS = ["task_assigned", "deal_handed_over", "partner_handed_over", "deals_swapped"]

SCHEMAS = {
    "Notification": record({
        "id": {"type": "integer"},
        "kind": {"type": "string", "enum": KINDS},
        "text": {"type": "string", "description": "What happened, in plain words."},
        "created_at": DATETIME,
        "read_at": {**NULLABLE_DATETIME, "description": "Null while unread."},
        "opportunity_id": nullable("integer"),
        "task_id": nullable("string", description="The task it is about, if any."),
        "partner_id": nullable("integer"),
    }, "Something that happened to the caller's work."),
    "NotificationList": record({
        "notifications": {"type": "array", "items": ref("Notification"), "description": "Newest first; one page."},
        "unread": {"type": "integer", "minimum": 0, "description": "Unread on all pages."},
        "older": {**nullable("integer"), "description": "Pass as before= for the next, older page; null: none."},
        "mailed": {"type": "boolean", "description": "Whether they are mailed to the caller too."},
    }),
    "NotificationsMarked": record({"marked": {"type": "integer", "minimum": 0}}),
}

PATHS = {
    "/notifications": {"get": {
        "operationId": "listNotifications",
        "summary": "The caller's notifications",
        "description": "Only the caller's own, newest first, 200 a page.",
        "parameters": [
            {"name": "before", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647},
             "description": "Only notifications older than this one (the previous page's older)."},
        ],
        "responses": {"200": answer(ref("NotificationList"), "A page of notifications."),
                      "400": error("An unknown parameter, or before not a whole number in range."),
                      "422": UNSTORABLE_PARAMETER,
                      "401": UNAUTHORIZED},
    }},
    "/notifications/{notification_id}/read": {"post": {
        "operationId": "readNotification",
        "summary": "Mark one of the caller's notifications read",
        "parameters": [path_id("notification_id")],
        "responses": {"200": answer(ref("Notification"), "Marked read (or it was already)."),
                      "401": UNAUTHORIZED, "404": NOT_YOURS},
    }},
    "/notifications/read-all": {"post": {
        "operationId": "readAllNotifications",
        "summary": "Mark all the caller's notifications read",
        "responses": {"200": answer(ref("NotificationsMarked"), "How many were unread."),
                      "401": UNAUTHORIZED},
    }},
}
