"""Blueprint 'notifications' (issue 15): the bell with the unread count in the nav
(a template function base.html calls), the viewer's own notifications newest first,
opening one (marks it read and goes to its task, deal or partner), marking one or all
read, turning their e-mail off or on — each a POST with the CSRF token. Another
user's notification is a 404. A page holds the newest 200; "Older" pages on."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine.errors import FormError, NotFoundError

from webui.app_engine import engine_of

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@login_required
def index():
    try:
        page = engine_of(current_app).notifications(viewer=current_user.username, before=request.args.get("before"))
    except FormError:
        abort(404)  # a page address that was never a link
    return render_template("notifications.html", page=page, paged=bool(request.args.get("before")))


@bp.post("/notifications/mail")
@login_required
def mail():
    on = engine_of(current_app).set_notification_mail(viewer=current_user.username,
                                                      mail=request.form.get("mail") == "on")
    flash("Your notifications are mailed to you too." if on else
          "Your notifications are no longer mailed to you; they stay here.", "success")
    return redirect(url_for("notifications.index"), 303)


@bp.post("/notifications/<int:notification_id>/open")
@login_required
def open_one(notification_id: int):
    return redirect(_target(_mark(notification_id)), 303)


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def read(notification_id: int):
    _mark(notification_id)
    return redirect(url_for("notifications.index"), 303)


@bp.post("/notifications/read-all")
@login_required
def read_all():
    count = engine_of(current_app).mark_all_notifications_read(viewer=current_user.username)
    flash(f"{count} notification{'' if count == 1 else 's'} marked read.", "success")
    return redirect(url_for("notifications.index"), 303)


def _mark(notification_id: int):
    try:
        return engine_of(current_app).mark_notification_read(notification_id, viewer=current_user.username)
    except NotFoundError:
        abort(404)


def _target(item) -> str:
    if item.task_id:
        return url_for("inbox.task", task_id=item.task_id)
    if item.opportunity_id:
        return url_for("opportunities.show", opportunity_id=item.opportunity_id)
    if item.partner_id:
        return url_for("partners.show", partner_id=item.partner_id)
    return url_for("deals.index")


@bp.app_context_processor
def notification_partials():
    """``unread_notifications()`` for the bell in the nav."""

    def unread_notifications() -> int:
        if not current_user.is_authenticated:
            return 0
        return engine_of(current_app).unread_notification_count(viewer=current_user.view)  # the user: not read again

    return {"unread_notifications": unread_notifications, "notification_target": _target}
