"""The frozen values of the learned win probability (issue 13): the model in force
with its backtest, and one deal's learned probability explained per factor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

ESTIMATES = ("stage_table", "naive_bayes", "learned")
ESTIMATE_LABELS = {"stage_table": "Stage table", "naive_bayes": "Naive Bayes (Odoo's method)",
                   "learned": "Learned model"}


@dataclass(frozen=True)
class CalibrationRow:
    low: float
    high: float
    deals: float  # deals' worth of snapshot points whose estimate fell in [low, high)
    predicted: float  # their average estimate
    observed: float  # the share of them won


@dataclass(frozen=True)
class WinModelView:
    """The newest training. ``brier`` and ``calibration`` per estimate (ESTIMATES),
    on the held-out deals; empty when there were too few deals to judge."""
    trained_at: datetime
    trained_by: str | None  # None: the worker
    deals_used: int
    train_deals: int
    held_out_deals: int
    cut_at: datetime | None
    brier: dict[str, float]
    calibration: dict[str, tuple[CalibrationRow, ...]]
    enabled: bool
    reason: str
    factors: int  # the model's one-hot columns (0: none trained)


@dataclass(frozen=True)
class FactorPart:
    factor: str  # stage, days_in_stage, ..., questionnaire:<id>
    label: str
    value: str
    log_odds: float  # how far this value moves the deal's log-odds from the average deal's


@dataclass(frozen=True)
class DealWinProbability:
    """One deal's learned probability, ``shown`` only when the model is enabled and
    the deal stands in an open stage; ``reason`` says why not otherwise."""
    opportunity_id: int
    shown: bool
    reason: str
    probability: int | None  # percent
    stage_probability: int  # the deal's probability from the stage table (and its classes), percent
    baseline: int | None  # the average deal's learned probability, percent
    factors: tuple[FactorPart, ...]
    model: WinModelView | None
