"""The pure sums of the pipeline analysis: the Wilson interval against published
values, outcomes and currencies kept apart, the funnel's reached/advanced and time
in stage from a hand-made history, and whose deals each role's scope counts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from engine.rules import pipeline_analysis as rules
from engine.rules.policy import Actor
from engine.rules.report_scope import scope_of

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def deal(id_, status, currency="PLN", amount="100.00", weighted="0.00", days=None, stage=None, **keys):
    return rules.DealFacts(id_, status, currency, Decimal(amount), Decimal(weighted), T0,
                           T0 + timedelta(days=days) if days is not None else None, 1, stage,
                           {k: (v, v) for k, v in keys.items()})


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
    o = rules.outcomes([deal(1, "open")])
    assert (o.deals, o.open, o.win_rate, o.interval_low, o.median_cycle_days) == (1, 1, None, None, None)


def test_outcomes_and_amounts_per_currency_are_never_added_across_currencies():
    deals = [deal(1, "won", days=4), deal(2, "lost", "EUR", "50.00", days=10), deal(3, "open", weighted="20.00"),
             deal(4, "won", amount="300.00", days=6)]
    o = rules.outcomes(deals)
    assert (o.won, o.lost, o.open, round(o.win_rate, 4), o.median_cycle_days, o.average_cycle_days) == (
        2, 1, 1, 0.6667, 6.0, 6.7)
    eur, pln = rules.currency_figures(deals)
    assert (eur.currency, eur.lost_amount, eur.won_average) == ("EUR", Decimal("50.00"), None)
    assert (pln.open_amount, pln.weighted, pln.won_amount, pln.won_average) == (
        Decimal("100.00"), Decimal("20.00"), Decimal("400.00"), Decimal("200.00"))


def test_the_funnel_counts_who_reached_and_who_went_on_and_finished_stays_only():
    version = rules.VersionInfo("m", "1", (rules.StageInfo("a", "A", 0, "open"), rules.StageInfo("b", "B", 1, "open"),
                                          rules.StageInfo("won", "Won", 2, "won"),
                                          rules.StageInfo("lost", "Lost", 3, "lost")))
    deals = [deal(1, "won", stage="won", days=5), deal(2, "lost", stage="lost", days=3), deal(3, "open", stage="b")]
    steps = [rules.Step(1, 1, "a", T0), rules.Step(1, 1, "b", T0 + timedelta(days=1)),
             rules.Step(1, 1, "won", T0 + timedelta(days=5)),
             rules.Step(2, 1, "a", T0), rules.Step(2, 1, "lost", T0 + timedelta(days=3)),
             rules.Step(3, 1, "a", T0), rules.Step(3, 1, "b", T0 + timedelta(days=2))]
    a, b, won, lost = rules.stage_figures(deals, steps, {1: version})
    assert (a.reached, a.advanced, round(a.conversion, 4), a.median_days_in_stage, a.stays) == (3, 2, 0.6667, 2.0, 3)
    assert (b.reached, b.advanced, b.conversion, b.now_in, b.median_days_in_stage, b.stays) == (2, 1, 0.5, 1, 4.0, 1)
    assert (won.reached, won.conversion, lost.reached, lost.now_in) == (1, None, 1, 1)


def test_groups_put_deals_without_the_attribute_under_none():
    groups = rules.groups([deal(1, "open", source="fair"), deal(2, "open"), deal(3, "won", days=1, source="fair")],
                          "source")
    assert [(g.label, g.outcomes.deals) for g in groups] == [("fair", 2), (rules.NONE, 1)]


def test_each_role_counts_its_own_scope():
    admin = scope_of(Actor(1, "admin"))
    designer = scope_of(Actor(2, "designer"))
    manager = scope_of(Actor(3, "manager", frozenset({7})), frozenset({8}))
    rep = scope_of(Actor(4, "rep", frozenset({7})))
    assert admin.everything and designer.everything
    assert (manager.everything, manager.managed, manager.team_ids) == (False, True, frozenset({7, 8}))
    assert (rep.everything, rep.managed, rep.team_ids, rep.label) == (False, False, frozenset(), "your deals")
