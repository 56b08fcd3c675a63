"""The frozen values of the forecast (M15): per person and rolled up, per currency,
the figures as computed and as adjusted by their manager, quota and progress; the
submitted snapshots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from engine.views.quotas import PeriodView


@dataclass(frozen=True)
class Amounts:
    closed_won: Decimal
    commit: Decimal
    best_case: Decimal
    pipeline: Decimal
    weighted: Decimal
    deals: int


@dataclass(frozen=True)
class Adjustment:
    category: str
    amount: Decimal
    note: str
    by: str
    at: datetime


@dataclass(frozen=True)
class CurrencyLine:
    """One currency of a person's forecast (own deals, or their rollup): ``figures``
    as the deals give them, ``adjusted`` with the manager's adjustments in place
    (equal when there are none), quota in this currency and progress (closed won as
    a percent of quota; None without a quota in this currency)."""

    currency: str
    figures: Amounts
    adjusted: Amounts
    adjustments: tuple[Adjustment, ...]
    quota: Decimal | None
    progress: int | None


@dataclass(frozen=True)
class PersonForecast:
    username: str
    display_name: str
    depth: int  # 0 = the person the forecast is for, 1 = their direct reports, ...
    manager: str | None  # whose direct report they are in this tree
    is_manager: bool
    own: tuple[CurrencyLine, ...]
    rollup: tuple[CurrencyLine, ...]  # own plus everyone below them (a rep: the same as own)
    may_adjust: bool  # the viewer is their manager and they have no reports of their own
    active: bool = True  # False: deactivated, shown for the quota, deals or adjustments they have in the period


@dataclass(frozen=True)
class Submission:
    id: int
    submitted_at: datetime
    figures: dict  # the snapshot as stored (amounts as text)


@dataclass(frozen=True)
class ForecastView:
    period: PeriodView
    username: str  # whose forecast
    people: tuple[PersonForecast, ...]  # the person first, then everyone below them, depth first
    total: tuple[CurrencyLine, ...]  # the person's rollup
    submissions: tuple[Submission, ...]  # the person's, newest first
    may_submit: bool
    people_choices: tuple[str, ...]  # whose forecasts the viewer may open
