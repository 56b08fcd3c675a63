"""Timer values as modelers write them, turned into the ISO 8601 text SpiffWorkflow parses.

Pure: no SpiffWorkflow here, so validation and the script engine share every rule.

A ``timeDuration``, ``timeDate`` or ``timeCycle`` body is either *bare* — an ISO 8601
duration (``PT5M``), date-time (``2026-12-01T10:00:00Z``) or repeating interval
(``R3/PT10M``) written without quotes, or a cron expression (``0 0/5 * * * ?``) —
or an expression (``"PT5M"``, ``${reminder_delay}``, ``f'P{days}D'``) whose value is
one of those. ``timer_text`` gives the text SpiffWorkflow's timer parsing accepts:
date-times without a zone are read as UTC (SpiffWorkflow would use the server's local
zone), and a cron expression becomes an endless ISO cycle starting at its next firing.

Cron: Quartz (``sec min hour day month weekday [year]``, as Camunda writes it) or
five-field Unix cron, read in UTC. Only schedules that repeat at a fixed interval have
an ISO 8601 equivalent — every N seconds, minutes or hours (N dividing 60 or 24),
daily or weekly at one time — so those run and the rest are refused with a message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

__all__ = ["PARTS", "TimerValueError", "is_bare", "timer_text", "value_problem"]

PARTS = ("timeDuration", "timeDate", "timeCycle")

_DURATION = re.compile(
    r"P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:[.,]\d+)?)S)?)?")
_DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,6})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?")
_CYCLE = re.compile(r"R(?P<count>\d*)/(?P<first>[^/\s]+)(?:/(?P<second>[^/\s]+))?")

_EXAMPLES = ('ISO 8601 duration ("P3D", "PT5M"), date-time ("2026-12-01T10:00:00Z") '
             'or cycle ("R3/PT10M")')


class TimerValueError(ValueError):
    """A timer value that is not what its timer part needs; the message says what to write."""

    @property
    def message(self) -> str:
        return str(self.args[0])


# --- recognising text ------------------------------------------------------------------

def _is_duration(text: str) -> bool:
    match = _DURATION.fullmatch(text)
    if match is None:
        return False
    # SpiffWorkflow refuses weeks mixed with years, months or days.
    return not (match["weeks"] and (match["years"] or match["months"] or match["days"]))


def _date_time(text: str) -> datetime | None:
    if not _DATE_TIME.fullmatch(text):
        return None
    try:
        value = datetime.fromisoformat(text.replace(",", "."))
    except ValueError:
        return None
    return _utc(value)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def _cycle(text: str) -> tuple[int | None, str | None, str | None, str | None] | None:
    """(count or None for forever, start, duration, end) of ``R[n]/…``; None if not a cycle."""
    match = _CYCLE.fullmatch(text)
    if match is None:
        return None
    count = int(match["count"]) if match["count"] else None
    first, second = match["first"], match["second"]
    if second is None:
        return (count, None, first, None) if _is_duration(first) else None
    if _date_time(first) and _is_duration(second):
        return count, first, second, None
    if _is_duration(first) and _date_time(second):
        return count, None, first, second
    return None


def is_bare(text: str) -> bool:
    """Whether a timer body is a value written as is (ISO 8601 or cron) rather than an
    expression. ``PT5M`` is a valid variable name too; the ISO reading wins."""
    text = text.strip()
    return bool(_is_duration(text) or _date_time(text) or _CYCLE.fullmatch(text) or _is_cron(text))


# --- checking and normalising values ------------------------------------------------------

def value_problem(value: str, part: str) -> str | None:
    """Why the text ``value`` cannot be the value of a ``part`` timer, or None."""
    try:
        timer_text(value, part, datetime(2000, 1, 1, tzinfo=timezone.utc))
    except TimerValueError as err:
        return err.message
    return None


def timer_text(value: object, part: str, now: datetime) -> str:
    """The ISO 8601 text SpiffWorkflow parses for a ``part`` timer whose body gave
    ``value`` (text, a date-time, a date or a duration). Raises TimerValueError."""
    if isinstance(value, datetime):
        value = _utc(value).isoformat()
    elif isinstance(value, date):
        value = datetime.combine(value, time(), timezone.utc).isoformat()
    elif isinstance(value, timedelta):
        value = _iso_duration(value)
    if not isinstance(value, str):
        raise TimerValueError(f"the timer's value is {_kind(value)}, not ISO 8601 text such as "
                              '"PT5M" or "2026-12-01T10:00:00Z"')
    text = value.strip()
    if _is_cron(text):
        if part != "timeCycle":
            raise TimerValueError(f"{text!r} is a cron expression, which only a timeCycle may hold; "
                                  f"a {part} needs {_NEEDS[part]}")
        return cron_cycle(text, now)
    upper = text.upper()
    if _is_duration(upper):
        if part == "timeDuration":
            return upper
        raise TimerValueError(_wrong_kind(text, "a duration", part))
    moment = _date_time(upper)
    if moment is not None:
        if part == "timeDate":
            return moment.isoformat()
        raise TimerValueError(_wrong_kind(text, "a date-time", part))
    cycle = _cycle(upper)
    if cycle is not None:
        if part != "timeCycle":
            raise TimerValueError(_wrong_kind(text, "a repeating cycle", part))
        return _cycle_text(text, *cycle, now=_utc(now))
    if upper.startswith("R") and "/" in upper:
        raise TimerValueError(f"{text!r} is not an ISO 8601 cycle: write R3/PT10M (three times, every 10 "
                              "minutes), R/PT1H (every hour, forever) or R3/2026-12-01T10:00:00Z/PT1H "
                              "(three times from that moment)")
    raise TimerValueError(f"{text!r} is not an {_EXAMPLES}")


_NEEDS = {
    "timeDuration": 'a duration such as "PT5M" or "P3D"',
    "timeDate": 'a date-time such as "2026-12-01T10:00:00Z"',
    "timeCycle": 'a repeating cycle such as "R3/PT10M" (three times) or "R/PT1H" (forever)',
}


def _wrong_kind(text: str, what: str, part: str) -> str:
    hint = ""
    if part == "timeCycle" and what == "a duration":
        hint = f"; to repeat it write R/{text.upper()} (forever) or R3/{text.upper()} (three times)"
    return f"{text!r} is {what}, but a {part} needs {_NEEDS[part]}{hint}"


def _cycle_text(text: str, count: int | None, start: str | None, duration: str, end: str | None, *,
                now: datetime) -> str:
    """The cycle as SpiffWorkflow parses it. A start already past moves to the first
    firing from ``now`` on, the missed firings counted as spent (as Camunda does), so
    a worker never replays months of reminders one transaction at a time."""
    if count == 0:
        raise TimerValueError(f"{text!r} repeats zero times, so it never fires: write R1/… or more")
    period = _fixed_length(duration)
    if period is not None and period <= timedelta(0):
        raise TimerValueError(f"{text!r} repeats every {duration}, which is no time at all: write a longer "
                              "interval, e.g. R/PT5M")
    if start is not None:
        first = _date_time(start)
        if period is not None and first < now:
            missed = -((first - now) // period)  # firings strictly before now
            first += missed * period
            if count is not None:
                count -= missed
                if count <= 0:
                    raise TimerValueError(f"every firing of {text!r} is in the past; move its start "
                                          "or write R/… to repeat from now on")
        head = "R" if count is None else f"R{count}"
        return f"{head}/{first.isoformat()}/{duration}"
    head = "R" if count is None else f"R{count}"
    if end is not None:
        return f"{head}/{duration}/{_date_time(end).isoformat()}"
    return f"{head}/{duration}"


def _fixed_length(duration: str) -> timedelta | None:
    """The length of a duration without years or months (which vary), else None."""
    match = _DURATION.fullmatch(duration)
    if match is None or match["years"] or match["months"]:
        return None
    return timedelta(weeks=int(match["weeks"] or 0), days=int(match["days"] or 0),
                     hours=int(match["hours"] or 0), minutes=int(match["minutes"] or 0),
                     seconds=float((match["seconds"] or "0").replace(",", ".")))


def _iso_duration(value: timedelta) -> str:
    if value < timedelta(0):
        raise TimerValueError(f"the timer's duration is negative ({value})")
    hours, rest = divmod(value.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    second_text = f"{seconds}.{value.microseconds:06d}".rstrip("0") if value.microseconds else str(seconds)
    clock = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + \
        (f"{second_text}S" if seconds or value.microseconds else "")
    text = "P" + (f"{value.days}D" if value.days else "") + (f"T{clock}" if clock else "")
    return text if text != "P" else "PT0S"


def _kind(value: object) -> str:
    if value is None:
        return "empty (None)"
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, (int, float)) or type(value).__name__ == "Decimal":
        return f"the number {value}"
    return {list: "a list", dict: "a record", tuple: "a list"}.get(type(value), type(value).__name__)


# --- cron --------------------------------------------------------------------------

_NAMES = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT",
          "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}
_CRON_FIELD = re.compile(r"[0-9A-Za-z*?/,#-]+")
_DAYS = {"MON": 0, "TUE": 1, "WED": 2, "THU": 3, "FRI": 4, "SAT": 5, "SUN": 6}
_FIXED_INTERVAL_HINT = (
    "Dealflow runs cron schedules that repeat at a fixed interval — every N seconds, minutes or "
    "hours, or daily or weekly at one time (UTC); write an ISO 8601 cycle instead, e.g. R/PT5M "
    "(every 5 minutes) or R/2026-12-01T09:00:00Z/P1D (daily at 09:00 UTC)")


def _is_cron(text: str) -> bool:
    fields = text.split()
    if not 5 <= len(fields) <= 7 or not all(_CRON_FIELD.fullmatch(f) for f in fields):
        return False
    if not any(re.search(r"[\d*?]", f) for f in fields):
        return False
    words = {w.upper() for f in fields for w in re.findall(r"[A-Za-z]+", f)}
    return words <= _NAMES | {"L", "W", "LW"}


@dataclass(frozen=True)
class _Field:
    kind: str  # "every", "step", "single"
    value: int = 0  # the single value, or a step's start
    step: int = 1


def cron_cycle(text: str, now: datetime) -> str:
    """The endless ISO 8601 cycle firing when the cron ``text`` does, from after ``now``."""
    fields = text.split()
    quartz = len(fields) >= 6
    if not quartz:
        fields = ["0", *fields]
    if len(fields) == 7 and fields[6] not in ("*", "?"):
        raise TimerValueError(f"the cron expression {text!r} names years; {_FIXED_INTERVAL_HINT}")
    second, minute, hour = (_time_field(text, f, size, name) for f, size, name in
                            ((fields[0], 60, "seconds"), (fields[1], 60, "minutes"), (fields[2], 24, "hours")))
    for raw, what in ((fields[3], "days of the month"), (fields[4], "months")):
        if not _is_every(raw, 1):
            raise TimerValueError(f"the cron expression {text!r} does not repeat at a fixed interval "
                                  f"(it picks {what}); {_FIXED_INTERVAL_HINT}")
    weekday = _weekday(text, fields[5], quartz)
    clock = [hour, minute, second]
    units = [3600, 60, 1]
    moving = [i for i, f in enumerate(clock) if f.kind != "single"]
    last = moving[-1] if moving else -1
    if any(clock[i].kind != "every" for i in range(last)):
        raise TimerValueError(f"the cron expression {text!r} does not repeat at a fixed interval "
                              f"(it repeats only within some hours or minutes); {_FIXED_INTERVAL_HINT}")
    if weekday is not None and last != -1:
        raise TimerValueError(f"the cron expression {text!r} does not repeat at a fixed interval "
                              f"(it repeats only on one weekday); {_FIXED_INTERVAL_HINT}")
    parts = [f.value if i >= last else 0 for i, f in enumerate(clock)]
    anchor = datetime(2000, 1, 1, *parts, tzinfo=timezone.utc)  # a Saturday
    if last == -1:
        period = timedelta(days=7 if weekday is not None else 1)
        if weekday is not None:
            anchor += timedelta(days=(weekday - anchor.weekday()) % 7)
    else:
        period = timedelta(seconds=units[last] * clock[last].step)
    now = _utc(now)
    passed = (now - anchor) // period + 1
    first = anchor + passed * period
    return f"R/{first.isoformat()}/{_iso_duration(period)}"


def _is_every(raw: str, first: int) -> bool:
    return raw in ("*", "?", "*/1", f"{first}/1")


def _time_field(text: str, raw: str, size: int, name: str) -> _Field:
    if _is_every(raw, 0):
        return _Field("every")
    if raw.isdigit():
        if int(raw) >= size:
            raise TimerValueError(f"the cron expression {text!r} has {name} {raw}; the largest is {size - 1}")
        return _Field("single", int(raw))
    step = re.fullmatch(r"(\*|\d+)/(\d+)", raw)
    if step:
        start = 0 if step[1] == "*" else int(step[1])
        n = int(step[2])
        if n > 0 and size % n == 0 and start < n:
            return _Field("step", start, n)
        raise TimerValueError(f"the cron expression {text!r} does not repeat at a fixed interval ({name} "
                              f"'{raw}' restarts unevenly every {'hour' if size == 60 else 'day'}); "
                              f"{_FIXED_INTERVAL_HINT}")
    raise TimerValueError(f"the cron expression {text!r} does not repeat at a fixed interval ({name} "
                          f"'{raw}' is a list or range); {_FIXED_INTERVAL_HINT}")


def _weekday(text: str, raw: str, quartz: bool) -> int | None:
    """Python's weekday (Monday 0) of a single-day weekday field; None for every day."""
    if raw in ("*", "?"):
        return None
    name = raw.upper()
    if name in _DAYS:
        return _DAYS[name]
    if raw.isdigit():
        number = int(raw)
        if quartz and 1 <= number <= 7:  # Quartz: 1 is Sunday
            return (number - 2) % 7
        if not quartz and 0 <= number <= 7:  # Unix: 0 and 7 are Sunday
            return (number - 1) % 7
    raise TimerValueError(f"the cron expression {text!r} does not repeat at a fixed interval (weekdays "
                          f"'{raw}'); {_FIXED_INTERVAL_HINT}")


def fixed_length(duration: str) -> timedelta | None:
    """How long an ISO 8601 duration is (P3D, PT4H), or None when it has years or
    months (their length varies) or is not a duration: for moving a virtual clock."""
    return _fixed_length(duration.strip())
