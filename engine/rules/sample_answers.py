"""What a diligent tester types into a form when told nothing else: text 'x', whole
numbers 1, amounts 1, yes, today, the first choice (a questionnaire question gets its
first, usually best, answer); always within the field's limits. ``dealflow simulate``
and ``dealflow test`` fill the fields an answer leaves out with these.

Works on anything shaped like a form field (``id``, ``type``, ``minimum``, ``maximum``,
``choices`` as (value, label) pairs): the methodology's FormField and the FieldView a
task shows both are.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Iterable

_WHOLE = ("long", "integer", "int")
_NUMBERS = _WHOLE + ("money", "decimal", "number", "percent")


def sample_answers(fields: Iterable, today: date) -> dict[str, object]:
    """A value for every field that can have one (an enum without choices is left out)."""
    values = {f.id: sample_value(f, today) for f in fields}
    return {key: value for key, value in values.items() if value is not None}


def sample_value(field, today: date) -> object:
    kind = str(field.type).lower()
    if kind == "boolean":
        return True
    if kind == "date":
        return today.isoformat()
    if kind == "enum":
        return field.choices[0][0] if field.choices else None
    if kind in _NUMBERS:
        number = Decimal(1)
        low, high = _number(field.minimum), _number(field.maximum)
        if low is not None:
            number = max(number, low)
        if high is not None:
            number = min(number, high)
        return str(int(number)) if kind in _WHOLE else str(number)
    return "x" * max(1, int(_number(field.minimum) or 1))


def _number(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None
