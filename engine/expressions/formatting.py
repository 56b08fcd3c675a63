"""Formatting one value inside an f-string (``{amount:,.2f}``), bounded before the text is built.

Python's ``format`` builds whatever a spec asks for: ``f'{1e999999999:f}'`` writes a
billion digits and ``{d:%1000000000Y}`` a gigabyte of padding, long before a size check
on the result could refuse them. Two rules keep formatting small:

- No number written in a format spec may exceed ``MAX_FORMAT_WIDTH`` (widths,
  precisions, strftime paddings). Specs are fixed text, so ``check_spec`` runs when the
  methodology is validated, and again at run time.
- A decimal number is written out in fixed point (``f``, ``F``, ``%``) only if that
  takes at most ``MAX_FIXED_DIGITS`` digits: ``f'{1e308:f}'`` (309 digits) is fine,
  ``1e1000`` or ``1e-1000`` is refused with a hint to use ``e`` or ``g``. Every other
  result is estimated from the value and the spec and held to the text cap before
  ``format`` runs.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from engine.errors import ExpressionLimitError

from engine.expressions.limits import check_sized, check_text_length

MAX_FORMAT_WIDTH = 100
MAX_FIXED_DIGITS = 1_000

_NUMBER = re.compile(r"\d+")
# Python's format-spec mini-language: [[fill]align][sign][z][#][0][width][grouping][.precision][type]
_MINI_LANGUAGE = re.compile(
    r"(?:.?[<>=^])?[-+ ]?z?#?0?(?P<width>\d+)?[,_]?(?:\.(?P<precision>\d+))?(?P<type>[bcdeEfFgGnosxX%])?",
    re.DOTALL)
_FIXED_POINT = frozenset("fF%")
# Room for a sign, a point, an exponent and the like around the digits.
_SLACK = 30


def check_spec(spec: str) -> None:
    """Refuse a spec with a width, precision or padding above ``MAX_FORMAT_WIDTH``."""
    for number in _NUMBER.findall(spec):
        if len(number.lstrip("0")) > 3 or int(number) > MAX_FORMAT_WIDTH:
            raise ExpressionLimitError(
                f"format widths and precisions above {MAX_FORMAT_WIDTH} are not allowed")


def format_value(value: object, spec: str) -> str:
    """``format(value, spec)``, refused before it is built if it would be too long."""
    check_spec(spec)
    check_text_length(_longest(value, spec))
    return check_sized(format(value, spec))


def _longest(value: object, spec: str) -> int:
    """An upper bound on ``len(format(value, spec))`` that costs nothing to work out."""
    if isinstance(value, (dt.date, dt.time)):
        # strftime: each directive gives at most its padding or a locale's longest name.
        return len(spec) + spec.count("%") * (MAX_FORMAT_WIDTH + _SLACK)
    parts = _MINI_LANGUAGE.fullmatch(spec)
    if parts is None:
        return len(spec)  # format() refuses the spec without building anything
    width = int(parts["width"] or 0)
    precision = None if parts["precision"] is None else int(parts["precision"])
    kind = parts["type"] or ""
    if isinstance(value, str):
        return max(len(value) if precision is None else min(len(value), precision), width)
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return width + _SLACK  # anything else formats as its (budgeted) text, checked after
    if isinstance(value, int):
        digits = value.bit_length() + 1  # binary is the longest way to write it
    elif isinstance(value, float):
        digits = 310  # a finite float is below 1e309
    else:
        digits = _decimal_digits(value, kind, precision)
    with_grouping = digits + digits // 3
    return max(with_grouping + (precision or 0), width) + _SLACK


def _decimal_digits(value: Decimal, kind: str, precision: int | None) -> int:
    if not value.is_finite():
        return 3
    sign, coefficient, exponent = value.as_tuple()
    if kind not in _FIXED_POINT:
        return len(coefficient)  # e, g, n and no type switch to an exponent for big or small values
    shift = 2 if kind == "%" else 0
    whole = max(value.adjusted() + shift + 1, 1)
    fraction = precision if precision is not None else max(-(exponent + shift), 0)
    if whole + fraction > MAX_FIXED_DIGITS:
        raise ExpressionLimitError(
            f"the number would take {whole + fraction} digits written out in full; the limit is "
            f"{MAX_FIXED_DIGITS}: use an 'e' or 'g' format (e.g. {{x:.3e}}) or round it first")
    return whole + fraction
