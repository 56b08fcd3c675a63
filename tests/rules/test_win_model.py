"""The learned win probability's pure core: snapshot points without leakage, Odoo's
naive Bayes, the logistic regression and its explanation, the backtest's verdict."""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta, timezone

import pytest

from engine.rules import win_backtest
from engine.rules.win_facts import (ClassGiven, DealHistory, StageEntry, amount_band, amount_edges, features_at,
                                    live_point, points_of, snapshot_times)
from engine.rules.win_model import LogisticModel, NaiveBayes

T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)


def deal(deal_id=1, *, won=True, days=(10, 10), source="web", segment="smb", amount=10_000.0, classes=(),
         opened=T0, stages=("lead", "offer")):
    entries, at = [], opened
    for stage, stay in zip(stages, days):
        entries.append(StageEntry(stage, at, 20 if stage == "lead" else 60))
        at += timedelta(days=stay)
    entries.append(StageEntry("won" if won else "lost", at, 100 if won else 0, "won" if won else "lost"))
    return DealHistory(deal_id, "small-deal", segment, source, None, amount, opened, tuple(entries),
                       tuple(classes), at, won)


def test_a_point_knows_the_stage_the_deal_was_in_then_not_the_one_it_ended_in():
    history = deal(won=True, days=(10, 10), classes=[ClassGiven("fit", "A", T0 + timedelta(days=12))])
    early = features_at(history, T0 + timedelta(days=3), [])
    later = features_at(history, T0 + timedelta(days=13), [])
    assert early["stage"] == "small-deal/lead" and early["days_in_stage"] == "0-6 days"
    assert "questionnaire:fit" not in early  # answered only later
    assert later["stage"] == "small-deal/offer" and later["questionnaire:fit"] == "A"
    assert features_at(history, T0 + timedelta(days=21), []) is None  # won by then: no open stage


def test_points_are_weekly_from_the_day_after_opening_and_each_deal_weighs_one():
    history = deal(days=(10, 10))
    times = snapshot_times(history)
    assert times == [T0 + timedelta(days=1), T0 + timedelta(days=8), T0 + timedelta(days=15)]
    points = points_of(history, [])
    assert [p.stage_probability for p in points] == [0.2, 0.2, 0.6]
    assert math.isclose(sum(p.weight for p in points), 1.0) and {p.won for p in points} == {1}


def test_a_long_deal_gets_at_most_twelve_points_spread_over_its_life():
    times = snapshot_times(deal(days=(300, 100)))
    assert len(times) == 12 and times[0] == T0 + timedelta(days=1) and times[-1] > T0 + timedelta(days=390)


def test_amount_bands_are_the_quarters_of_the_training_amounts():
    edges = amount_edges([1, 2, 3, 4, 5, 6, 7, 8])
    assert edges == (3, 5, 7)
    assert [amount_band(a, edges) for a in (1, 3, 6, 100)] == ["band 1 of 4", "band 2 of 4", "band 3 of 4",
                                                                 "band 4 of 4"]


def test_naive_bayes_counts_every_stage_a_deal_reached_and_smooths():
    deals = [deal(1, won=True, source="referral"), deal(2, won=False, source="cold", stages=("lead",)),
             deal(3, won=False, source="cold", stages=("lead", "offer"))]
    bayes = NaiveBayes.fit(deals, [])
    assert bayes.counts["stage"]["small-deal/lead"] == (1, 2)
    assert bayes.counts["stage"]["small-deal/offer"] == (1, 1)
    # prior (1+1)/(3+2) vs (2+1)/5, times source referral (1+1)/(1+2) vs (0+1)/(2+2)
    expected_won, expected_lost = 2 / 5 * 2 / 3, 3 / 5 * 1 / 4
    assert bayes.probability({"source": "referral"}) == pytest.approx(expected_won / (expected_won + expected_lost))
    assert bayes.probability({"source": "never seen"}) == pytest.approx(2 / 5 / (2 / 5 + 3 / 5))


def _histories(count, seed=1):
    """Referral deals are won four times in five, cold calls one in five."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        source = rng.choice(["referral", "cold"])
        won = rng.random() < (0.8 if source == "referral" else 0.2)
        out.append(deal(i + 1, won=won, source=source, opened=T0 + timedelta(days=i), days=(5, 9)))
    return out


def test_the_learned_model_finds_the_source_that_wins_and_explains_it_exactly():
    histories = _histories(200)
    points = [p for d in histories for p in points_of(d, [])]
    model = LogisticModel.fit(points, [], penalty=1.0)
    referral = {**points[0].features, "source": "referral"}
    cold = {**points[0].features, "source": "cold"}
    assert model.probability(referral) > 0.65 > 0.35 > model.probability(cold)
    baseline, parts = model.explain(referral)
    assert [p.factor for p in parts][:2] == ["stage", "days_in_stage"]
    source = next(p for p in parts if p.factor == "source")
    assert source.value == "referral" and source.log_odds > 0.5
    total = 1 / (1 + math.exp(-(baseline + sum(p.log_odds for p in parts))))
    assert total == pytest.approx(model.probability(referral))
    again = LogisticModel.from_record(model.as_record())
    assert again.probability(cold) == pytest.approx(model.probability(cold))


def test_fitting_twice_gives_the_same_model():
    points = [p for d in _histories(80) for p in points_of(d, [])]
    assert LogisticModel.fit(points, [], 1.0).as_record() == LogisticModel.fit(points, [], 1.0).as_record()


def test_the_backtest_enables_the_model_only_when_it_beats_the_stage_table_on_later_deals():
    result = win_backtest.backtest(_histories(200))
    assert result.train_deals == 140 and result.held_out_deals == 60
    assert result.learned.brier < result.stage_table.brier and result.enabled
    assert "better than the stage table's" in result.reason
    assert sum(b.weight for b in result.learned.bins) == pytest.approx(60)


def test_the_backtest_refuses_to_judge_on_too_few_deals():
    result = win_backtest.backtest(_histories(20))
    assert not result.enabled and result.learned is None
    assert result.reason.startswith("too few closed deals to learn from: 14")


def test_a_live_deal_is_scored_as_it_stands_now():
    history = deal(won=True, days=(10, 10))
    point = live_point(history, T0 + timedelta(days=12), [])
    assert point.features["stage"] == "small-deal/offer" and point.won is None and point.stage_probability == 0.6
