"""The reads of the pipeline analysis and the methodology comparison: the deals in
a report's scope with the attributes they are grouped by, their stage history,
and the segments' methodology swaps. One query each, narrow columns only (a
report over 100,000 deals reads tuples, never ORM objects).

Territory, industry, lead source and campaign: the deal's own attribute (set when
it was opened, routing reads it), else its partner card's column."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from engine.rules.report_scope import Scope
from engine.store.models import MethodologySwap, Opportunity, StageChange, Team, User
from engine.store.partner_models import Partner

ATTRIBUTES = ("territory", "industry", "source", "campaign")  # deal attribute, else the partner card's column


@dataclass(frozen=True)
class DealRow:
    id: int
    status: str
    currency: str
    amount: Decimal
    weighted: Decimal
    opened_at: datetime
    closed_at: datetime | None
    version_id: int
    stage_id: str | None
    segment_id: str
    owner: str
    team: str | None
    territory: str | None
    industry: str | None
    source: str | None
    campaign: str | None


@dataclass(frozen=True)
class StepRow:
    deal_id: int
    version_id: int
    stage_id: str
    at: datetime


@dataclass(frozen=True)
class SwapRow:
    id: int
    segment_id: str
    from_version_id: int | None
    to_version_id: int
    at: datetime
    reverses_id: int | None
    reversed_by_swap_id: int | None


def led_team_ids(session: Session, user_id: int) -> frozenset[int]:
    return frozenset(session.scalars(select(Team.id).where(Team.manager_id == user_id)))


def _in_scope(query, scope: Scope):
    if scope.everything:
        return query
    if not scope.managed:
        return query.where(Opportunity.owner_id == scope.user_id)
    either = [Opportunity.owner_id == scope.user_id, Opportunity.manager_id == scope.user_id]
    if scope.team_ids:
        either.append(Opportunity.team_id.in_(sorted(scope.team_ids)))
    return query.where(or_(*either))


def _attribute(name: str):
    deal_value = func.nullif(Opportunity.attributes[name].as_string(), "")
    return func.coalesce(deal_value, func.nullif(getattr(Partner, name), ""))


def deals(session: Session, scope: Scope, *, segment_id: str | None = None) -> list[DealRow]:
    query = (select(Opportunity.id, Opportunity.status, Opportunity.currency, Opportunity.amount,
                    Opportunity.expected_revenue, Opportunity.opened_at, Opportunity.closed_at,
                    Opportunity.methodology_version_id, Opportunity.stage_id, Opportunity.segment_id,
                    User.username, Team.name, *(_attribute(name) for name in ATTRIBUTES))
             .join(User, User.id == Opportunity.owner_id)
             .join(Partner, Partner.id == Opportunity.partner_id)
             .outerjoin(Team, Team.id == Opportunity.team_id))
    if segment_id:
        query = query.where(Opportunity.segment_id == segment_id)
    return [DealRow(*row) for row in session.execute(_in_scope(query, scope).order_by(Opportunity.id))]


def steps(session: Session, scope: Scope) -> list[StepRow]:
    """Every move of the deals in scope into a stage, oldest first; each with the
    version whose stage table names the stage (a swap keeps the old names)."""
    version = func.coalesce(StageChange.methodology_version_id, Opportunity.methodology_version_id)
    query = (select(StageChange.opportunity_id, version, StageChange.to_stage, StageChange.changed_at)
             .join(Opportunity, Opportunity.id == StageChange.opportunity_id))
    query = _in_scope(query, scope).order_by(StageChange.opportunity_id, StageChange.id)
    return [StepRow(*row) for row in session.execute(query)]


def swaps(session: Session) -> list[SwapRow]:
    return [SwapRow(*row) for row in session.execute(
        select(MethodologySwap.id, MethodologySwap.segment_id, MethodologySwap.from_version_id,
               MethodologySwap.to_version_id, MethodologySwap.at, MethodologySwap.reverses_id,
               MethodologySwap.reversed_by_swap_id).order_by(MethodologySwap.at, MethodologySwap.id))]
