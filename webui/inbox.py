"""Blueprint 'inbox': the inbox (my tasks, my teams' queues, the deals I manage),
claiming and releasing queued tasks, and the task page with its generated form."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine.errors import ConflictError, ExitCriteriaError, FormError, PermissionDeniedError

from webui.app_engine import engine_of
from webui.auth import _safe_next
from webui.forms import controls, submitted

bp = Blueprint("inbox", __name__)

PER_PAGE = 25


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    try:
        return min(max(int(request.args.get(name, default)), low), high)
    except ValueError:
        return default


@bp.get("/")
@login_required
def index():
    engine = engine_of(current_app)
    stage = request.args.get("stage") or None
    methodology = request.args.get("methodology") or None
    page = engine.inbox(current_user.username, stage=stage, methodology=methodology,
                        page=_int_arg("page", 1, 1, 10_000), per_page=_int_arg("per_page", PER_PAGE, 1, 100))
    filters = {k: v for k, v in (("stage", stage), ("methodology", methodology)) if v}
    if page.per_page != PER_PAGE:
        filters["per_page"] = page.per_page
    return render_template("inbox.html", page=page, now=engine.now(), stage=stage, methodology=methodology,
                           filters=filters, me=current_user.username)


@bp.post("/tasks/<task_id>/claim")
@login_required
def claim(task_id: str):
    return _claim_or_release(task_id, claim=True)


@bp.post("/tasks/<task_id>/release")
@login_required
def release(task_id: str):
    return _claim_or_release(task_id, claim=False)


def _claim_or_release(task_id: str, *, claim: bool):
    engine = engine_of(current_app)
    use_case = engine.claim_task if claim else engine.release_task
    try:
        task = use_case(task_id, actor=current_user.username)
    except ConflictError as err:
        flash(str(err), "error")
    else:
        flash(f"You took “{task.name}”." if claim else f"“{task.name}” is back in its team's queue.", "success")
    return redirect(_safe_next(request.form.get("next")), 303)


@bp.route("/tasks/<task_id>", methods=["GET", "POST"])
@login_required
def task(task_id: str):
    engine = engine_of(current_app)
    viewer = current_user.username
    task = engine.task(task_id, viewer=viewer)  # 404 unless the viewer may see it
    if request.method == "GET" or task.status != "ready":
        status = 200 if request.method == "GET" else 409
        return _task_page(task, status=status)
    values = submitted(task.form, request.form)
    try:
        deal = engine.complete_task(task_id, actor=viewer, data=values)
    except FormError as err:
        return _task_page(task, values=values, errors=err.fields, status=422)
    except ExitCriteriaError as err:
        return _task_page(task, values=values, refusal=err, status=409)
    except ConflictError:
        return _task_page(engine.task(task_id, viewer=viewer), status=409)
    except PermissionDeniedError:
        # The viewer may see the task (else engine.task was a 404) but not work it —
        # someone claimed it meanwhile: say so, and give back what they typed.
        current = engine.task(task_id, viewer=viewer)
        whom = f"{current.assignee} has it now." if current.assignee else "It is not yours to complete."
        return _task_page(current, values=values, refused=whom, status=403)
    message = f"Done: “{task.name}”. {deal.title} is now at stage {deal.stage_name or '—'} ({deal.probability} %)"
    following = [t.name for t in deal.open_tasks]
    if deal.status != "open":
        message += f"; the deal is {deal.status}."
    elif following:
        message += f"; next step: {', '.join(following)}."
    else:
        message += "."
    flash(message, "success")
    back = request.args.get("next")  # e.g. the pipeline board that opened this step
    return redirect(_safe_next(back) if back else url_for("inbox.index"), 303)


def _task_page(task, *, values=None, errors=None, refusal=None, refused=None, status=200):
    errors = errors or {}
    known = {f.id for f in task.form}
    other_errors = {k: v for k, v in errors.items() if k not in known}
    return render_template("task.html", task=task, controls=controls(task.form, values, errors),
                           errors=errors, other_errors=other_errors, now=engine_of(current_app).now(),
                           conflict=status == 409 and refusal is None, refusal=refusal,
                           refused=refused), status
