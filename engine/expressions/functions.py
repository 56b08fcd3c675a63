"""The functions an expression may call: the whole vocabulary, nothing more.

Each entry is a plain Python function over plain values. The interpreter calls them
by name from ``FUNCTIONS``; the callables themselves are never handed to an
expression, so there is nothing to introspect. ``docs/expressions.md`` documents
every name here, with an example.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Callable
from zoneinfo import ZoneInfo

from engine.expressions.limits import check_item_count, check_sized, check_text_length
from engine.expressions.list_functions import LIST_FUNCTIONS
from engine.expressions.values import decimal_to_int, is_number, kind, to_decimal

UTC = dt.timezone.utc

# The moment now() and today() read. The runtime sets it for each workflow step
# (engine.runtime.clock.frozen_now), so a timer computed as now() + days(3) and a
# gateway reading today() see the step's time, like SpiffWorkflow's timers do;
# outside a step it is the wall clock. now() gives it as it is: an aware UTC instant.
CURRENT_TIME: ContextVar[dt.datetime | None] = ContextVar("dealflow_expression_now", default=None)

# The company's time zone (an IANA name) whose calendar today() reads, and whose
# midnight datetime(date) gives: at 23:30 UTC on 31 December a Warsaw company's today()
# is 1 January, and datetime(today()) is 23:00 UTC on 31 December. Set by the caller
# (engine.runtime.clock.company_zone) as the name, or as a function giving it that is
# asked only when an expression calls today() or datetime(date) (the service's reads
# the company's settings once per use case, so a step that never asks pays no read);
# UTC by default.
COMPANY_ZONE: ContextVar[str | Callable[[], str]] = ContextVar("dealflow_expression_zone", default="UTC")


# The user a workflow step runs for (the runtime sets it: the one who opened the deal or
# completed the task); None when the step runs unattended (a timer, a worker, a message).
CURRENT_USER: ContextVar[str | None] = ContextVar("dealflow_expression_user", default=None)


def _current_user() -> dict | None:
    user = CURRENT_USER.get()
    return {"username": user} if user is not None else None


def _now() -> dt.datetime:
    fixed = CURRENT_TIME.get()
    return fixed if fixed is not None else dt.datetime.now(UTC)


def _company_zone() -> ZoneInfo:
    zone = COMPANY_ZONE.get()
    return ZoneInfo(zone() if callable(zone) else zone)


def _today() -> dt.date:
    """The company's calendar day at now()."""
    return _now().astimezone(_company_zone()).date()


@dataclass(frozen=True)
class Function:
    impl: Callable[..., object]
    min_args: int
    max_args: int | None
    example: str
    keywords: frozenset[str] = field(default_factory=frozenset)
    charges: bool = False  # touches every element of its arguments


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise TypeError(message)


def _integer(value: object, what: str) -> int:
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return decimal_to_int(value)
    _expect(isinstance(value, int) and not isinstance(value, bool),
            f"{what} must be a whole number, not {kind(value)}")
    return value


def _iterable(value: object, what: str) -> list:
    _expect(isinstance(value, (list, tuple, set, frozenset, dict, str)),
            f"{what} needs a list, not {kind(value)}")
    return list(value)


def _min_max(pick: Callable, name: str) -> Callable:
    def impl(*args):
        items = _iterable(args[0], name) if len(args) == 1 else list(args)
        _expect(bool(items), f"{name}() of an empty list has no value")
        return _ordered(pick, items, name)
    return impl


def _ordered(pick: Callable, items: list, name: str):
    try:
        return pick(items)
    except TypeError:
        raise TypeError(f"{name}() can only order values of one kind (numbers, text or dates)") from None


def _round(value, digits=None):
    _expect(is_number(value), f"round() needs a number, not {kind(value)}")
    if digits is None:
        return int(to_decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    digits = _integer(digits, "round()'s number of digits")
    _expect(-20 <= digits <= 20, "round() can keep between -20 and 20 digits")
    return to_decimal(value).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def _sum(values):
    total = 0
    for item in _iterable(values, "sum()"):
        _expect(is_number(item), f"sum() adds numbers, but the list contains {kind(item)}")
        total = check_sized(total + (to_decimal(item) if isinstance(item, float) else item))
    return total


def _int(value):
    if isinstance(value, str):
        check_text_length(len(value))
        _expect(len(value.strip()) <= 1000, "int() of text accepts at most 1000 digits")
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            try:
                return decimal_to_int(Decimal(text))
            except (InvalidOperation, ValueError):
                raise ValueError(f"int() cannot read {value!r} as a number") from None
    _expect(is_number(value) or isinstance(value, bool), f"int() needs a number or text, not {kind(value)}")
    return decimal_to_int(to_decimal(value)) if isinstance(value, (Decimal, float)) else int(value)


def _decimal(value):
    if isinstance(value, str):
        _expect(len(value.strip()) <= 1000, "decimal() of text accepts at most 1000 characters")
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"decimal() cannot read {value!r} as a number") from None
        _expect(result.is_finite(), f"decimal() cannot read {value!r} as a number")
        return result
    _expect(is_number(value), f"decimal() needs a number or text, not {kind(value)}")
    return to_decimal(value)


def _str(value):
    return check_sized(str(value))


def _sorted(values, reverse=False):
    _expect(isinstance(reverse, bool), "sorted()'s reverse must be True or False")
    return _ordered(lambda items: sorted(items, reverse=reverse), _iterable(values, "sorted()"), "sorted")


def _range(*args):
    bounds = [_integer(a, "range()'s bounds") for a in args]
    result = range(*bounds)
    check_item_count(len(result))
    return list(result)


def _text(value, name):
    _expect(isinstance(value, str), f"{name}() needs text, not {kind(value)}")
    return value


def _date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value, "date")
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"date() cannot read {value!r}: write it as 'YYYY-MM-DD', e.g. '2026-12-01'") from None


def _datetime(value):
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, dt.date):
        # A date is a day of the company's calendar (today() is one), so it starts at
        # the company's midnight; given as the UTC instant, as now() is. Where a clock
        # change skips midnight (fold 0 takes the offset before it) that is the
        # first moment the day has.
        return dt.datetime.combine(value, dt.time(), _company_zone()).astimezone(UTC)
    text = _text(value, "datetime")
    try:
        parsed = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"datetime() cannot read {value!r}: write it as 'YYYY-MM-DDTHH:MM:SSZ', "
            "e.g. '2026-12-01T10:00:00Z'") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _amount(value, name) -> float:
    _expect(is_number(value), f"{name}() needs a number, not {kind(value)}")
    return float(value)


def _days(n):
    return dt.timedelta(days=_amount(n, "days"))


def _hours(n):
    return dt.timedelta(hours=_amount(n, "hours"))


def _minutes(n):
    return dt.timedelta(minutes=_amount(n, "minutes"))


def _add_days(when, n):
    _expect(isinstance(when, dt.date), f"add_days() needs a date first, not {kind(when)}")
    return when + _days(n)


def _as_date(value, name):
    if isinstance(value, dt.datetime):
        return value.date()
    _expect(isinstance(value, dt.date), f"{name}() needs dates, not {kind(value)}")
    return value


def _days_between(start, end):
    return (_as_date(end, "days_between") - _as_date(start, "days_between")).days


_DURATION = re.compile(
    r"P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:[.,]\d+)?)S)?)?")


def _duration(value):
    text = _text(value, "duration").strip().upper()
    match = _DURATION.fullmatch(text)
    if not match or text in ("P", "PT") or text.endswith("T"):
        raise ValueError(f"duration() cannot read {value!r}: write an ISO 8601 duration such as 'P3D' or 'PT4H'")
    parts = {k: v for k, v in match.groupdict().items() if v is not None}
    if "years" in parts or "months" in parts:
        raise ValueError("duration() cannot use years or months (they have no fixed length): use days, e.g. 'P30D'")
    seconds = float(parts.pop("seconds", "0").replace(",", "."))
    return dt.timedelta(seconds=seconds, **{k: int(v) for k, v in parts.items()})


def _any(values):
    return any(_iterable(values, "any()"))


def _all(values):
    return all(_iterable(values, "all()"))


def _len(value):
    _expect(isinstance(value, (list, tuple, set, frozenset, dict, str)),
            f"len() needs text, a list or a record, not {kind(value)}")
    return len(value)


def _abs(value):
    _expect(is_number(value) or isinstance(value, dt.timedelta), f"abs() needs a number, not {kind(value)}")
    return abs(value)


FUNCTIONS: dict[str, Function] = {
    "min": Function(_min_max(min, "min"), 1, None, "min(price, 1000)", charges=True),
    "max": Function(_min_max(max, "max"), 1, None, "max(scores)", charges=True),
    "len": Function(_len, 1, 1, "len(contacts)"),
    "round": Function(_round, 1, 2, "round(amount * 0.19, 2)"),
    "abs": Function(_abs, 1, 1, "abs(delta)"),
    "sum": Function(_sum, 1, 1, "sum(line_totals)", charges=True),
    "int": Function(_int, 1, 1, "int('42')"),
    "float": Function(_decimal, 1, 1, "float('12.5')  # gives the exact decimal 12.5"),
    "decimal": Function(_decimal, 1, 1, "decimal('12.50')"),
    "str": Function(_str, 1, 1, "str(amount)", charges=True),
    "bool": Function(bool, 1, 1, "bool(notes)"),
    "sorted": Function(_sorted, 1, 1, "sorted(scores, reverse=True)", frozenset({"reverse"}), charges=True),
    "any": Function(_any, 1, 1, "any(c.role == 'champion' for c in contacts)", charges=True),
    "all": Function(_all, 1, 1, "all(answers)", charges=True),
    "range": Function(_range, 1, 3, "range(5)"),
    "lower": Function(lambda s: _text(s, "lower").lower(), 1, 1, "lower(region)"),
    "upper": Function(lambda s: _text(s, "upper").upper(), 1, 1, "upper(region)"),
    "today": Function(_today, 0, 0, "today()"),
    "now": Function(_now, 0, 0, "now()"),
    "date": Function(_date, 1, 1, "date('2026-12-01')"),
    "datetime": Function(_datetime, 1, 1, "datetime('2026-12-01T10:00:00Z')"),
    "days": Function(_days, 1, 1, "days(14)"),
    "hours": Function(_hours, 1, 1, "hours(4)"),
    "minutes": Function(_minutes, 1, 1, "minutes(30)"),
    "add_days": Function(_add_days, 2, 2, "add_days(close_date, 30)"),
    "days_between": Function(_days_between, 2, 2, "days_between(today(), close_date)"),
    "duration": Function(_duration, 1, 1, "duration('P3D')"),
    # A new random identifier as text (Camunda 8's FEEL uuid() translates to it).
    "uuid": Function(lambda: str(uuid.uuid4()), 0, 0, "uuid()"),
    # spiff-arena's name: the user the step runs for, as a record ({'username': 'anna'}), or None.
    "get_current_user": Function(_current_user, 0, 0, "get_current_user()"),
}
FUNCTIONS.update({name: Function(impl, low, high, example, frozenset(options), charges=True)
                  for name, (impl, low, high, example, options) in LIST_FUNCTIONS.items()})

# Methods that may be called on a value, by the kind of value they apply to.
STR_METHODS: dict[str, tuple[int, int]] = {
    "lower": (0, 0), "upper": (0, 0), "strip": (0, 1), "startswith": (1, 1), "endswith": (1, 1),
    "join": (1, 1),
}
DICT_METHODS: dict[str, tuple[int, int]] = {"get": (1, 2)}
