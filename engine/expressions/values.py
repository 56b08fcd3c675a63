"""The kinds of value expressions work with, named the way a process designer would.

Values are plain data: numbers (int and ``Decimal``), text, yes/no, nothing (None),
lists, tuples, sets, records (dicts), dates, date-times and durations. Floats that
arrive in task data are turned into ``Decimal`` before any arithmetic, so money stays
exact.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from engine.expressions.limits import MAX_INT_BITS, check_int_bits

_KINDS: tuple[tuple[type, str], ...] = (
    (bool, "yes/no"),
    (int, "number"),
    (Decimal, "decimal number"),
    (float, "decimal number"),
    (str, "text"),
    (type(None), "nothing (None)"),
    (list, "list"),
    (tuple, "tuple"),
    (set, "set"),
    (frozenset, "set"),
    (dict, "record"),
    (dt.datetime, "date-time"),
    (dt.date, "date"),
    (dt.timedelta, "duration"),
)


def kind(value: object) -> str:
    for cls, name in _KINDS:
        if isinstance(value, cls):
            return name
    return "value of an unsupported kind"


def is_number(value: object) -> bool:
    return isinstance(value, (int, Decimal, float)) and not isinstance(value, bool)


def to_decimal(value: object) -> Decimal:
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    raise TypeError(f"expected a number, got {kind(value)}")


def exact_pair(left: object, right: object) -> tuple[object, object]:
    """Make a float/Decimal pair exact before arithmetic or comparison."""
    if isinstance(left, float) and isinstance(right, (Decimal, int, float)) and not isinstance(right, bool):
        left = to_decimal(left)
    if isinstance(right, float) and isinstance(left, (Decimal, int)) and not isinstance(left, bool):
        right = to_decimal(right)
    return left, right


def decimal_to_int(value: Decimal) -> int:
    """int(value), refused before converting a Decimal whose integer would be huge."""
    if value.is_finite() and value.adjusted() > MAX_INT_BITS * 3 // 10:
        check_int_bits(value.adjusted() * 10 // 3)
    return int(value)
