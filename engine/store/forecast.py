"""The reads and writes of the forecast (M15): the deals that count in a period for
some owners (won in it, or open and expected to close in it), managers'
adjustments (append-only; the newest per person, currency and category is in
force) and submitted forecasts (append-only snapshots)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from engine.rules import time_zones
from engine.rules.periods import Period
from engine.store.models import Opportunity, User
from engine.store.quota_models import ForecastAdjustment, ForecastSubmission


@dataclass(frozen=True)
class DealRow:
    owner_id: int
    currency: str
    amount: Decimal
    probability: int
    status: str
    closed_at: datetime | None
    expected_close_date: date | None
    override: str | None
    methodology_version_id: int


@dataclass(frozen=True)
class AdjustmentRow:
    subject_id: int
    currency: str
    category: str
    amount: Decimal
    note: str
    by: str
    at: datetime


def deals(session: Session, owner_ids: list[int], period: Period, zone: str = time_zones.DEFAULT) -> list[DealRow]:
    """Won deals closed in the period (by the company's day, ``zone``) and open
    deals expected in it."""
    if not owner_ids:
        return []
    query = (select(Opportunity.owner_id, Opportunity.currency, Opportunity.amount, Opportunity.probability,
                    Opportunity.status, Opportunity.closed_at, Opportunity.expected_close_date,
                    Opportunity.forecast_category_override, Opportunity.methodology_version_id)
             .where(Opportunity.owner_id.in_(owner_ids),
                    or_(and_(Opportunity.status == "won", Opportunity.closed_at >= time_zones.day_start(period.start, zone),
                             Opportunity.closed_at < time_zones.day_start(period.end, zone)),
                        and_(Opportunity.status == "open", Opportunity.expected_close_date >= period.start,
                             Opportunity.expected_close_date < period.end))))
    return [DealRow(*row) for row in session.execute(query)]


def _in(model, period: Period):
    return (model.period_start == period.start, model.period_end == period.end)


def adjustments(session: Session, subject_ids: list[int], period: Period) -> list[AdjustmentRow]:
    """The adjustments in force: the newest per (person, currency, category)."""
    if not subject_ids:
        return []
    rows = session.execute(
        select(ForecastAdjustment, User.username).join(User, User.id == ForecastAdjustment.adjusted_by_id)
        .where(ForecastAdjustment.subject_id.in_(subject_ids), *_in(ForecastAdjustment, period))
        .order_by(ForecastAdjustment.adjusted_at, ForecastAdjustment.id))
    newest: dict[tuple[int, str, str], AdjustmentRow] = {}
    for a, by in rows:
        newest[(a.subject_id, a.currency, a.category)] = AdjustmentRow(a.subject_id, a.currency, a.category,
                                                                       a.amount, a.note, by, a.adjusted_at)
    return list(newest.values())


def add_adjustment(session: Session, *, subject_id: int, period: Period, currency: str, category: str,
                   amount: Decimal, note: str, by: int, at: datetime) -> None:
    session.add(ForecastAdjustment(subject_id=subject_id, period_kind=period.kind, period_start=period.start,
                                   period_end=period.end, currency=currency, category=category, amount=amount,
                                   note=note, adjusted_by_id=by, adjusted_at=at))
    session.flush()


def add_submission(session: Session, *, user_id: int, period: Period, at: datetime, figures: dict) -> int:
    row = ForecastSubmission(user_id=user_id, period_kind=period.kind, period_start=period.start,
                             period_end=period.end, submitted_at=at, figures=figures)
    session.add(row)
    session.flush()
    return row.id


def submissions(session: Session, user_id: int, period: Period) -> list[tuple[int, datetime, dict]]:
    """(id, when, figures) of the person's submissions of the period, newest first."""
    return [tuple(row) for row in session.execute(
        select(ForecastSubmission.id, ForecastSubmission.submitted_at, ForecastSubmission.figures)
        .where(ForecastSubmission.user_id == user_id, *_in(ForecastSubmission, period))
        .order_by(ForecastSubmission.submitted_at.desc(), ForecastSubmission.id.desc()))]
