"""The company's time zone (an IANA name, e.g. Europe/Warsaw; default UTC), which
decides on which day — and so in which forecast period — a moment such as a won
deal's close falls: a deal won at 23:30 UTC on 31 March is a 1 April win in
Warsaw, and counts in Q2 there. Storage stays UTC; only the day is local."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from engine.errors import FormError

DEFAULT = "UTC"


def zone_name(value: object) -> str:
    """A known IANA time zone's name (stripped); FormError otherwise."""
    text = value.strip() if isinstance(value, str) else ""
    if text:
        try:
            if "/" in text or text == DEFAULT:  # not "EST" and the like, whose meaning has changed
                ZoneInfo(text)
                return text
        except (ZoneInfoNotFoundError, ValueError):
            pass
    shown = text[:40] if text else "that"
    raise FormError({"time_zone": f"'{shown}' is not a time zone; give an IANA name such as Europe/Warsaw or UTC"})


def local_day(moment: datetime, zone: str) -> date:
    """The company's calendar day of a UTC moment."""
    return moment.astimezone(ZoneInfo(zone)).date()


def day_start(day: date, zone: str) -> datetime:
    """The UTC moment the company's ``day`` begins (for a query's bounds)."""
    return datetime.combine(day, time(), tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)
