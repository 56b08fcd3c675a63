"""Activities and calendars, the pure part (M9, M12): the kinds of activity, what a
planned or recorded one must look like, who may see and change one, and week
arithmetic in the viewer's time zone.

    kind        call, meeting, email, visit, task
    subject     required text, at most MAX_SUBJECT characters
    starts_at   an aware datetime, or ISO text: with an offset ("2026-12-07T10:00+01:00")
                or without one, read in the viewer's zone ("2026-12-07T10:00")
    duration    whole minutes, 1..MAX_DURATION (a day)
    outcome     at most MAX_OUTCOME characters (the column's size)
    notes       at most MAX_NOTES characters

Weeks start on Monday in the viewer's zone (an IANA name; UTC when unknown): a day's
items are those whose moment falls between that day's local midnights, which are
23 or 25 hours apart on the days the clocks change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from engine.errors import FormError
from engine.rules import inputs, policy
from engine.views.activities import ACTIVITY_KINDS

KINDS = tuple(kind for kind, _ in ACTIVITY_KINDS)
KIND_LABELS = dict(ACTIVITY_KINDS)
STATUSES = ("planned", "done", "cancelled")

MAX_SUBJECT = 300     # activities.subject
MAX_OUTCOME = 300     # activities.outcome
MAX_NOTES = 10_000    # activities.notes (a text column; a page shows it whole)
MAX_DURATION = 1440   # minutes: one day
DEFAULT_DURATION = 30
MAX_AGENDA_DAYS = 31
MAX_MOMENT_TEXT = 40

KIND_EXPECTED = f"choose one of: {', '.join(KINDS)}"
DURATION_EXPECTED = f"enter whole minutes from 1 to {MAX_DURATION}"
MOMENT_EXPECTED = "enter a date and time such as 2026-12-07T10:00 (with its offset, e.g. +01:00)"
NAIVE_REFUSED = "give the time with its time zone (an aware datetime)"

_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_WHOLE = re.compile(r"[0-9]{1,6}")


# --- input ----------------------------------------------------------------------------

@dataclass(frozen=True)
class PlannedActivity:
    """A new activity's typed-in values, checked."""

    kind: str
    subject: str
    starts_at: datetime  # UTC
    duration_minutes: int
    notes: str


def kind(value: object, field: str = "kind") -> str:
    if not isinstance(value, str) or value.strip().lower() not in KINDS:
        raise FormError({field: KIND_EXPECTED})
    return value.strip().lower()


def duration(value: object, field: str = "duration_minutes") -> int:
    """Whole minutes from 1 to MAX_DURATION: an int or ASCII digits."""
    number: object = None
    if isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
        number = int(value.strip())
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    if number is None or not 1 <= number <= MAX_DURATION:  # type: ignore[operator]
        raise FormError({field: DURATION_EXPECTED})
    return number  # type: ignore[return-value]


def moment(value: object, field: str = "starts_at", *, zone: str | None = None) -> datetime:
    """An aware moment in UTC. Text without an offset is read in ``zone``; without a
    zone, or a naive datetime, it is refused: a calendar must not guess the hour."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise FormError({field: NAIVE_REFUSED})
        return value.astimezone(timezone.utc)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise FormError({field: inputs.REQUIRED})
    if not isinstance(value, str) or len(value) > MAX_MOMENT_TEXT or not _MOMENT.fullmatch(value.strip()):
        raise FormError({field: MOMENT_EXPECTED})
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise FormError({field: MOMENT_EXPECTED}) from None
    if parsed.tzinfo is None:
        if zone is None:
            raise FormError({field: NAIVE_REFUSED})
        parsed = parsed.replace(tzinfo=zone_of(zone))
    return parsed.astimezone(timezone.utc)


def planned(*, kind: object, subject: object, starts_at: object, duration_minutes: object,
            notes: object = "", zone: str | None = None) -> PlannedActivity:
    """What plan_activity (and log_done_activity) may take; one FormError naming
    every field that does not fit."""
    fields = inputs.Fields()
    values = dict(
        kind=fields.check(_kind, kind),
        subject=fields.check(inputs.text, subject, "subject", limit=MAX_SUBJECT),
        starts_at=fields.check(moment, starts_at, "starts_at", zone=zone),
        duration_minutes=fields.check(duration, duration_minutes),
        notes=fields.check(inputs.text, notes, "notes", limit=MAX_NOTES, required=False) or "")
    fields.done()
    return PlannedActivity(**values)


_kind = kind  # for planned(), whose argument has the same name


def outcome_and_notes(outcome: object, notes: object) -> tuple[str, str]:
    """What record_activity_outcome takes: the outcome (required) and notes."""
    fields = inputs.Fields()
    clean_outcome = fields.check(inputs.text, outcome, "outcome", limit=MAX_OUTCOME)
    clean_notes = fields.check(inputs.text, notes, "notes", limit=MAX_NOTES, required=False)
    fields.done()
    return clean_outcome or "", clean_notes or ""


def agenda_days(value: object) -> int:
    """How many days an agenda shows: 1..MAX_AGENDA_DAYS."""
    if isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_AGENDA_DAYS:
        raise FormError({"days": f"enter a whole number of days from 1 to {MAX_AGENDA_DAYS}"})
    return value


def day(value: object, field: str = "start") -> date:
    """A calendar day written YYYY-MM-DD (or a date)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DAY.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise FormError({field: "enter a day such as 2026-12-07"})


# --- time zones and weeks ---------------------------------------------------------------

def zone_of(name: str | None) -> tzinfo:
    """The IANA zone ``name``; UTC for None, "UTC" or a name that is no zone."""
    if not name or name == "UTC" or len(name) > 64:
        return timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder such as 'America'
        return timezone.utc


def local_day(moment_: datetime, zone: tzinfo) -> date:
    return moment_.astimezone(zone).date()


def day_start(day_: date, zone: tzinfo) -> datetime:
    """The local midnight that starts ``day_``, in UTC."""
    return datetime.combine(day_, time(0), tzinfo=zone).astimezone(timezone.utc)


def week_start(day_: date) -> date:
    """The Monday of ``day_``'s week."""
    return day_ - timedelta(days=day_.weekday())


def span(first: date, days: int, zone: tzinfo) -> tuple[datetime, datetime]:
    """[start, end) in UTC of ``days`` local days from ``first``."""
    return day_start(first, zone), day_start(first + timedelta(days=days), zone)


def ends_at(starts_at: datetime, minutes: int) -> datetime:
    return starts_at + timedelta(minutes=minutes)


def is_overdue(status: str, ends: datetime, now: datetime) -> bool:
    """A planned activity whose end has passed and nobody recorded."""
    return status == "planned" and ends <= now


# --- who may ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Person:
    """A user whose activities, agenda or week are asked for: their id and teams."""

    user_id: int
    team_ids: frozenset[int] = frozenset()
    managed_team_ids: frozenset[int] = frozenset()  # teams they manage (for the actor)


def may_see_calendar_of(actor: policy.Actor, managed_team_ids: frozenset[int], person: Person) -> bool:
    """A user's agenda, week and activities: the user, a manager of one of their
    teams, an admin (not a designer: activities name partners, and designers see
    no partner)."""
    return (actor.role is policy.Role.ADMIN or actor.user_id == person.user_id
            or bool(managed_team_ids & person.team_ids))


def may_see_team_calendar(actor: policy.Actor, managed_team_ids: frozenset[int], team_id: int) -> bool:
    """A team's week: its manager, an admin."""
    return actor.role is policy.Role.ADMIN or team_id in managed_team_ids


def may_plan_for(actor: policy.Actor, managed_team_ids: frozenset[int], owner: Person) -> bool:
    """Give an activity to ``owner``: oneself, or as a manager of one of their teams,
    or as an admin."""
    return actor.role is policy.Role.ADMIN or actor.user_id == owner.user_id or bool(
        managed_team_ids & owner.team_ids)


def may_edit_activity(actor: policy.Actor, managed_team_ids: frozenset[int], owner: Person,
                      created_by_id: int | None) -> bool:
    """Move, record or cancel an activity: its owner, whoever planned it, a manager
    of one of the owner's teams, an admin."""
    return (actor.role is policy.Role.ADMIN or actor.user_id in (owner.user_id, created_by_id)
            or bool(managed_team_ids & owner.team_ids))
