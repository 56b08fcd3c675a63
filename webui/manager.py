"""Blueprint 'manager': the team's pipeline, and handing a deal or one of its tasks
to someone else (M12: the hand-over keeps all history). The façade decides who may:
the deal's manager or an admin."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine.errors import DealflowError, NotFoundError

from webui.app_engine import engine_of
from webui.auth import _safe_next
from webui.people import person

bp = Blueprint("manager", __name__)


@bp.get("/pipeline")
@login_required
def pipeline():
    view = engine_of(current_app).pipeline(current_user.username)  # 403 for reps
    return render_template("pipeline.html", pipeline=view)


@bp.post("/opportunities/<int:opportunity_id>/reassign")
@login_required
def reassign_opportunity(opportunity_id: int):
    to = request.form.get("to", "").strip()
    # where the form was (a card of the pipeline board): the answer goes back there
    back = _safe_next(request.form.get("next")) if request.form.get("next") else \
        url_for("opportunities.show", opportunity_id=opportunity_id)
    if not to and engine_of(current_app).may_reassign(opportunity_id, viewer=current_user.username):
        flash("Choose who takes the deal: nothing was changed.", "error")  # the list starts blank, on purpose
        return redirect(back, 303)
    try:
        deal = engine_of(current_app).reassign_opportunity(opportunity_id, to=to, actor=current_user.username)
    except DealflowError as err:
        if not engine_of(current_app).may_reassign(opportunity_id, viewer=current_user.username):
            raise  # 404 or 403: the error pages say nothing about the deal
        flash(str(err), "error")  # e.g. the new owner is not a rep, or already owns it
    else:
        flash(f"{deal.title} now belongs to {person(deal.owner)}; its history stays.", "success")
    return redirect(back, 303)


@bp.post("/tasks/<task_id>/reassign")
@login_required
def reassign_task(task_id: str):
    engine = engine_of(current_app)
    to = request.form.get("to", "").strip()
    if not to:
        task = engine.task(task_id, viewer=current_user.username)  # 404 unless the viewer may see it
        if engine.may_reassign(task.opportunity_id, viewer=current_user.username):
            flash(f"Choose who takes “{task.name}”: nothing was changed.", "error")
            return redirect(url_for("opportunities.show", opportunity_id=task.opportunity_id), 303)
    try:
        deal = engine.reassign_task(task_id, to=to, actor=current_user.username)
    except DealflowError as err:
        try:
            task = engine.task(task_id, viewer=current_user.username)
        except NotFoundError:
            raise err from None
        if not engine.may_reassign(task.opportunity_id, viewer=current_user.username):
            raise
        flash(str(err), "error")  # e.g. no such user, or the task was completed meanwhile
        return redirect(url_for("opportunities.show", opportunity_id=task.opportunity_id), 303)
    flash(f"The task now goes to {person(to)}.", "success")
    return redirect(url_for("opportunities.show", opportunity_id=deal.id), 303)
