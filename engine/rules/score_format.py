"""The one rule for showing a questionnaire score, wherever it is shown — the deal's
header, the Sales Assistant's score and its explanation, the message after answering,
the deals list (issue 15: one page said "96" in the header and "95.5 of 100" below it,
"scores 68" beside 67.9):

    exact         a score is kept to one decimal (engine.rules.scoring), as text in
                  the deal's questionnaire records;
    shown as is   to one decimal, ROUND_HALF_UP, a trailing ".0" dropped: 95.5, 96,
                  67.9, 0 — never rounded to a whole number on one screen and not on
                  another.

The deal's integer ``score`` column (sorting, the API's ``score``) is a copy for
machines; people read ``shown``."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ONE_DECIMAL = Decimal("0.1")


def shown(value: object) -> str:
    """``value`` (a Decimal, an int or the stored text) as people read a score;
    "" for None or something that is not a number."""
    if value is None or isinstance(value, bool):
        return ""
    try:
        exact = Decimal(str(value)).quantize(ONE_DECIMAL, ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return ""
    if not exact.is_finite():
        return ""
    return str(exact.to_integral_value()) if exact == exact.to_integral_value() else str(exact)
