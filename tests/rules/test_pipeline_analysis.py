"""The pure sums of the pipeline analysis: the Wilson interval against published
values, outcomes and currencies kept apart, the funnel from stage totals, and
whose deals each role's scope counts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.rules import pipeline_analysis as rules
from engine.rules.policy import Actor
from engine.rules.report_scope import scope_of


def total(key, status, deals=1, currency="PLN", amount="100.00", weighted="0.00", days=0.0):
    return rules.Total(key, status, currency, deals, Decimal(amount), Decimal(weighted), days)


@pytest.mark.parametrize("won, n, low, high", [
    (81, 263, 0.2553, 0.3662),  # Newcombe (1998), Statistics in Medicine 17:857, the score method's example
    (1, 3, 0.0615, 0.7923),
    (0, 1, 0.0, 0.7935),
    (10, 10, 0.7225, 1.0),
])
def test_the_wilson_interval_matches_published_values(won, n, low, high):
    got = rules.wilson(won, n)
    assert got is not None and (round(got[0], 4), round(got[1], 4)) == (low, high)


def test_no_trials_has_no_interval_and_no_win_rate():
    assert rules.wilson(0, 0) is None
    o = rules.outcomes([total(("x",), "open")])
    assert (o.deals, o.open, o.win_rate, o.interval_low, o.average_cycle_days) == (1, 1, None, None, None)


def test_outcomes_and_amounts_per_currency_are_never_added_across_currencies():
    totals = [total(("x",), "won", 2, amount="400.00", days=10.0), total(("x",), "lost", 1, "EUR", "50.00", days=10.0),
              total(("x",), "open", 1, weighted="20.00")]
    o = rules.outcomes(totals, [4.0, 6.0, 10.0])
    assert (o.won, o.lost, o.open, round(o.win_rate, 4), o.median_cycle_days, o.average_cycle_days) == (
        2, 1, 1, 0.6667, 6.0, 6.7)
    eur, pln = rules.currency_figures(totals)
    assert (eur.currency, eur.lost_amount, eur.won_average) == ("EUR", Decimal("50.00"), None)
    assert (pln.open_amount, pln.weighted, pln.won_amount, pln.won_average) == (
        Decimal("100.00"), Decimal("20.00"), Decimal("400.00"), Decimal("200.00"))


def test_the_funnel_from_stage_totals_in_funnel_order():
    version = rules.VersionInfo("m", "1", (rules.StageInfo("a", "A", 0, "open"), rules.StageInfo("b", "B", 1, "open"),
                                          rules.StageInfo("won", "Won", 2, "won"),
                                          rules.StageInfo("lost", "Lost", 3, "lost")))
    history = [rules.StageTotal((1, "b"), 2, 1, 4.0, 1), rules.StageTotal((1, "a"), 3, 3, 6.0, 2),
               rules.StageTotal((1, "won"), 1, 0, 0.0, 0)]
    now_in = [total((1, "b"), "open", 1, amount="70.00", weighted="35.00"), total((1, "lost"), "lost", 1)]
    a, b, won, lost = rules.stage_figures(history, now_in, {1: version})
    assert (a.reached, a.advanced, round(a.conversion, 4), a.average_days_in_stage, a.stays) == (3, 2, 0.6667, 2.0, 3)
    assert (b.now_in, b.conversion, b.currencies[0].weighted) == (1, 0.5, Decimal("35.00"))
    assert (won.reached, won.conversion, lost.reached, lost.now_in) == (1, None, 0, 1)
    assert [(c.stage_id, c.reached, c.advanced) for c in rules.conversions(history, version)] == [
        ("a", 3, 2), ("b", 2, 1)]


def test_groups_merge_keys_that_read_the_same_and_sources_name_the_missing():
    groups = rules.groups([total(("fair",), "open"), total(("fair",), "won", days=2.0), total((None,), "open")],
                          lambda key: (key[0] or rules.NONE, key[0] or rules.NONE))
    assert [(g.label, g.outcomes.deals, g.outcomes.average_cycle_days) for g in groups] == [
        ("fair", 2, 2.0), (rules.NONE, 1, None)]
    (source,) = rules.sources([total((None, None), "won")])
    assert (source.source, source.campaign, source.outcomes.won) == (rules.NONE, rules.NONE, 1)


def test_each_role_counts_its_own_scope():
    admin = scope_of(Actor(1, "admin"))
    designer = scope_of(Actor(2, "designer"))
    manager = scope_of(Actor(3, "manager", frozenset({7})), frozenset({8}), [5, 6])
    rep = scope_of(Actor(4, "rep", frozenset({7})))
    assert admin.everything and designer.everything
    assert (manager.everything, manager.managed, manager.team_ids, manager.below) == (
        False, True, frozenset({8}), frozenset({5, 6}))
    assert (rep.everything, rep.managed, rep.team_ids, rep.label) == (False, False, frozenset(), "your deals")
