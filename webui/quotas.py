"""Blueprint 'quotas': the quota page (M14) — a period picker, a manager's quota, their
direct reports' parts as a form saved as a draft (only its author sees it) or
committed (the team sees it), the add-up warning, and the committed versions.

    GET  /quotas?period=&manager=     the sheet
    POST /quotas/split                save the draft, or commit (button ``action``)
    POST /quotas/set                  set the manager's quota from above

The façade decides who may (a designer: 403; a split one may not see: 404)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine.errors import FormError

from webui.app_engine import engine_of

bp = Blueprint("quotas", __name__)
PART = "part-"


def _sheet(period: str | None, manager: str | None):
    return engine_of(current_app).quota_sheet(viewer=current_user.username, period=period or None,
                                              manager=manager or None)


def _page(period: str | None, manager: str | None, *, status: int = 200, errors: dict | None = None,
          form: dict | None = None):
    try:
        sheet = _sheet(period, manager)
    except FormError as err:  # a period that is not one: the current one, and say why
        sheet, errors, status = _sheet(None, manager), {**err.fields, **(errors or {})}, 422
    return render_template("quotas.html", sheet=sheet, errors=errors or {}, form=form), status


@bp.get("/quotas")
@login_required
def index():
    return _page(request.args.get("period", "").strip(), request.args.get("manager", "").strip())


def _back(period: str, manager: str):
    return redirect(url_for("quotas.index", period=period, manager=manager), 303)


@bp.post("/quotas/split")
@login_required
def split():
    period, manager = request.form.get("period", ""), request.form.get("manager", "")
    parts = {name[len(PART):]: value for name, value in request.form.items() if name.startswith(PART)}
    commit = request.form.get("action") == "commit"
    try:
        view = engine_of(current_app).split_quota(manager, period, parts, actor=current_user.username,
                                                  currency=request.form.get("currency") or None, commit=commit,
                                                  note=request.form.get("note", ""))
    except FormError as err:
        return _page(period, manager, status=422, errors=err.fields, form=dict(request.form))
    flash(f"Version {view.version} committed: the team sees it." if commit
          else "Draft saved: only you see it until you commit it.", "success")
    # The add-up warning is on the page itself, beside the form (the draft's, or the newest version's).
    return _back(period, manager)


@bp.post("/quotas/set")
@login_required
def set_quota():
    period, manager = request.form.get("period", ""), request.form.get("manager", "")
    try:
        view = engine_of(current_app).set_quota(manager, period, request.form.get("amount", ""),
                                                actor=current_user.username,
                                                currency=request.form.get("currency") or None,
                                                note=request.form.get("note", ""))
    except FormError as err:
        return _page(period, manager, status=422, errors=err.fields, form=dict(request.form))
    flash(f"{manager}'s quota for {view.period.name} is {view.total} {view.currency} (version {view.version}).",
          "success")
    return _back(period, manager)
