"""What the snapshot use cases return (M17): a sweep's report, and one day's
snapshot of the open deals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class SnapshotReport:
    """A sweep: the day it filed under, how many open deals that day has on file
    after it, and how many of those this sweep wrote (0 when the day was done)."""

    day: date
    on_file: int
    new: int


@dataclass(frozen=True)
class DealSnapshotView:
    opportunity_id: int
    stage_id: str | None
    amount: Decimal
    currency: str
    probability: int
    forecast_category: str
    category_overridden: bool
    expected_close_date: date | None
    owner: str | None
    segment_id: str
    methodology_version_id: int
    taken_at: datetime


@dataclass(frozen=True)
class SnapshotDay:
    """The open deals as of ``asked``: read from ``day``, the latest day up to it
    that has snapshots (None: there are none that early)."""

    asked: date
    day: date | None
    deals: tuple[DealSnapshotView, ...]
