"""The task page's other ways to end a task (webui/templates/_task_events.html): one
form per error or escalation boundary event that can still catch on the task (a raised
non-interrupting escalation is gone), posted here with a ticked confirmation; the
page's own completion form stays the primary action."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_login import current_user, login_required

from engine.errors import ConflictError, FormError, PermissionDeniedError

from webui.app_engine import engine_of

bp = Blueprint("task_events", __name__)


@bp.post("/tasks/<task_id>/boundary")
@login_required
def take(task_id: str):
    engine = engine_of(current_app)
    viewer = current_user.username
    task = engine.task(task_id, viewer=viewer)  # 404 unless the viewer may see it
    kind, code = request.form.get("kind", ""), request.form.get("code", "")
    here = url_for("inbox.task", task_id=task_id)
    if request.form.get("confirm") != "yes":
        flash(f"Nothing was reported: tick the box to confirm “{request.form.get('name') or code}”.", "error")
        return redirect(here, 303)
    try:
        deal = engine.raise_task_event(task_id, kind=kind, code=code, actor=viewer,
                                       message=request.form.get("message", ""))
    except (ConflictError, PermissionDeniedError, FormError) as err:
        flash(_said(err), "error")
        return redirect(here, 303)
    name = request.form.get("name") or code
    if deal.failed_on(task_id, f"task_{kind}"):  # the step after the boundary failed: kept as the deal's error
        flash(f"“{name}” was not taken: the step after it failed ({deal.error_message}). The deal shows the "
              f"error; its manager can retry it once the methodology is fixed. “{task.name}” stays open.", "error")
        return redirect(here, 303)
    taken = next((t for t in deal.open_tasks if t.id == task_id), None)
    if taken is not None:  # a non-interrupting escalation: the task stays open with its holder
        flash(f"Raised “{name}”; “{task.name}” stays open with you.", "success")
        return redirect(here, 303)
    flash(f"“{task.name}” ended as “{name}”. {deal.title} is now at stage {deal.stage_name or '—'}"
          f"{'; the deal is ' + deal.status if deal.status != 'open' else ''}.", "success")
    return redirect(url_for("inbox.index"), 303)


def _said(err: Exception) -> str:
    if isinstance(err, FormError):
        return " ".join(err.fields.values())
    return str(err)
