"""The one rounding rule for weighted amounts (amount x probability), wherever they
are shown — a deal's expected revenue, the forecast, the pipeline analysis, the
trend of snapshots:

    exact first   a deal's weighted amount is amount x probability / 100, kept exact
                  (at most four decimal places);
    sum, then     totals add the exact values up;
    round once    to cents, ROUND_HALF_UP (0.005 -> 0.01), when the figure is shown.

Summing exact values and rounding once means a total never drifts from the sum of
its deals by the rounding of each (100 deals of 0.005 are 0.50, not 0.00 or 1.00);
a single deal's figure is the same rule over a sum of one."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def weighted(amount: Decimal, probability: int) -> Decimal:
    """The exact weighted amount (not rounded: ``cents`` it when shown)."""
    return amount * probability / Decimal(100)


def cents(value: Decimal) -> Decimal:
    """``value`` rounded to cents, half up."""
    return value.quantize(CENT, ROUND_HALF_UP)


def shown(value: Decimal, currency: str = "") -> str:
    """12\u202f500.00 PLN: cents, a thin space grouping the thousands, as the web app
    shows money (``webui.pages.money``), for texts the core writes (warnings)."""
    text = f"{cents(Decimal(value)):,.2f}".replace(",", "\u202f")
    return f"{text} {currency}".strip()
