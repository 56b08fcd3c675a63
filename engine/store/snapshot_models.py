"""Daily snapshots of the open deals (M17), kept without a time limit, so that any
report can be run as of a past day and trends drawn.

One row per open deal per day: ``(snapshot_date, opportunity_id)`` is the primary
key, which is what makes the sweep idempotent — a second sweep of the same day, or
two sweeps at once, insert nothing twice (``INSERT … ON CONFLICT DO NOTHING``).
The row holds what the forecast and the pipeline reports group and sum by, as it
was that day; what does not change over a deal's life (title, partner, territory,
source) stays on ``opportunities`` and is joined when needed. Shares
``models.Base``, like ``partner_models``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.store.models import Base
from engine.store.types import Money, UtcDateTime


class DealSnapshot(Base):
    __tablename__ = "deal_snapshots"
    __table_args__ = (
        # a deal's own history, day by day ("what moved since last week")
        Index("ix_deal_snapshots_opportunity_date", "opportunity_id", "snapshot_date"),
    )

    snapshot_date: Mapped[date] = mapped_column(Date, primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id"), primary_key=True)
    stage_id: Mapped[str | None] = mapped_column(String(80))
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    probability: Mapped[int] = mapped_column(Integer)
    # The category in force that day (the rep's override, else the ranges') and
    # whether it was the override — a forecast's accuracy is scored separately for
    # deals included by hand.
    forecast_category: Mapped[str] = mapped_column(String(20))
    category_overridden: Mapped[bool] = mapped_column(Boolean)
    expected_close_date: Mapped[date | None] = mapped_column(Date)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    methodology_version_id: Mapped[int] = mapped_column(ForeignKey("methodology_versions.id"))
    segment_id: Mapped[str] = mapped_column(String(80))
    taken_at: Mapped[datetime] = mapped_column(UtcDateTime)  # when the sweep wrote the row
