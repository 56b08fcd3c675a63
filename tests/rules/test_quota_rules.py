"""A split's parts and the add-up warning (a warning, never a refusal)."""

from decimal import Decimal

import pytest

from engine.errors import FormError
from engine.rules.quotas import Quota, parts, warning


def test_parts_are_exact_amounts_for_direct_reports_only_every_problem_at_once():
    assert parts({"rep1": "100.5", "rep2": "", "rep3": 7}, ("rep1", "rep2", "rep3")) == {
        "rep1": Decimal("100.50"), "rep3": Decimal("7.00")}
    with pytest.raises(FormError) as caught:
        parts({"rep1": "-1", "stranger": "5", "rep2": "1.005"}, ("rep1", "rep2"))
    assert set(caught.value.fields) == {"rep1", "stranger", "rep2"}
    assert "split among: rep1, rep2" in caught.value.fields["stranger"]
    with pytest.raises(FormError):
        parts({"rep1": ""}, ("rep1",))


def test_the_warning_says_how_far_the_parts_are_from_the_quota():
    quota = Quota(Decimal("100.00"), "PLN")
    assert warning(quota, Decimal("100.00"), "PLN", "ann") is None
    assert "10.00 PLN short of ann's quota of 100.00 PLN" in warning(quota, Decimal("90.00"), "PLN", "ann")
    assert "5.00 PLN more than" in warning(quota, Decimal("105.00"), "PLN", "ann")
    assert "cannot be compared" in warning(quota, Decimal("100.00"), "EUR", "ann")
    assert "no quota" in warning(None, Decimal("1.00"), "PLN", "ann")
