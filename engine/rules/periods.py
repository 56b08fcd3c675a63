"""Forecast and quota periods on the company's fiscal calendar (M14, M15): a month, a
quarter or a fiscal year, the period a day falls in, a period's bounds, and the
names people write ("2027-03", "2027-Q1", "FY2027").

The fiscal year starts on the first day of ``start_month`` (1 = January, the
default; the setting is stored by engine.store.settings and set by an admin with
``dealflow fiscal-year START_MONTH``). A fiscal year is named after the calendar
year it *ends* in (Salesforce's default): with an April start, FY2027 runs from
1 April 2026 to 31 March 2027, and 2027-Q1 is April to June 2026. Months are
calendar months ("2027-03" is March 2027 whatever the fiscal year).

Quotas store a period by its kind and its first and last day, not by its name, so
changing the fiscal year's start later loses nothing (SugarCRM cannot change its
periods without losing forecast data): stored quotas keep their days, and the new
calendar's periods simply find those whose days they match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from engine.errors import FormError

KINDS = ("month", "quarter", "year")
DEFAULT_START_MONTH = 1
# a period's end day, and the end of the period after it (pages link to the next
# one), must still be dates: FY9998 would end on 10000-01-01
MIN_YEAR, MAX_YEAR = 1900, 9997
EXAMPLES = "write a month as 2027-03, a quarter as 2027-Q1, a fiscal year as FY2027"

_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_QUARTER = re.compile(r"([0-9]{4})-?Q([1-4])", re.IGNORECASE)
_YEAR = re.compile(r"FY ?([0-9]{4})", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Period:
    """``start`` is the first day, ``end`` the first day after (half-open, so that
    periods tile without gaps); ``name`` as people write it."""

    start: date
    end: date
    kind: str
    name: str

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end


def start_month(value: object) -> int:
    """A fiscal year's first month, 1 to 12; FormError otherwise."""
    text = str(value).strip() if value is not None else ""
    if not text.isdigit() or not 1 <= int(text) <= 12:
        raise FormError({"start_month": "enter the fiscal year's first month as a number from 1 to 12"})
    return int(text)


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _first(year: int, month: int) -> date:
    return date(year, month, 1)


def fiscal_year_of(day: date, start: int = DEFAULT_START_MONTH) -> int:
    """The fiscal year ``day`` falls in, named after the calendar year it ends in."""
    return day.year + 1 if start != 1 and day.month >= start else day.year


def fiscal_year(number: int, start: int = DEFAULT_START_MONTH) -> Period:
    first = _first(number - 1 if start != 1 else number, start)
    year, month = _add_months(first.year, first.month, 12)
    return Period(first, _first(year, month), "year", f"FY{number}")


def quarter(number: int, q: int, start: int = DEFAULT_START_MONTH) -> Period:
    """Quarter ``q`` (1-4) of fiscal year ``number``."""
    begin = fiscal_year(number, start).start
    year, month = _add_months(begin.year, begin.month, 3 * (q - 1))
    end_year, end_month = _add_months(year, month, 3)
    return Period(_first(year, month), _first(end_year, end_month), "quarter", f"{number}-Q{q}")


def month(year: int, number: int) -> Period:
    end_year, end_month = _add_months(year, number, 1)
    return Period(_first(year, number), _first(end_year, end_month), "month", f"{year}-{number:02d}")


def period_of(day: date, kind: str, start: int = DEFAULT_START_MONTH) -> Period:
    """The month, quarter or fiscal year ``day`` falls in."""
    if kind == "month":
        return month(day.year, day.month)
    number = fiscal_year_of(day, start)
    if kind == "year":
        return fiscal_year(number, start)
    if kind == "quarter":
        months_in = (day.month - start) % 12
        return quarter(number, months_in // 3 + 1, start)
    raise FormError({"kind": f"'{kind}' is not a period; use one of: {', '.join(KINDS)}"})


def parse(text: object, start: int = DEFAULT_START_MONTH, field: str = "period") -> Period:
    """"2027-03", "2027-Q1" (also 2027Q1) or "FY2027" on the calendar starting in ``start``."""
    value = str(text).strip() if isinstance(text, (str, int)) else ""
    digits = re.search(r"[0-9]{4}", value)
    if digits and not MIN_YEAR <= int(digits.group()) <= MAX_YEAR:
        raise FormError({field: f"'{value[:20]}': write a year from {MIN_YEAR} to {MAX_YEAR}"})
    if m := _MONTH.fullmatch(value):
        if not 1 <= int(m.group(2)) <= 12:
            raise FormError({field: f"'{value}' has no such month; {EXAMPLES}"})
        return month(int(m.group(1)), int(m.group(2)))
    if m := _QUARTER.fullmatch(value):
        return quarter(int(m.group(1)), int(m.group(2)), start)
    if m := _YEAR.fullmatch(value):
        return fiscal_year(int(m.group(1)), start)
    shown = value[:20] + ("…" if len(value) > 20 else "")
    raise FormError({field: f"'{shown}' is not a period; {EXAMPLES}" if value else f"enter a period; {EXAMPLES}"})


def shift(period: Period, steps: int, start: int = DEFAULT_START_MONTH) -> Period:
    """The period ``steps`` periods of the same kind after (negative: before) ``period``."""
    if period.kind == "month":
        year, number = _add_months(period.start.year, period.start.month, steps)
        return month(year, number)
    months = {"quarter": 3, "year": 12}[period.kind]
    year, number = _add_months(period.start.year, period.start.month, steps * months)
    return period_of(date(year, number, 1), period.kind, start)


def same_days(a: Period, start_day: date, end_day: date) -> bool:
    """Whether ``a`` covers exactly the days [start_day, end_day) — how a stored quota
    finds its period on the calendar in force."""
    return a.start == start_day and a.end == end_day
