"""The as-of pipeline's sums (engine.rules.snapshot_reports), pure: per currency,
never across, weighted amounts exact until summed and rounded once, half up."""

from __future__ import annotations

from decimal import Decimal

from engine.rules.snapshot_reports import figures, groups


def test_weighted_amounts_are_summed_exact_and_rounded_once_per_currency():
    rows = [("PLN", 1, Decimal("0.05"), Decimal("0.025"))] * 3 + [("EUR", 2, Decimal("10.00"), Decimal("5.0050"))]
    assert [(f.currency, f.deals, f.amount, f.weighted) for f in figures(rows)] == [
        ("EUR", 2, Decimal("10.00"), Decimal("5.01")), ("PLN", 3, Decimal("0.15"), Decimal("0.08"))]


def test_groups_most_deals_first_with_their_currencies():
    rows = [("rep1", "PLN", 1, Decimal("100.00"), Decimal("20")), ("rep2", "PLN", 2, Decimal("50.00"), Decimal("5")),
            ("rep2", "EUR", 1, Decimal("70.00"), Decimal("7"))]
    made = groups(rows, lambda key: (key[0], key[0].upper()))
    assert [(g.key, g.label, g.deals, [f.currency for f in g.currencies]) for g in made] == [
        ("rep2", "REP2", 3, ["EUR", "PLN"]), ("rep1", "REP1", 1, ["PLN"])]
