"""Checking what a user typed into a task's form, field by field. Pure: no I/O.

``validate_form`` turns raw input (strings from an HTML form or the command line,
or already typed values from JSON) into typed values — ``int``, ``bool``,
``datetime.date``, ``Decimal`` for money, never ``float`` — and collects one short
message per field that does not fit, so the form can show them all at once.

A field whose id is a dotted path (``auction.endDate``, engine.methodology.field_paths)
is checked and answered under that id like any other; ``into_records`` then puts
its value inside the record the path names when the answers reach the deal's data.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Callable, Mapping

from engine.errors import ExpressionError
from engine.expressions import compile_expression
from engine.methodology.model import FormField
from engine.rules.deal_fields import typed_number

REQUIRED = "this field is required"

_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})
_MONEY_TYPES = frozenset({"money", "decimal"})
_INTEGER_TYPES = frozenset({"long", "integer", "int"})
_WHOLE = re.compile(r"[+-]?[0-9]{1,30}")  # ASCII digits only; int() would take 1_000 and '٣'
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]{1,4})?")  # ASCII, as _WHOLE
LONG_MIN, LONG_MAX = -(2 ** 63), 2 ** 63 - 1  # a BPMN 'long' (Java's): what the process may compute with
MAX_TEXT = 10_000  # characters of a text field whose form declares no maximum


class _Invalid(Exception):
    """One field's value does not fit; the message is shown next to the field."""


def validate_form(fields: tuple[FormField, ...], raw: Mapping[str, object]) -> tuple[dict, dict[str, str]]:
    """(clean typed values, field id -> message) for ``raw`` against ``fields``.

    A field absent from ``raw`` takes its default, if it has one; a required field
    that is absent (with no default) or empty is an error. Optional fields left
    empty are left out of the clean values. Keys the form does not have are errors."""
    clean: dict = {}
    errors: dict[str, str] = {}
    known = {f.id for f in fields}
    raw = _flattened(raw, known)
    for key in raw:
        if key not in known:
            listed = ", ".join(f.id for f in fields) or "no fields"
            errors[str(key)] = f"unknown field; the form has: {listed}"
    # Fields shown only on a condition are checked after the others, whose values
    # the condition reads; a field its condition hides is neither required nor kept.
    ordered = [f for f in fields if not f.hidden_when] + [f for f in fields if f.hidden_when]
    for field in ordered:
        if field.hidden_when and _hidden(field.hidden_when, clean):
            continue
        present = field.id in raw
        value = raw[field.id] if present else field.default
        if _is_empty(value):
            if field.required:
                errors[field.id] = REQUIRED
            continue
        try:
            clean[field.id] = _convert(field, value)
        except _Invalid as err:
            errors[field.id] = str(err) if present else f"the form's default {value!r} is invalid: {err}"
    return clean, errors


class _Unset(dict):
    """The form's values, where a field left empty reads as None (FEEL's null)."""

    def __contains__(self, key) -> bool:
        return True

    def __missing__(self, key):
        return None


def _hidden(condition: str, values: dict) -> bool:
    """Whether a field's hide condition holds; one that cannot be evaluated hides nothing."""
    try:
        return bool(compile_expression(condition).evaluate(_Unset(into_records({}, values))))
    except ExpressionError:
        return False


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _convert(field: FormField, value):
    kind = field.type.lower()
    if kind == "boolean":
        return _boolean(value)
    if kind in _INTEGER_TYPES:
        return _bounded(field, _long(_integer(value)))
    if kind in _MONEY_TYPES:
        return _bounded(field, _decimal(value))
    if kind == "date":
        return _date(value)
    if kind == "enum":
        return _choice(field, value)
    return _string(field, value)


def _string(field: FormField, value) -> str:
    if not isinstance(value, str):
        raise _Invalid("enter text")
    text = value.strip()
    low, high = _int_limit(field.minimum), _int_limit(field.maximum)
    high = MAX_TEXT if high is None else high
    if low is not None and len(text) < low:
        raise _Invalid(f"enter at least {low} characters")
    if high is not None and len(text) > high:
        raise _Invalid(f"enter at most {high} characters")
    if field.pattern and re.fullmatch(field.pattern, text) is None:
        raise _Invalid(f"enter text of the form {field.pattern}")
    return text


def _boolean(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise _Invalid("answer yes or no")


def _integer(value) -> int:
    if isinstance(value, bool):
        raise _Invalid("enter a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    if isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
        return int(value.strip())
    raise _Invalid("enter a whole number")


def _long(number: int) -> int:
    if not LONG_MIN <= number <= LONG_MAX:
        raise _Invalid(f"enter a whole number from {LONG_MIN} to {LONG_MAX}")
    return number


def _decimal(value) -> Decimal:
    if isinstance(value, bool) or isinstance(value, float):
        # A float has already lost cents (0.1 + 0.2); money arrives as text or Decimal.
        raise _Invalid("enter an amount such as 1250.00")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str) and len(value.strip()) <= 40 and _DECIMAL.fullmatch(typed_number(value)):
        try:
            number = Decimal(typed_number(value).replace(",", "."))
        except InvalidOperation:
            raise _Invalid("enter an amount such as 1250.00") from None
    else:
        raise _Invalid("enter an amount such as 1250.00")
    if not number.is_finite():
        raise _Invalid("enter an amount such as 1250.00")
    return number


def _bounded(field: FormField, number):
    low, high = _number_limit(field.minimum), _number_limit(field.maximum)
    if low is not None and number < low:
        raise _Invalid(f"enter {_show(low)} or more")
    if high is not None and number > high:
        raise _Invalid(f"enter {_show(high)} or less")
    return number


def _date(value) -> date:
    if isinstance(value, datetime):
        raise _Invalid("enter a date such as 2026-03-31")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _Invalid("enter a date such as 2026-03-31")


def _choice(field: FormField, value) -> str:
    ids = [choice_id for choice_id, _ in field.choices]
    text = value.strip() if isinstance(value, str) else value
    if text in ids:
        return text
    labels = ", ".join(label for _, label in field.choices)
    raise _Invalid(f"choose one of: {labels}" if labels else "this field has no choices")


def _parse_limit(text: str | None, parse: Callable):
    if text is None or not str(text).strip():
        return None
    try:
        return parse(str(text).strip())
    except (ValueError, InvalidOperation):
        return None  # the methodology checks report a malformed constraint


def _int_limit(text: str | None) -> int | None:
    return _parse_limit(text, int)


def _number_limit(text: str | None) -> Decimal | None:
    return _parse_limit(text, Decimal)


def _show(number: Decimal) -> str:
    return format(number, "f")


def _flattened(raw: Mapping[str, object], known: set[str]) -> Mapping[str, object]:
    """``raw`` with a record sent as an object for fields with dotted ids
    (``{"auction": {"endDate": …}}``, as JSON clients write it) as those fields'
    entries (``auction.endDate``); everything else as it was."""
    records = {".".join(parts[:i]) for parts in (k.split(".") for k in known) for i in range(1, len(parts))}
    if not records or not any(key in records for key in raw):
        return raw
    out: dict = {}

    def walk(key, value) -> None:
        if key in records and key not in known and isinstance(value, Mapping):
            for name, inner in value.items():
                walk(f"{key}.{name}", inner)
        else:
            out[key] = value

    for key, value in raw.items():
        walk(key, value)
    return out


def into_records(data: Mapping[str, object], values: Mapping[str, object]) -> dict:
    """The entries ``values`` (a form's clean answers) make in the task data ``data``:
    a plain key as it is; a dotted one (``auction.endDate``) inside a copy of the record
    its path names in ``data`` — keeping the record's other fields, which another form
    filled — or in a new record where there is none (or a value that is not one).
    ``data`` itself is left as it was."""
    out: dict = {}
    made: set[int] = set()  # the records copied here, which the next paths may change

    def own(value) -> dict:
        if isinstance(value, dict) and id(value) in made:
            return value
        record = dict(value) if isinstance(value, dict) else {}
        made.add(id(record))
        return record

    for key, value in values.items():
        if not isinstance(key, str) or "." not in key:
            out[key] = value
            continue
        head, *inner, last = key.split(".")
        record = out[head] = own(out.get(head, data.get(head)))
        for name in inner:
            record[name] = record = own(record.get(name))
        record[last] = value
    return out


def value_at(data: Mapping[str, object], field_id: str):
    """The value of field ``field_id`` in ``data``: under its id, else along its dotted path."""
    if field_id in data or "." not in field_id:
        return data.get(field_id)
    value = data
    for name in field_id.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(name)
    return value
