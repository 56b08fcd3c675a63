"""The deal's own fields a person edits (title, partner, amount, currency, expected
close date) and a methodology's stage may set from a task's form (``sets:`` in the
stage table): which they are, and how typed text becomes their values.

Money as people type it: "12500.50", "12 500,50", "12 500.50" (with a normal, a
no-break or a thin space grouping the thousands) and "12500,5" all mean the same
exact amount; a comma is the decimal mark when there is no dot. "12,500.50" (comma
thousands, dot decimals) is read too. Anything else is refused with an example."""

from __future__ import annotations

import re
from decimal import Decimal

from engine.errors import FormError
from engine.rules import inputs

EDITABLE = ("title", "partner_id", "partner", "amount", "currency", "expected_close_date")  # partner: by name
# What a stage's ``sets`` may write from a form field (a partner is chosen, not typed).
SETTABLE = ("amount", "expected_close_date")

_SPACES = re.compile(r"[ \u00a0\u202f\u2009]")
_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+\.[0-9]*")


def typed_amount(value: object, field: str = "amount") -> Decimal:
    """``value`` as inputs.money reads it, after the spaces and decimal comma people type."""
    return inputs.money(typed_number(value) if isinstance(value, str) else value, field)


def typed_number(text: str) -> str:
    """A number as people type it and the app shows it — "12 500,50", "12 500.00"
    (thin or no-break spaces), "12,500.50" — as plain "12500.50" (anything else as typed)."""
    text = _SPACES.sub("", text.strip())
    if _GROUPED.fullmatch(text):
        return text.replace(",", "")
    if "," in text and "." not in text and text.count(",") == 1:
        return text.replace(",", ".")
    return text


def typed_currency(value: object, field: str = "currency") -> str:
    """An ISO 4217 code; lower-case letters typed are read as capitals."""
    return inputs.currency(value.strip().upper() if isinstance(value, str) else value, field)


def unknown_fields(changes: dict) -> dict[str, str]:
    """A message per name that is not an editable field."""
    return {name: f"not a field of a deal that can be edited; use one of {', '.join(EDITABLE)}"
            for name in changes if name not in EDITABLE}


def collect(parsers: dict) -> tuple[dict, dict[str, str]]:
    """Run each field's parser (name -> zero-argument callable); the values that
    parsed and every field's message at once, as a form shows them."""
    values, errors = {}, {}
    for name, parse in parsers.items():
        try:
            values[name] = parse()
        except FormError as err:
            errors.update(err.fields)
    return values, errors
