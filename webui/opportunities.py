"""Blueprint 'opportunities': one deal — its figures, stage history, tasks, event
log, its BPMN diagram with the current position, and its activities: the calls,
meetings, e-mails, visits and tasks done or planned on it, with the forms to plan
one (an open deal only) or to log one already done.

Times typed into the activity forms are local times in the viewer's zone (the ``tz``
cookie, webui/pages.py); the façade reads them in that zone. A form that does not
fit shows the deal's page again with status 422, the values kept and a message
beside each field (``activity_form``: {form, values, errors})."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from engine.errors import ConflictError, FormError

from webui.app_engine import engine_of
from webui.calendar import zone
from webui.forms import sent

bp = Blueprint("opportunities", __name__)

PLAN_FIELDS = ("kind", "subject", "starts_at", "duration_minutes", "notes")
LOG_FIELDS = PLAN_FIELDS + ("outcome",)


@bp.get("/opportunities/<int:opportunity_id>")
@login_required
def show(opportunity_id: int):
    return page(opportunity_id)


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
    return render_template("opportunity.html", deal=deal, now=engine.now(), manages=manages, reps=reps,
                           workers=workers, diagram=_diagram(engine, deal),
                           assistant=engine.sales_assistant(opportunity_id, viewer=viewer),
                           buying_center=engine.buying_center(opportunity_id, viewer=viewer),
                           activities=activities,
                           incidents=engine.incidents(viewer=viewer, opportunity_id=opportunity_id), **extra), status


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
