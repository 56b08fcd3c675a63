"""A deal's expected close date (M15): the default a new deal gets, and the dates a
person may give. Pure.

The default is the day the deal opens plus the methodology's typical cycle
(``forecast.typical_cycle_days`` in the stage table) when it has one, else the
last day of the fiscal quarter the deal opens in (the company's fiscal calendar,
engine.rules.periods) — where a forecast would put a deal nobody has dated yet. A
given date may not lie before the day the deal opened, nor more than ``MAX_YEARS_AHEAD`` years after it (a typo such as 20270
would otherwise push a deal out of every forecast unnoticed).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from engine.errors import FormError
from engine.rules import periods

FIELD = "expected_close_date"
MAX_YEARS_AHEAD = 10


def end_of_quarter(day: date) -> date:
    first_of_next = date(day.year + (day.month > 9), (((day.month - 1) // 3 + 1) * 3) % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def default_close_date(opened: date, typical_cycle_days: int | None,
                       fiscal_start: int = periods.DEFAULT_START_MONTH) -> date:
    if typical_cycle_days:
        return opened + timedelta(days=typical_cycle_days)
    return periods.period_of(opened, "quarter", fiscal_start).last_day


def parse(value: object, opened: date, field: str = FIELD) -> date:
    """The date a person gave (a date, or ``YYYY-MM-DD`` text), checked against the
    day the deal opened; FormError on ``field`` otherwise."""
    if isinstance(value, datetime):
        raise FormError({field: "give a day (YYYY-MM-DD), not a moment"})
    if isinstance(value, date):
        day = value
    elif isinstance(value, str) and value.strip():
        try:
            day = date.fromisoformat(value.strip()[:20])
        except ValueError:
            raise FormError({field: f"'{value.strip()[:20]}' is not a day; write it as YYYY-MM-DD"}) from None
    else:
        raise FormError({field: "give the day the deal is expected to close, as YYYY-MM-DD"})
    if day < opened:
        raise FormError({field: f"{day.isoformat()} is before the deal opened ({opened.isoformat()})"})
    if day.year > opened.year + MAX_YEARS_AHEAD:
        raise FormError({field: f"{day.isoformat()} is more than {MAX_YEARS_AHEAD} years after the deal opened"})
    return day


def opening_close_date(given: object, opened: date, typical_cycle_days: int | None,
                       fiscal_start: int = periods.DEFAULT_START_MONTH) -> date:
    """A new deal's expected close date: the one given (checked), else the default."""
    if given is None or (isinstance(given, str) and not given.strip()):
        return default_close_date(opened, typical_cycle_days, fiscal_start)
    return parse(given, opened)
