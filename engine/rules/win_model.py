"""Two ways to learn a win probability from a company's closed deals. Pure.

``NaiveBayes`` is Odoo's predictive lead scoring, as its ``crm_lead.py`` describes
it: per field and value, how many won and how many lost deals had it; a deal's
probability is the won prior times the product of its values' won frequencies,
against the same for lost. A stage counts for every stage the deal *reached*
(a won deal went through all of its stages), each deal counts once with the
values it ended with, and a value never seen is left out. Laplace smoothing
(one more of each value) keeps an unseen combination from being certain.

``LogisticModel`` is the learned model: a logistic regression over the same
factors one-hot encoded, plus time in stage and the deal's age, fitted on
every snapshot point (``engine.rules.win_facts``) with an L2 penalty by Newton's
method — deterministic, no random start, a handful of iterations. Its
explanation is exact: with the features centred on the training average,

    log-odds = baseline + sum of the factors' contributions

where the baseline is the log-odds of the average training point and each
factor's contribution says how much this deal's value of it moves the odds.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import numpy as np

from engine.rules.win_facts import FACTORS, QUESTIONNAIRE, UNANSWERED, UNKNOWN, DealHistory, Point, amount_band

SMOOTHING = 1.0  # Laplace: one more won and lost deal of every value
MAX_NEWTON_STEPS = 50


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def sigmoid(z):
    return 1 / (1 + np.exp(-np.clip(z, -35, 35)))


def factor_order(factors: Iterable[str]) -> list[str]:
    """FACTORS first, then the questionnaires by name."""
    present = set(factors)
    return [f for f in FACTORS if f in present] + sorted(f for f in present if f not in FACTORS)


# --- Odoo's naive Bayes --------------------------------------------------------------

@dataclass(frozen=True)
class NaiveBayes:
    won: int
    lost: int
    counts: Mapping[str, Mapping[str, tuple[int, int]]]  # field -> value -> (won, lost)

    @classmethod
    def fit(cls, deals: Sequence[DealHistory], edges: Sequence[float]) -> "NaiveBayes":
        counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
        won = lost = 0
        for deal in deals:
            column = 0 if deal.won else 1
            won, lost = won + (column == 0), lost + (column == 1)
            for field, value in _final_values(deal, edges):
                counts[field][value][column] += 1
        return cls(won, lost, {f: {v: (c[0], c[1]) for v, c in values.items()} for f, values in counts.items()})

    def probability(self, features: Mapping[str, str]) -> float:
        """P(won) of a deal with these features (its stage: the one it is in now)."""
        log_won = math.log(self.won + SMOOTHING) - math.log(self.won + self.lost + 2 * SMOOTHING)
        log_lost = math.log(self.lost + SMOOTHING) - math.log(self.won + self.lost + 2 * SMOOTHING)
        for field, value in features.items():
            if field in ("days_in_stage", "age"):
                continue  # Odoo's method knows no time
            seen = self.counts.get(field, {})
            if value not in seen:
                continue  # a value no closed deal had tells nothing
            values = len(seen)
            n_won, n_lost = seen[value]
            log_won += math.log((n_won + SMOOTHING) / (self.won + SMOOTHING * values))
            log_lost += math.log((n_lost + SMOOTHING) / (self.lost + SMOOTHING * values))
        return 1 / (1 + math.exp(min(700.0, log_lost - log_won)))


def _final_values(deal: DealHistory, edges: Sequence[float]) -> Iterable[tuple[str, str]]:
    yield from (("methodology", deal.methodology), ("segment", deal.segment or UNKNOWN),
                ("source", deal.source or UNKNOWN), ("industry", deal.industry or UNKNOWN),
                ("amount_band", amount_band(deal.amount, edges)))
    reached = {f"{entry.methodology or deal.methodology}/{entry.stage}" for entry in deal.stages
               if entry.outcome == "open"}
    yield from (("stage", stage) for stage in sorted(reached))
    last = {}
    for given in sorted(deal.classes, key=lambda c: c.at):
        last[QUESTIONNAIRE + given.questionnaire] = given.score_class
    yield from sorted(last.items())


# --- the learned model ----------------------------------------------------------------

@dataclass(frozen=True)
class Contribution:
    factor: str
    value: str
    log_odds: float  # how far this value moves the deal's log-odds from the baseline


@dataclass(frozen=True)
class LogisticModel:
    columns: tuple[tuple[str, str], ...]  # (factor, value) of each one-hot column
    coefficients: tuple[float, ...]
    means: tuple[float, ...]  # each column's weighted training average (the centre)
    intercept: float
    penalty: float
    edges: tuple[float, ...]  # the amount bands the model was trained with

    @classmethod
    def fit(cls, points: Sequence[Point], edges: Sequence[float], penalty: float) -> "LogisticModel":
        columns = sorted({(f, v) for p in points for f, v in p.features.items()},
                         key=lambda c: (FACTORS.index(c[0]) if c[0] in FACTORS else len(FACTORS), c))
        # Points with the same features are fitted as one row carrying their summed
        # weight and weighted wins: the same loss exactly, and fewer rows (the one-hot
        # factors repeat), so that a big company's training stays a matter of seconds.
        groups: dict[tuple, list[float]] = {}
        for point in points:
            group = groups.setdefault(tuple(sorted(point.features.items())), [0.0, 0.0])
            group[0] += point.weight
            group[1] += point.weight * point.won
        x = _matrix([dict(key) for key in groups], columns)
        weight = np.array([g[0] for g in groups.values()])
        wins = np.array([g[1] for g in groups.values()])
        means = (weight @ x) / weight.sum() if groups else np.zeros(len(columns))
        beta = _newton(x - means, weight, wins, penalty)
        return cls(tuple(columns), tuple(float(b) for b in beta[1:]), tuple(float(m) for m in means),
                   float(beta[0]), penalty, tuple(edges))

    def probabilities(self, points: Sequence[Point]) -> np.ndarray:
        x = _matrix(points, self.columns) - np.array(self.means)
        return sigmoid(self.intercept + x @ np.array(self.coefficients))

    def probability(self, features: Mapping[str, str]) -> float:
        baseline, parts = self.explain(features)
        return float(sigmoid(baseline + sum(p.log_odds for p in parts)))

    def explain(self, features: Mapping[str, str]) -> tuple[float, list[Contribution]]:
        """The baseline log-odds (the average training point) and, per factor, how
        much this deal's value moves it: contributions that add up exactly."""
        by_factor: dict[str, float] = defaultdict(float)
        for (factor, value), beta, mean in zip(self.columns, self.coefficients, self.means):
            by_factor[factor] += beta * ((1.0 if features.get(factor) == value else 0.0) - mean)
        parts = [Contribution(f, features.get(f, UNANSWERED if f.startswith(QUESTIONNAIRE) else "—"), by_factor[f])
                 for f in factor_order(by_factor)]
        return self.intercept, parts

    def as_record(self) -> dict:
        return {"columns": [list(c) for c in self.columns], "coefficients": list(self.coefficients),
                "means": list(self.means), "intercept": self.intercept, "penalty": self.penalty,
                "edges": list(self.edges)}

    @classmethod
    def from_record(cls, record: Mapping) -> "LogisticModel":
        return cls(tuple((c[0], c[1]) for c in record["columns"]), tuple(record["coefficients"]),
                   tuple(record["means"]), float(record["intercept"]), float(record["penalty"]),
                   tuple(record["edges"]))


def _matrix(rows: Sequence[Point | Mapping[str, str]], columns: Sequence[tuple[str, str]]) -> np.ndarray:
    """One-hot: a row per point (or features mapping), a column per (factor, value)."""
    index = {column: i for i, column in enumerate(columns)}
    x = np.zeros((len(rows), len(columns)))
    for row, features in enumerate(rows):
        for column in (features.features if isinstance(features, Point) else features).items():
            if column in index:
                x[row, index[column]] = 1.0
    return x


def _newton(x: np.ndarray, weight: np.ndarray, wins: np.ndarray, penalty: float) -> np.ndarray:
    """Minimises the weighted log loss (rows of ``x`` with their ``weight`` and
    weighted ``wins``) plus penalty/2 * |beta|^2 (the intercept is not penalised) by
    Newton's method from zero: the same data, the same model."""
    design = np.hstack([np.ones((len(x), 1)), x])
    ridge = np.full(design.shape[1], penalty)
    ridge[0] = 0.0
    beta = np.zeros(design.shape[1])
    for _ in range(MAX_NEWTON_STEPS):
        p = sigmoid(design @ beta)
        gradient = design.T @ (weight * p - wins) + ridge * beta
        # einsum, not a BLAS product: on a busy machine OpenBLAS's threads made this 5x slower
        curvature = np.einsum("ij,ik->jk", design * (weight * p * (1 - p))[:, None], design)
        step = np.linalg.solve(curvature + np.diag(ridge) + 1e-9 * np.eye(len(beta)), gradient)
        beta -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return beta
