"""A user's calendar as RFC 5545 text, written by the ``icalendar`` library (pure).

Every planned, done or cancelled activity and every dated inbox task becomes a
VEVENT (not a VTODO: Outlook drops VTODOs of subscribed calendars, and Google shows
none):

    UID            activity-<id>@dealflow / task-<id>@dealflow: the same across moves,
                   so a client updates the event instead of adding another
    SEQUENCE       the activity's move count (0 for a task)
    DTSTAMP,       when the activity last changed (a task: when it was created), so a
    LAST-MODIFIED  client sees that a moved one is newer
    DTSTART/DTEND  in UTC; a task is a TASK_MINUTES slot ending at its due time
    STATUS         CONFIRMED; CANCELLED for a cancelled activity (clients remove it)
    SUMMARY        "Call: Follow up on the offer" / "Due: Qualify the lead"
    DESCRIPTION    the partner, the deal, notes and outcome; URL the page to open

Free text (subjects, notes, partner names) goes through the library's escaping, so
a comma, semicolon or newline in it cannot start a property of its own.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Iterable

from icalendar import Calendar, Event

from engine.views.activities import ACTIVITY_KINDS, ActivityView, AgendaItem

PRODUCT = "-//Dealflow//Calendar feed//EN"
DOMAIN = "dealflow"
TASK_MINUTES = 30
KIND_LABELS = dict(ACTIVITY_KINDS)


def activity_uid(activity_id: int) -> str:
    return f"activity-{activity_id}@{DOMAIN}"


def task_uid(task_id: str) -> str:
    return f"task-{task_id}@{DOMAIN}"


def ics(owner_name: str, activities: Iterable[ActivityView], tasks: Iterable[AgendaItem], *, now: datetime,
        base_url: str = "") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Dealflow: {owner_name}")
    calendar.add("x-published-ttl", "PT1H")  # a hint; Google and Outlook poll on their own schedule
    base = base_url.rstrip("/")
    for activity in activities:
        calendar.add_component(_activity_event(activity, base))
    for task in tasks:
        calendar.add_component(_task_event(task, now, base))
    return calendar.to_ical()


def _activity_event(a: ActivityView, base: str) -> Event:
    event = Event()
    changed = _utc(a.updated_at or a.created_at or a.starts_at)
    event.add("uid", activity_uid(a.id))
    event.add("sequence", a.sequence)
    event.add("dtstamp", changed)
    event.add("last-modified", changed)
    event.add("dtstart", _utc(a.starts_at))
    event.add("dtend", _utc(a.ends_at))
    event.add("summary", f"{KIND_LABELS.get(a.kind, a.kind)}: {a.subject}")
    event.add("status", "CANCELLED" if a.status == "cancelled" else "CONFIRMED")
    lines = [f"Partner: {a.partner_name}"]
    if a.opportunity_title:
        lines.append(f"Deal: {a.opportunity_title}")
    if a.status == "done" and a.outcome:
        lines.append(f"Outcome: {a.outcome}")
    if a.notes:
        lines += ["", a.notes]
    url = _url(base, f"/partners/{a.partner_id}" if a.opportunity_id is None else f"/opportunities/{a.opportunity_id}")
    if url:
        lines += ["", url]
        event.add("url", url)
    event.add("description", "\n".join(lines))
    event.add("categories", [KIND_LABELS.get(a.kind, a.kind)])
    return event


def _task_event(t: AgendaItem, now: datetime, base: str) -> Event:
    event = Event()
    due = _utc(t.at)
    event.add("uid", task_uid(t.ref))
    event.add("sequence", 0)
    event.add("dtstamp", _utc(now))
    event.add("dtstart", due - timedelta(minutes=TASK_MINUTES))
    event.add("dtend", due)
    event.add("summary", f"Due: {t.title}")
    event.add("status", "CONFIRMED")
    lines = []
    if t.partner_name:
        lines.append(f"Partner: {t.partner_name}")
    if t.opportunity_title:
        lines.append(f"Deal: {t.opportunity_title}")
    url = _url(base, f"/tasks/{t.ref}")
    if url:
        lines += ["", url]
        event.add("url", url)
    event.add("description", "\n".join(lines))
    event.add("categories", ["Suggested activity" if t.kind == "suggested" else "Task"])
    return event


def _url(base: str, path: str) -> str | None:
    return f"{base}{path}" if base else None


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc)
