"""Quotas and forecasts as SQLAlchemy models (M14, M15): the company's settings
(the fiscal year's first month), quota records with their lines, managers'
forecast adjustments and submitted forecasts.

They share ``models.Base`` (one schema, one migration chain). A period is stored
as its kind and days (``period_start`` included, ``period_end`` excluded), never
as its name, so changing the fiscal calendar loses nothing (engine.rules.periods).

Committed quota records, adjustments and submissions are append-only: the code
never updates or deletes them. Only a draft record (and its lines) is rewritten or
removed, by its author.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.store.models import Base
from engine.store.types import Money, UtcDateTime


class CompanySetting(Base):
    """One company-wide setting an admin changes (``fiscal_year_start_month``)."""

    __tablename__ = "company_settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class QuotaRecord(Base):
    """A quota ``set`` on one person from above (one line, for ``subject_id``), or a
    ``split`` of ``subject_id``'s quota among their direct reports (a line each).
    A draft (``version`` None) belongs to its author; committing writes a new
    record with the next version for (kind, subject, period)."""

    __tablename__ = "quota_records"
    __table_args__ = (
        UniqueConstraint("kind", "subject_id", "period_start", "period_end", "version",
                         name="uq_quota_records_version"),
        Index("ix_quota_records_period", "period_start", "period_end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # set, split
    subject_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    period_kind: Mapped[str] = mapped_column(String(10))  # month, quarter, year
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(10))  # draft, committed
    version: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class QuotaLine(Base):
    __tablename__ = "quota_lines"

    record_id: Mapped[int] = mapped_column(ForeignKey("quota_records.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    amount: Mapped[Decimal] = mapped_column(Money)


class ForecastAdjustment(Base):
    """A manager's figure for a direct report's forecast category in one period and
    currency, with why; the newest per (person, period, currency, category) is in
    force, and the unadjusted figure is always computed beside it."""

    __tablename__ = "forecast_adjustments"
    __table_args__ = (Index("ix_forecast_adjustments_subject_period", "subject_id", "period_start",
                            "period_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    period_kind: Mapped[str] = mapped_column(String(10))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    category: Mapped[str] = mapped_column(String(20))  # commit, best_case, pipeline
    amount: Mapped[Decimal] = mapped_column(Money)
    note: Mapped[str] = mapped_column(Text)
    adjusted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    adjusted_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ForecastSubmission(Base):
    """A submitted forecast: who, when, and the figures as they were (per person and
    rolled up, per currency, as JSON with amounts as text): never changed."""

    __tablename__ = "forecast_submissions"
    __table_args__ = (Index("ix_forecast_submissions_user_period", "user_id", "period_start", "period_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    period_kind: Mapped[str] = mapped_column(String(10))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    figures: Mapped[dict] = mapped_column(JSON)
