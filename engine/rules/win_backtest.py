"""How good a win probability is, and whether the learned one may be shown. Pure.

The three estimates — the stage table's probability, Odoo's naive Bayes and the
learned model — are compared on the same held-out deals: the models are trained
on the deals closed before a cut date and judged on the snapshot points of the
deals closed after it (time-ordered, as they would have been used). The measure
is the Brier score, the mean of (probability - outcome)^2 with each deal
weighing one: 0 is perfect, 0.25 is a coin toss. Calibration bins show, per
tenth of predicted probability, how often those deals were actually won.

The learned model is enabled only when it was trained and judged on enough
deals (MIN_TRAIN_DEALS, MIN_HELD_OUT_DEALS, both outcomes among each) and its
Brier score on the held-out deals is lower than the stage table's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

import numpy as np

from engine.rules.win_facts import DealHistory, Point, amount_edges, points_of
from engine.rules.win_model import LogisticModel, NaiveBayes

HELD_OUT_SHARE = 0.3  # the last 30 % of the closed deals, by the day they closed
PENALTIES = (0.3, 1.0, 3.0, 10.0)  # L2 strengths tried on the training deals' own later part
DEFAULT_PENALTY = 1.0
MIN_TRAIN_DEALS = 30
MIN_HELD_OUT_DEALS = 20
MIN_EACH_OUTCOME = 5
BINS = 10


@dataclass(frozen=True)
class CalibrationBin:
    low: float
    high: float
    weight: float  # deals' worth of points in the bin
    predicted: float  # their average predicted probability
    observed: float  # the share of them won


@dataclass(frozen=True)
class Scores:
    brier: float
    bins: tuple[CalibrationBin, ...]


@dataclass(frozen=True)
class Backtest:
    cut: datetime | None
    train_deals: int
    held_out_deals: int
    held_out_points: int
    stage_table: Scores | None
    naive_bayes: Scores | None
    learned: Scores | None
    penalty: float
    enabled: bool
    reason: str  # why it is (not) enabled, in a sentence


def brier(probabilities: Sequence[float], points: Sequence[Point]) -> float:
    p = np.asarray(probabilities, dtype=float)
    y = np.array([pt.won for pt in points], dtype=float)
    w = np.array([pt.weight for pt in points], dtype=float)
    return float((w * (p - y) ** 2).sum() / w.sum())


def calibration(probabilities: Sequence[float], points: Sequence[Point]) -> tuple[CalibrationBin, ...]:
    sums = [[0.0, 0.0, 0.0] for _ in range(BINS)]  # weight, weighted prediction, weighted wins
    for p, point in zip(probabilities, points):
        row = sums[min(BINS - 1, int(float(p) * BINS))]
        row[0] += point.weight
        row[1] += point.weight * float(p)
        row[2] += point.weight * point.won
    return tuple(CalibrationBin(i / BINS, (i + 1) / BINS, w, s / w, won / w)
                 for i, (w, s, won) in enumerate(sums) if w > 0)


def scores(probabilities: Sequence[float], points: Sequence[Point]) -> Scores:
    return Scores(brier(probabilities, points), calibration(probabilities, points))


def cut_date(deals: Sequence[DealHistory], held_out: float = HELD_OUT_SHARE) -> datetime | None:
    """The close date from which on deals are held out (None: no closed deal)."""
    closed = sorted(d.closed_at for d in deals if d.closed)
    if not closed:
        return None
    return closed[min(len(closed) - 1, int(len(closed) * (1 - held_out)))]


def split(deals: Sequence[DealHistory], cut: datetime) -> tuple[list[DealHistory], list[DealHistory]]:
    closed = [d for d in deals if d.closed]
    return [d for d in closed if d.closed_at < cut], [d for d in closed if d.closed_at >= cut]


def fit(deals: Sequence[DealHistory], penalty: float | None = None) -> tuple[LogisticModel, NaiveBayes]:
    """Both models trained on ``deals`` (closed); the penalty, unless given, chosen
    on the deals' own later part (time-ordered again)."""
    edges = amount_edges([d.amount for d in deals])
    if penalty is None:
        penalty = choose_penalty(deals)
    points = [p for d in deals for p in points_of(d, edges)]
    return LogisticModel.fit(points, edges, penalty), NaiveBayes.fit(deals, edges)


def choose_penalty(deals: Sequence[DealHistory]) -> float:
    cut = cut_date(deals, 0.25)
    if cut is None:
        return DEFAULT_PENALTY
    early, late = split(deals, cut)
    if not _enough(early, MIN_EACH_OUTCOME * 2) or not _enough(late, MIN_EACH_OUTCOME * 2):
        return DEFAULT_PENALTY
    edges = amount_edges([d.amount for d in early])
    train = [p for d in early for p in points_of(d, edges)]
    judged = [p for d in late for p in points_of(d, edges)]
    if not train or not judged:
        return DEFAULT_PENALTY
    # ties go to the stronger penalty: the simpler model
    return min(reversed(PENALTIES),
               key=lambda c: round(brier(LogisticModel.fit(train, edges, c).probabilities(judged), judged), 6))


def backtest(deals: Sequence[DealHistory], cut: datetime | None = None) -> Backtest:
    cut = cut or cut_date(deals)
    train, held_out = split(deals, cut) if cut else ([], [])
    if not _enough(train, MIN_TRAIN_DEALS):
        return _refused(cut, train, held_out, f"too few closed deals to learn from: {len(train)} before "
                        f"the held-out ones, {MIN_TRAIN_DEALS} needed with at least {MIN_EACH_OUTCOME} won and "
                        f"{MIN_EACH_OUTCOME} lost")
    if not _enough(held_out, MIN_HELD_OUT_DEALS):
        return _refused(cut, train, held_out, f"too few held-out deals to judge it on: {len(held_out)}, "
                        f"{MIN_HELD_OUT_DEALS} needed with at least {MIN_EACH_OUTCOME} won and "
                        f"{MIN_EACH_OUTCOME} lost")
    model, bayes = fit(train)
    points = [p for d in held_out for p in points_of(d, model.edges)]
    stage = scores([p.stage_probability for p in points], points)
    naive = scores([bayes.probability(p.features) for p in points], points)
    learned = scores(model.probabilities(points), points)
    better = learned.brier < stage.brier
    reason = (f"its Brier score on {len(held_out)} held-out deals is {learned.brier:.3f}, "
              f"{'better' if better else 'not better'} than the stage table's {stage.brier:.3f}")
    return Backtest(cut, len(train), len(held_out), len(points), stage, naive, learned, model.penalty,
                    better, reason)


def _enough(deals: Sequence[DealHistory], least: int) -> bool:
    won = sum(1 for d in deals if d.won)
    return len(deals) >= least and won >= MIN_EACH_OUTCOME and len(deals) - won >= MIN_EACH_OUTCOME


def _refused(cut, train, held_out, reason: str) -> Backtest:
    return Backtest(cut, len(train), len(held_out), 0, None, None, None, DEFAULT_PENALTY, False, reason)
