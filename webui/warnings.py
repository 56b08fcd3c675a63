"""Blueprint 'warnings': the early warnings (M18) — the dashboard of the viewer's
warnings grouped by rep and rule (managers: their teams'; reps: their own; admins:
all), acknowledging one (a form with its CSRF token), and two template functions
the inbox and the deal page include as partials (_inbox_warnings.html,
_deal_warnings.html), so that those pages' own views stay as they are."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine.errors import ConflictError, NotFoundError

from webui.app_engine import engine_of
from webui.auth import _safe_next

bp = Blueprint("warnings", __name__)

INBOX_LIMIT = 5  # the inbox shows the newest few; the dashboard has them all


@bp.get("/warnings")
@login_required
def dashboard():
    engine = engine_of(current_app)
    per_page = request.args.get("per_page")
    board = engine.warning_board(viewer=current_user.username, page=request.args.get("page"), per_page=per_page)
    digest = engine.latest_warning_digest(viewer=current_user.username)
    return render_template("warnings.html", board=board, digest=digest,
                           pager_args={"per_page": per_page} if per_page else {})


@bp.post("/warnings/<int:warning_id>/ack")
@login_required
def acknowledge(warning_id: int):
    try:
        warning = engine_of(current_app).acknowledge_warning(warning_id, actor=current_user.username)
    except ConflictError as err:  # acknowledged by someone else meanwhile, or cleared: say so
        flash(str(err), "error")
    else:
        flash(f"Acknowledged: {warning.rule_label.lower()} on {warning.deal_title}.", "success")
    return redirect(_safe_next(request.form.get("next") or url_for("warnings.dashboard")), 303)


@bp.app_context_processor
def warning_partials():
    """``inbox_warnings()`` and ``deal_warnings(id)`` for the partials."""

    def inbox_warnings():
        if not current_user.is_authenticated:
            return None
        # the login's view with its team ids: one statement for a rep (a manager's hierarchy besides),
        # reading the newest few and the count of all, not every warning to show five
        return engine_of(current_app).warnings_page(viewer=current_user.view, include_acknowledged=False,
                                                    per_page=INBOX_LIMIT)

    def deal_warnings(opportunity_id: int):
        if not current_user.is_authenticated:
            return []
        try:
            return engine_of(current_app).deal_warnings(opportunity_id, viewer=current_user.username)
        except NotFoundError:
            return []

    return {"inbox_warnings": inbox_warnings, "deal_warnings": deal_warnings}
