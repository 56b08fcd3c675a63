"""Blueprint 'inbox': the inbox (my tasks, my teams' queues, the deals I manage) with
search, filters, sorting and saved filters; claiming and releasing queued tasks, one
or many at once, handing many over; and the task page with its generated form, its
follow-up date and its deal's context."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine.errors import ConflictError, ExitCriteriaError, FormError, PermissionDeniedError

from webui.app_engine import engine_of
from webui.auth import _safe_next
from webui.forms import as_text, controls, submitted
from webui.people import person

bp = Blueprint("inbox", __name__)

FILTERS = ("q", "stage", "methodology", "due", "follow_up", "assignee", "queue", "sort", "page", "per_page")


@bp.get("/")
@login_required
def index():
    """The inbox: every filter, the sort and the page are GET parameters, so a filtered
    inbox is a link to bookmark or to save (engine.rules.inbox_query reads them)."""
    engine = engine_of(current_app)
    params = {name: request.args[name] for name in FILTERS if name in request.args}
    viewer = current_user.view  # with its team ids: the inbox reads no user again
    try:
        page = engine.inbox(viewer, params)
        errors, status = {}, 200
    except FormError as err:
        errors, status = err.fields, 400
        page = engine.inbox(viewer, {k: v for k, v in params.items() if k not in err.fields})
    workers = [u for u in engine.list_users() if u.may_take_tasks] if page.may_hand_over else []
    return render_template("inbox.html", page=page, query=page.query, now=engine.now(), errors=errors,
                           typed=params, me=current_user.username, workers=workers), status


@bp.post("/tasks/bulk")
@login_required
def bulk():
    """Claim or hand over the ticked tasks (a plain form: it works without JavaScript);
    each task is decided on its own and the summary says what was done and refused."""
    engine = engine_of(current_app)
    ids = request.form.getlist("task_id")
    action = request.form.get("action")
    back = _safe_next(request.form.get("next"))
    try:
        if action == "claim":
            report = engine.bulk_claim(ids, actor=current_user.username)
        elif action == "hand_over":
            report = engine.bulk_hand_over(ids, to=request.form.get("to", ""), actor=current_user.username)
        else:
            raise FormError({"action": "choose Claim or Hand over"})
    except FormError as err:
        flash("Nothing was done: " + "; ".join(err.fields.values()) + ".", "error")
        return redirect(back, 303)
    if report.done:
        # "Handed 1 task to Anna Kowalska", not "Handed to Anna Kowalska 1", which read as part of her name.
        count = f"{len(report.done)} task{'' if len(report.done) == 1 else 's'}"
        done = f"Claimed {count}" if report.action == "claim" else f"Handed {count} to {person(report.to)}"
        flash(f"{done}: " + ", ".join(f"“{o.name}”" for o in report.done) + ".", "success")
    for o in report.refused:
        flash(f"Not done: {'“' + o.name + '”' if o.name else 'a task'} — {o.reason}", "error")
    return redirect(back, 303)


@bp.post("/inbox/filters")
@login_required
def save_filter():
    """Save the inbox's current filters (the form carries them as hidden fields) under a name."""
    engine = engine_of(current_app)
    params = {name: request.form[name] for name in FILTERS if name in request.form}
    try:
        saved = engine.save_inbox_filter(request.form.get("name", ""), params, actor=current_user.username)
    except FormError as err:
        flash("The filter was not saved: " + "; ".join(err.fields.values()) + ".", "error")
        return redirect(url_for("inbox.index", **params), 303)
    flash(f"Saved the filter “{saved.name}”.", "success")
    return redirect("/?" + saved.query if saved.query else url_for("inbox.index"), 303)


@bp.post("/inbox/filters/<int:filter_id>/delete")
@login_required
def delete_filter(filter_id: int):
    engine_of(current_app).delete_inbox_filter(filter_id, actor=current_user.username)  # another's: 404
    flash("The saved filter was deleted.", "success")
    return redirect(_safe_next(request.form.get("next")), 303)


@bp.post("/tasks/<task_id>/follow-up")
@login_required
def follow_up(task_id: str):
    engine = engine_of(current_app)
    try:
        task = engine.set_follow_up(task_id, request.form.get("follow_up", ""), actor=current_user.username)
    except FormError as err:
        flash("The follow-up date was not set: " + "; ".join(err.fields.values()) + ".", "error")
    except ConflictError as err:
        flash(str(err), "error")
    else:
        flash(f"You will follow up “{task.name}” on the day set." if task.follow_up_at
              else f"“{task.name}” has no follow-up date now.", "success")
    return redirect(url_for("inbox.task", task_id=task_id), 303)


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
        whom = f"{person(current.assignee)} has it now." if current.assignee else "It is not yours to complete."
        return _task_page(current, values=values, refused=whom, status=403)
    if deal.failed_on(task_id):  # the step after the task failed: kept as the deal's error, not done
        flash(f"“{task.name}” was not completed: the step after it failed ({deal.error_message}"
              f"{', at ' + deal.error_at if deal.error_at else ''}). Your answers are kept with the deal's error; "
              f"its manager can retry them once the methodology is fixed.{' ' + deal.error_note if deal.error_note else ''}",
              "error")
        return redirect(url_for("inbox.task", task_id=task_id), 303)
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
    engine = engine_of(current_app)
    viewer = current_user.username
    revision = engine.task_revision(task.id, viewer=viewer) if task.status == "completed" else None
    context = engine.task_context(task.id, viewer=viewer)
    return render_template("task.html", task=task,
                           controls=controls(task.form, values, errors, currency=context.currency if context else ""),
                           context=context,
                           errors=errors, other_errors=other_errors, now=engine.now(),
                           conflict=status == 409 and refusal is None, refusal=refusal,
                           refused=refused, revision=revision,
                           events=engine.task_events(task.id, viewer=viewer) if task.may_work else ()), status


@bp.route("/tasks/<task_id>/revise", methods=["GET", "POST"])
@login_required
def revise(task_id: str):
    """The form of a task the viewer completed, prefilled with their answers as last
    given; saving it replaces them while the deal is still in the task's stage. The
    form posts to its own address, so a failed save stays where a reload shows it
    again; a saved one redirects to the deal (Post/Redirect/Get)."""
    engine = engine_of(current_app)
    viewer = current_user.username
    task = engine.task(task_id, viewer=viewer)  # 404 unless the viewer may see it
    revision = engine.task_revision(task_id, viewer=viewer)
    if request.method == "GET":
        return _revise_page(task, revision, as_text(task.form, revision.answers),
                            status=403 if revision.not_yours else 200)
    values = submitted(task.form, request.form)
    if not revision.may_revise:  # said before anything is saved; what was typed is kept
        return _revise_page(task, revision, values, status=403 if revision.not_yours else 409)
    try:
        deal = engine.revise_task(task_id, actor=viewer, data=values)
    except FormError as err:
        return _revise_page(task, revision, values, errors=err.fields, status=422)
    except ConflictError:  # the stage was left (or the deal closed) since the form was opened
        return _revise_page(task, engine.task_revision(task_id, viewer=viewer), values, status=409)
    flash(f"Revised the answers of “{task.name}”. {deal.title} stays at stage {deal.stage_name or '—'} "
          f"({deal.probability} %).", "success")
    return redirect(url_for("opportunities.show", opportunity_id=deal.id), 303)  # the flash in view, at the top


def _revise_page(task, revision, values, *, errors=None, status=200):
    errors = errors or {}
    known = {f.id for f in task.form}
    return render_template("task_revise.html", task=task, revision=revision,
                           controls=controls(task.form, values, errors, currency=revision.currency), errors=errors,
                           other_errors={k: v for k, v in errors.items() if k not in known}), status
