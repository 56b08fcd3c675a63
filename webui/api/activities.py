"""The routes of activities and calendars (M9, M12): planning, logging, moving,
recording and cancelling an activity; a partner's and a deal's activities; a rep's
agenda and the week of a rep or a team. Documented in webui/api/openapi/activities.py.

Times in bodies are ISO 8601 with their offset ("2026-12-07T10:00:00+01:00" or
"...Z"); a time without one is a 422 (an API client has no zone to guess). The
agenda's and the week's days are those of ``zone`` (an IANA name; UTC by default).
Whoever may not see the partner, the deal or the person gets 404 with nothing more."""

from __future__ import annotations

from flask import jsonify, request

from engine.views.activities import ActivityView, AgendaItem, AgendaView, WeekView

from webui.api.blueprint import bp, facade, username
from webui.api.parsing import json_object, no_nulls, only, refuse, whole_numbers
from webui.api.shapes import when

PLAN_FIELDS = ("partner_id", "opportunity_id", "kind", "subject", "starts_at", "duration_minutes", "notes", "owner")
LOG_FIELDS = PLAN_FIELDS + ("outcome",)
NULLABLE = ("partner_id", "opportunity_id", "owner", "notes")


@bp.post("/activities")
def plan_activity():
    body = _activity_body(PLAN_FIELDS)
    return jsonify(activity_json(facade().plan_activity(actor=username(), **body))), 201


@bp.post("/activities/done")
def log_done_activity():
    body = _activity_body(LOG_FIELDS)
    return jsonify(activity_json(facade().log_done_activity(actor=username(), **body))), 201


def _activity_body(fields: tuple[str, ...]) -> dict:
    body = only(json_object(), fields)
    no_nulls(body, NULLABLE)
    refuse({name: "send a whole number (an id), or null" for name in ("partner_id", "opportunity_id")
            if body.get(name) is not None and (isinstance(body[name], bool) or not isinstance(body[name], int))})
    body = whole_numbers(body, ("duration_minutes",))
    for required in ("kind", "subject", "starts_at"):
        body.setdefault(required, None)  # the engine says it is required, beside every other problem
    body.setdefault("partner_id", None)
    if body.get("notes") is None:
        body["notes"] = ""
    return body


@bp.get("/activities/<int:activity_id>")
def show_activity(activity_id: int):
    return jsonify(activity_json(facade().activity(activity_id, viewer=username())))


@bp.post("/activities/<int:activity_id>/reschedule")
def reschedule_activity(activity_id: int):
    facade().activity(activity_id, viewer=username())  # 404 before anything is said of the body
    body = whole_numbers(only(json_object(), ("starts_at", "duration_minutes")), ("duration_minutes",))
    no_nulls(body, ("duration_minutes",))
    return jsonify(activity_json(facade().reschedule_activity(
        activity_id, actor=username(), starts_at=body.get("starts_at"), duration_minutes=body.get("duration_minutes"))))


@bp.post("/activities/<int:activity_id>/outcome")
def record_activity_outcome(activity_id: int):
    facade().activity(activity_id, viewer=username())
    body = only(json_object(), ("outcome", "notes"))
    no_nulls(body, ("notes",))
    return jsonify(activity_json(facade().record_activity_outcome(
        activity_id, actor=username(), outcome=body.get("outcome"), notes=body.get("notes") or "")))


@bp.post("/activities/<int:activity_id>/cancel")
def cancel_activity(activity_id: int):
    facade().activity(activity_id, viewer=username())
    body = only(json_object(), ("reason",))
    no_nulls(body, ("reason",))
    return jsonify(activity_json(facade().cancel_activity(activity_id, actor=username(),
                                                          reason=body.get("reason") or "")))


@bp.get("/partners/<int:partner_id>/activities")
def partner_activities(partner_id: int):
    return jsonify([activity_json(a) for a in facade().activities_for_partner(partner_id, viewer=username())])


@bp.get("/opportunities/<int:opportunity_id>/activities")
def deal_activities(opportunity_id: int):
    return jsonify([activity_json(a) for a in facade().activities_for_deal(opportunity_id, viewer=username())])


@bp.get("/agenda")
def agenda():
    args = _query(("user", "days", "zone"))
    view = facade().agenda(args.get("user") or username(), viewer=username(), days=args.get("days") or 7,
                           zone=args.get("zone"))
    return jsonify(agenda_json(view))


@bp.get("/calendar/week")
def week():
    args = _query(("user", "team", "start", "zone"))
    team = args.get("team") or None
    user = None if team else (args.get("user") or username())
    view = facade().week(user, team=team, viewer=username(), start=args.get("start") or None, zone=args.get("zone"))
    return jsonify(week_json(view))


def _query(known: tuple[str, ...]) -> dict[str, str]:
    """The query's parameters; unknown ones, and a day or a count sent empty, are a 422."""
    refuse({name: "unknown parameter; use " + ", ".join(known) for name in request.args if name not in known})
    refuse({name: "send a value, or leave the parameter out" for name in ("days", "start")
            if request.args.get(name, None) == ""})
    return {name: request.args[name] for name in known if name in request.args}


# --- JSON out (schemas Activity, AgendaItem, Agenda, Week) ---------------------------------

def activity_json(a: ActivityView) -> dict:
    return {"id": a.id, "kind": a.kind, "subject": a.subject, "partner_id": a.partner_id,
            "partner_name": a.partner_name, "opportunity_id": a.opportunity_id,
            "opportunity_title": a.opportunity_title, "owner": a.owner, "owner_name": a.owner_name,
            "starts_at": when(a.starts_at), "ends_at": when(a.ends_at), "duration_minutes": a.duration_minutes,
            "status": a.status, "outcome": a.outcome, "notes": a.notes, "overdue": a.overdue,
            "may_edit": a.may_edit, "sequence": a.sequence, "done_at": when(a.done_at),
            "created_by": a.created_by, "created_at": when(a.created_at), "updated_at": when(a.updated_at)}


def item_json(i: AgendaItem) -> dict:
    return {"source": i.source, "ref": i.ref, "title": i.title, "kind": i.kind, "at": when(i.at),
            "ends_at": when(i.ends_at), "owner": i.owner, "partner_id": i.partner_id, "partner_name": i.partner_name,
            "opportunity_id": i.opportunity_id, "opportunity_title": i.opportunity_title, "status": i.status,
            "overdue": i.overdue}


def agenda_json(view: AgendaView) -> dict:
    return {"user": view.username, "zone": view.zone, "today": view.today.isoformat(),
            "overdue": [item_json(i) for i in view.overdue],
            "days": [{"day": d.day.isoformat(), "items": [item_json(i) for i in d.items]} for d in view.days]}


def week_json(view: WeekView) -> dict:
    return {"start": view.start.isoformat(), "zone": view.zone, "user": view.user, "team": view.team,
            "days": [d.isoformat() for d in view.dates],
            "rows": [{"user": r.username, "display_name": r.display_name,
                      "days": [[item_json(i) for i in day] for day in r.days]} for r in view.rows]}
