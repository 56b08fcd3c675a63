"""Blueprint 'calendar': a rep's agenda (/agenda), the week of a rep or a team
(/calendar/week), planning an activity (from the agenda, or from the partner page's
panel, templates/_partner_activities.html), recording, moving and cancelling one,
the calendar link (shown on the agenda with a copy button whenever its owner comes
back; made there, renewed or stopped after asking), and the iCalendar feed itself
(/calendar/<token>.ics), which needs no login: the secret token is the key.

Times typed into a form are local times in the viewer's zone (the ``tz`` cookie,
webui/pages.py); the façade reads them in that zone. A plan that does not fit shows
the plan form again with status 422, the values kept and a message beside each field.
"""

from __future__ import annotations

from datetime import timezone

from flask import Blueprint, Response, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine.errors import ConflictError, FormError, NotFoundError, PermissionDeniedError
from engine.views.activities import ACTIVITY_KINDS

from webui.app_engine import engine_of
from webui.auth import _safe_next
from webui.pages import zone_label

bp = Blueprint("calendar", __name__)

PLAN_FIELDS = ("kind", "subject", "starts_at", "duration_minutes", "notes", "owner")


@bp.app_context_processor
def _kinds():
    return {"activity_kinds": ACTIVITY_KINDS}


@bp.app_template_filter()
def localclock(moment) -> str:
    """'10:00' in the viewer's zone."""
    return f"{moment.astimezone(_tz()):%H:%M}" if moment else ""


@bp.app_template_filter()
def localinput(moment) -> str:
    """The value of a datetime-local input: '2026-11-03T10:00' in the viewer's zone."""
    return f"{moment.astimezone(_tz()):%Y-%m-%dT%H:%M}" if moment else ""


def _tz():
    return g.get("tz", timezone.utc)


def zone() -> str:
    """The viewer's zone as the façade takes it (an IANA name, or UTC)."""
    return zone_label(_tz())


# --- agenda and week -------------------------------------------------------------------

@bp.get("/agenda")
@login_required
def agenda():
    return _agenda_page()


def _agenda_page(*, status: int = 200):
    engine = engine_of(current_app)
    who = request.args.get("user") or current_user.username
    days = request.args.get("days") or 7
    view = engine.agenda(who, viewer=current_user.username, days=days, zone=zone())
    mine = view.username == current_user.username
    feed = engine.calendar_feed_status(view.username, viewer=current_user.username) if mine else None
    return render_template(
        "agenda.html", agenda=view, mine=mine, feed=feed, feed_url=feed_url(feed.token) if feed else None,
        targets=engine.plan_targets(viewer=current_user.username), now=engine.now()), status


@bp.get("/calendar/week")
@login_required
def week():
    engine = engine_of(current_app)
    team = request.args.get("team") or None
    user = None if team else (request.args.get("user") or current_user.username)
    view = engine.week(user, team=team, viewer=current_user.username, start=request.args.get("start") or None,
                       zone=zone())  # a person or team the viewer may not see: 404
    return render_template("week.html", week=view, now=engine.now())


# --- planning and changing activities ----------------------------------------------------

@bp.post("/partners/<int:partner_id>/activities")
@login_required
def plan_on_partner(partner_id: int):
    return _plan(partner_id, request.form.get("opportunity_id") or None)


@bp.post("/activities")
@login_required
def plan_from_target():
    """The agenda's form: the target is "partner" or "partner:deal"."""
    partner, _, deal = (request.form.get("target") or "").partition(":")
    if not partner.isdigit() or (deal and not deal.isdigit()):
        return _plan_again(None, None, _values(), FormError({"target": "choose a partner or a deal"}))
    return _plan(int(partner), int(deal) if deal else None)


def _plan(partner_id: int, opportunity_id):
    values = _values()
    engine = engine_of(current_app)
    try:
        planned = engine.plan_activity(actor=current_user.username, partner_id=partner_id,
                                       opportunity_id=opportunity_id, zone=zone(),
                                       **{k: v for k, v in values.items() if v not in (None, "") or k != "owner"})
    except FormError as err:
        return _plan_again(partner_id, opportunity_id, values, err)
    flash(f"Planned: {planned.subject} ({planned.kind}) with {planned.partner_name}.", "success")
    return redirect(_safe_next(request.form.get("next") or url_for("calendar.agenda")), 303)


def _values() -> dict:
    values = {name: request.form.get(name, "") for name in PLAN_FIELDS}
    values["duration_minutes"] = values["duration_minutes"] or "30"
    return values


def _plan_again(partner_id, opportunity_id, values: dict, err: FormError):
    """The plan form alone, with the values sent and a message per field (422)."""
    engine = engine_of(current_app)
    return render_template("activity_form.html", values=values, errors=err.fields, partner_id=partner_id,
                           opportunity_id=opportunity_id, target=request.form.get("target", ""),
                           targets=engine.plan_targets(viewer=current_user.username),
                           next=request.form.get("next", "")), 422


@bp.post("/activities/<int:activity_id>/done")
@login_required
def record(activity_id: int):
    return _change(activity_id, "recorded", lambda engine, actor: engine.record_activity_outcome(
        activity_id, actor=actor, outcome=request.form.get("outcome", ""), notes=request.form.get("notes", "")))


@bp.post("/activities/<int:activity_id>/move")
@login_required
def move(activity_id: int):
    return _change(activity_id, "moved", lambda engine, actor: engine.reschedule_activity(
        activity_id, actor=actor, starts_at=request.form.get("starts_at", ""),
        duration_minutes=request.form.get("duration_minutes") or None, zone=zone()))


@bp.post("/activities/<int:activity_id>/cancel")
@login_required
def cancel(activity_id: int):
    return _change(activity_id, "cancelled", lambda engine, actor: engine.cancel_activity(
        activity_id, actor=actor, reason=request.form.get("reason", "")))


def _change(activity_id: int, done: str, use_case):
    back = _safe_next(request.form.get("next") or url_for("calendar.agenda"))
    try:
        changed = use_case(engine_of(current_app), current_user.username)
    except FormError as err:
        flash("; ".join(f"{name}: {message}" for name, message in err.fields.items()), "error")
        return redirect(back, 303)
    except ConflictError as err:
        flash(str(err), "error")  # recorded or cancelled meanwhile
        return redirect(back, 303)
    flash(f"{changed.subject}: {done}.", "success")
    return redirect(back, 303)


# --- the calendar link and the feed ------------------------------------------------------

@bp.post("/calendar/link")
@login_required
def new_link():
    """Make the user's calendar link if they have none (else it stays as it is); it is
    shown on the agenda, with a copy button, whenever they come back."""
    try:
        engine_of(current_app).calendar_feed_url_token(current_user.username, actor=current_user.username)
    except ConflictError as err:  # a link made before links were kept: renewing it is asked first
        flash(str(err), "error")
        return redirect(url_for("calendar.agenda", _anchor="calendar-link"), 303)
    flash("Your calendar link is ready: copy it into your calendar app.", "success")
    return redirect(url_for("calendar.agenda", _anchor="calendar-link"), 303)


@bp.route("/calendar/link/renew", methods=["GET", "POST"])
@login_required
def renew_link():
    """A new link replacing the old (asked first: every calendar subscribed to the old one stops updating)."""
    if request.method == "GET":
        return _confirm_link("renew")
    engine_of(current_app).calendar_feed_url_token(current_user.username, actor=current_user.username, rotate=True)
    flash("Your calendar has a new link; the old one no longer works. Subscribe to the new one in your calendar "
          "apps.", "success")
    return redirect(url_for("calendar.agenda", _anchor="calendar-link"), 303)


@bp.route("/calendar/link/revoke", methods=["GET", "POST"])
@login_required
def revoke_link():
    """Stop the link (asked first)."""
    if request.method == "GET":
        return _confirm_link("revoke")
    engine_of(current_app).revoke_calendar_feed(current_user.username, actor=current_user.username)
    flash("Your calendar link no longer works; calendars subscribed to it stop updating.", "success")
    return redirect(url_for("calendar.agenda", _anchor="calendar-link"), 303)


def _confirm_link(act: str):
    feed = engine_of(current_app).calendar_feed_status(current_user.username, viewer=current_user.username)
    if not feed.active:  # nothing to renew or stop: the agenda offers to make one
        return redirect(url_for("calendar.agenda", _anchor="calendar-link"), 303)
    return render_template("calendar_link_confirm.html", act=act, feed=feed)


def feed_url(token: str | None) -> str | None:
    return url_for("calendar.feed", token=token, _external=True) if token else None


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    """No login: calendar clients cannot log in. A wrong or revoked token is a 404."""
    try:
        body = engine_of(current_app).calendar_feed(token, base_url=request.url_root)
    except (NotFoundError, PermissionDeniedError):
        return Response("no such calendar\n", status=404, mimetype="text/plain")
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="dealflow.ics"'
    response.headers["Cache-Control"] = "private, max-age=300"
    return response
