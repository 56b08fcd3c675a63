"""GET /notifications, POST /notifications/{id}/read and POST /notifications/read-all:
the caller's own notifications (a task or a deal handed to them, a partner handed
over, a swap that moved their deals), newest first, 200 a page (``before``: the
previous page's ``older``). Another
user's notification is a 404. Documented in webui/api/openapi/notifications.py."""

from __future__ import annotations

from flask import jsonify, request

from engine.errors import FormError

from webui.api.blueprint import bp, facade, username
from webui.api.shapes import when
from webui.errors import HttpError

PARAMETERS = ("before",)


@bp.get("/notifications")
def list_notifications():
    bad = {name: "unknown parameter; use before" for name in request.args if name not in PARAMETERS}
    bad.update({name: "give it once" for name in PARAMETERS if len(request.args.getlist(name)) > 1})
    if bad:
        raise HttpError(400, "bad query parameters; see fields", bad)
    try:
        page = facade().notifications(viewer=username(), before=request.args.get("before"))
    except FormError as err:
        raise HttpError(400, "bad query parameters; see fields", err.fields) from None
    return jsonify({"notifications": [notification_json(n) for n in page.items], "unread": page.unread,
                    "older": page.older, "mailed": page.mailed})


@bp.post("/notifications/<int:notification_id>/read")
def read_notification(notification_id: int):
    return jsonify(notification_json(facade().mark_notification_read(notification_id, viewer=username())))


@bp.post("/notifications/read-all")
def read_all_notifications():
    return jsonify({"marked": facade().mark_all_notifications_read(viewer=username())})


def notification_json(n) -> dict:
    """The Notification schema."""
    return {"id": n.id, "kind": n.kind, "text": n.text, "created_at": when(n.created_at),
            "read_at": when(n.read_at), "opportunity_id": n.opportunity_id, "task_id": n.task_id,
            "partner_id": n.partner_id}
