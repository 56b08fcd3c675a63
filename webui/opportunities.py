"""Blueprint 'opportunities': one deal — its figures, stage history, tasks, event
log, its BPMN diagram with the current position, and its activities: the calls,
meetings, e-mails, visits and tasks done or planned on it, with the forms to plan
one (an open deal only) or to log one already done.

Times typed into the activity forms are local times in the viewer's zone (the ``tz``
cookie, webui/pages.py); the façade reads them in that zone. A form that does not
fit shows the deal's page again with status 422, the values kept and a message
beside each field (``activity_form``: {form, values, errors})."""

from __future__ import annotations

from types import SimpleNamespace

from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from engine.errors import ConflictError, FormError

from webui import error_summary, vendor
from webui.app_engine import engine_of
from webui.calendar import zone
from webui.forms import sent

bp = Blueprint("opportunities", __name__)

BPMN = SimpleNamespace(script=vendor.BPMN_VIEWER, css=vendor.BPMN_STYLES)  # what the page loads for its diagram
PLAN_FIELDS = ("kind", "subject", "starts_at", "duration_minutes", "notes")
LOG_FIELDS = PLAN_FIELDS + ("outcome",)


@bp.get("/opportunities/<int:opportunity_id>")
@login_required
def show(opportunity_id: int):
    return page(opportunity_id)


# Where on the deal page each form that failed is, and what it is called (issue 15: the
# error of a failed post was far below the fold; the page now starts with a summary
# linking to it, focused by static/form_errors.js, whose tab static/deal_page.js opens).
_FORMS = (("activity_form", "deal-activities", "the activity"), ("questionnaire_errors", "questionnaires",
          "the questionnaire"), ("override_errors", "override-form", "the probability"),
          ("lose_errors", "lose-form", "closing as lost"), ("reason_errors", "sales-assistant", "the lost reason"),
          ("forecast_errors", "deal-forecast", "the forecast"))


def _error_summary(extra: dict) -> list[tuple[str, str, list[str]]]:
    """(anchor, what, messages) of each form on the page that came back with errors."""
    bc = g.get("buying_center_form") or {}
    found = [("buying-center", "the buying center", bc.get("errors"))]
    for key, anchor, what in _FORMS:
        errors = extra.get(key) or {}
        if key == "activity_form":
            errors = errors.get("errors") or {}
        elif key == "questionnaire_errors":
            errors = {k: v for fields in errors.values() for k, v in fields.items()}
        found.append((anchor, what, errors))
    return error_summary.summary(found)


def page(opportunity_id: int, *, status: int = 200, **extra):
    """The opportunity page; ``extra`` carries a form's entries and errors back to it."""
    engine = engine_of(current_app)
    viewer = current_user.username
    deal = engine.opportunity_for(opportunity_id, viewer=viewer)  # 404 unless visible
    manages = deal.may_reassign
    users = engine.list_users() if manages else []
    reps = [u for u in users if u.may_own_deals and u.username != deal.owner]
    workers = [u for u in users if u.may_take_tasks]
    activities = engine.activities_for_deal(opportunity_id, viewer=viewer) if current_user.view.may_see_partners \
        else []
    extra.setdefault("activity_form", {})
    if status >= 400:
        extra["error_summary"] = _error_summary(extra)
        extra["summary_url"] = url_for("opportunities.show", opportunity_id=opportunity_id)
    return render_template("opportunity.html", deal=deal, now=engine.now(), manages=manages, reps=reps,
                           workers=workers, diagram=_diagram(engine, deal),
                           record=engine.deal_record(opportunity_id, viewer=viewer),
                           bpmn_viewer=BPMN if vendor.bpmn_ready() else None,
                           process=engine.process_model(opportunity_id, viewer=viewer),
                           assistant=engine.sales_assistant(opportunity_id, viewer=viewer),
                           buying_center=engine.buying_center(opportunity_id, viewer=viewer),
                           activities=activities,
                           incidents=engine.incidents(viewer=viewer, opportunity_id=opportunity_id),
                           waits=engine.deal_waits(viewer=viewer, opportunity_id=opportunity_id), **extra), status


@bp.post("/opportunities/<int:opportunity_id>/activities")
@login_required
def add_activity(opportunity_id: int):
    """Plan an activity on the deal (``done`` absent), or log one already done
    (``done=1``, with its outcome); the deal's partner is the activity's."""
    done = request.form.get("done") == "1"
    values = sent(LOG_FIELDS if done else PLAN_FIELDS, request.form)
    engine = engine_of(current_app)
    use_case = engine.log_done_activity if done else engine.plan_activity
    try:
        added = use_case(actor=current_user.username, partner_id=None, opportunity_id=opportunity_id, zone=zone(),
                         **{"kind": None, "subject": None, "starts_at": None} | values)
    except FormError as err:
        return page(opportunity_id, status=422,
                    activity_form={"form": "log" if done else "plan", "values": values, "errors": err.fields})
    except ConflictError as err:  # won, lost or archived meanwhile
        flash(str(err), "error")
        return _back(opportunity_id)
    flash(f"{'Logged' if done else 'Planned'}: {added.subject} ({added.kind}) with {added.partner_name}.", "success")
    return _back(opportunity_id)


def _back(opportunity_id: int):
    return redirect(url_for("opportunities.show", opportunity_id=opportunity_id, _anchor="deal-activities"), 303)


def _diagram(engine, deal) -> Markup | None:
    """The deal's BPMN diagram as inline SVG (engine.drawing.bpmn_diagram escapes every name from
    the file and writes no scripts), or None when it cannot be drawn."""
    svg = engine.diagram_for(deal.id, viewer=current_user.username)
    return Markup(svg) if svg else None


@bp.get("/opportunities/<int:opportunity_id>/process.bpmn")
@login_required
def process_xml(opportunity_id: int):
    """The deployed BPMN file of the deal's methodology version, for the page's diagram
    viewer (static/deal_page.js), as deployed; 404 unless the viewer may see the deal.
    The nodes it marks are on the deal's page (data-current, data-done)."""
    model = engine_of(current_app).process_model(opportunity_id, viewer=current_user.username)
    if model is None:
        abort(404)
    response = Response(model.xml, mimetype="application/xml")
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Content-Disposition"] = "inline"
    return response


@bp.post("/opportunities/<int:opportunity_id>/incidents/<incident_id>/retry")
@login_required
def retry_incident(opportunity_id: int, incident_id: str):
    """Make an incident's external task fetchable again (designers and admins)."""
    engine = engine_of(current_app)
    engine.opportunity_for(opportunity_id, viewer=current_user.username)  # 404 unless visible
    try:
        engine.retry_incident(incident_id, actor=current_user.username)
        flash("The task is open again; a worker will fetch it.")
    except ConflictError as err:
        flash(str(err), "error")
    return redirect(url_for("opportunities.show", opportunity_id=opportunity_id))


@bp.post("/opportunities/<int:opportunity_id>/retry")
@login_required
def retry_step(opportunity_id: int):
    """Run the deal's failed step again (``upgrade=1``: on the newest version of its
    methodology first); the engine decides who may (a 403 otherwise). A step that fails
    again is said so, with its error: the deal still has one."""
    upgrade = request.form.get("upgrade") == "1"
    try:
        deal = engine_of(current_app).retry(opportunity_id, actor=current_user.username, upgrade=upgrade)
    except ConflictError as err:  # no error any more, no newer version, the task moved on
        flash(str(err), "error")
    else:
        where = f" on version {deal.methodology_label}" if upgrade else ""
        if deal.error_message:
            flash(f"The step was retried{where} and failed again: {deal.error_message}", "error")
        else:
            flash(f"The step was retried{where} and the process went on.", "success")
    return redirect(url_for("opportunities.show", opportunity_id=opportunity_id), 303)


@bp.get("/opportunities/<int:opportunity_id>/<any(activities, contacts, relationships, lose, probability, "
        "'lost-reason', 'close-date', 'forecast-category', reassign, retry):form>")
@login_required
def form_address(opportunity_id: int, form: str):
    """A form's address opened directly — bookmarked, or reloaded after a failed post
    whose page showed there — leads to the deal's page, not to a 405 (issue 15)."""
    engine_of(current_app).opportunity_for(opportunity_id, viewer=current_user.username)  # 404 unless visible
    return redirect(url_for("opportunities.show", opportunity_id=opportunity_id), 303)
