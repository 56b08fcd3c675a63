"""The one rounding rule of weighted amounts (engine.rules.money)."""

from decimal import Decimal

from engine.rules import money
from engine.rules.progress import expected_revenue


def test_a_weighted_amount_is_exact_until_rounded_half_up_to_cents():
    assert money.weighted(Decimal("0.05"), 50) == Decimal("0.025")
    assert money.cents(Decimal("0.025")) == Decimal("0.03")  # half up, not to even
    assert money.cents(sum([money.weighted(Decimal("0.05"), 50)] * 3)) == Decimal("0.08")  # sum, then round
    assert expected_revenue(Decimal("0.05"), 50) == Decimal("0.03")
