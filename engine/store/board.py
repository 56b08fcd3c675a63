"""The pipeline board's reads (engine.service.board): the deals in the viewer's
scope that the board shows, their open tasks and their open warnings — each one
set-based statement over the same filtered deals, however many deals there are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from engine.rules.report_scope import Scope
from engine.store.models import InboxTask, MethodologyVersion, Opportunity, Team, User
from engine.store.report_scope import where_in_scope
from engine.store.warning_models import DealWarning


@dataclass(frozen=True)
class BoardFilter:
    methodology: str | None = None
    owner: str | None = None  # username
    team_id: int | None = None
    segment: str | None = None


@dataclass(frozen=True)
class DealRow:
    id: int
    title: str
    partner_name: str
    amount: Decimal
    currency: str
    probability: int
    stage_id: str | None
    status: str
    methodology_version_id: int
    methodology_id: str
    owner: str
    owner_name: str
    owner_id: int
    manager_id: int | None
    team_id: int | None


@dataclass(frozen=True)
class TaskRow:
    id: str
    opportunity_id: int
    node_id: str
    name: str
    kind: str
    due_at: datetime | None
    assignee_id: int | None
    candidate_team_id: int | None


def _shown(scope: Scope, where: BoardFilter, closed_since: datetime):
    """The ids of the deals the board shows: open ones, and those closed since
    ``closed_since``, in scope and through the filters (a subquery)."""
    q = select(Opportunity.id).select_from(Opportunity)
    q = where_in_scope(q, scope, Opportunity.owner_id, Opportunity.manager_id, Opportunity.team_id)
    q = q.where(or_(Opportunity.status == "open",
                    and_(Opportunity.status.in_(("won", "lost")), Opportunity.closed_at >= closed_since)))
    if where.methodology:
        q = q.where(Opportunity.methodology_version_id.in_(
            select(MethodologyVersion.id).where(MethodologyVersion.methodology_id == where.methodology)))
    if where.owner:
        q = q.where(Opportunity.owner_id.in_(select(User.id).where(User.username == where.owner)))
    if where.team_id is not None:
        q = q.where(Opportunity.team_id == where.team_id)
    if where.segment:
        q = q.where(Opportunity.segment_id == where.segment)
    return q


def deals(session: Session, scope: Scope, where: BoardFilter, closed_since: datetime) -> list[DealRow]:
    q = (select(Opportunity.id, Opportunity.title, Opportunity.partner_name, Opportunity.amount,
                Opportunity.currency, Opportunity.probability, Opportunity.stage_id, Opportunity.status,
                Opportunity.methodology_version_id, MethodologyVersion.methodology_id, User.username,
                User.display_name, Opportunity.owner_id, Opportunity.manager_id, Opportunity.team_id)
         .select_from(Opportunity)
         .join(MethodologyVersion, MethodologyVersion.id == Opportunity.methodology_version_id)
         .join(User, User.id == Opportunity.owner_id)
         .where(Opportunity.id.in_(_shown(scope, where, closed_since)))
         .order_by(Opportunity.id))
    return [DealRow(*row) for row in session.execute(q)]


def open_tasks(session: Session, scope: Scope, where: BoardFilter, closed_since: datetime) -> list[TaskRow]:
    """The ready tasks (process tasks and activities) of those deals."""
    q = (select(InboxTask.id, InboxTask.opportunity_id, InboxTask.node_id, InboxTask.name, InboxTask.kind,
                InboxTask.due_at, InboxTask.assignee_id, InboxTask.candidate_team_id)
         .where(InboxTask.status == "ready",
                InboxTask.opportunity_id.in_(_shown(scope, where, closed_since)))
         .order_by(InboxTask.opportunity_id, InboxTask.due_at.is_(None), InboxTask.due_at, InboxTask.id))
    return [TaskRow(*row) for row in session.execute(q)]


def warning_counts(session: Session, scope: Scope, where: BoardFilter, closed_since: datetime) -> dict[int, int]:
    """Open (not cleared, not acknowledged) early warnings per deal."""
    q = (select(DealWarning.opportunity_id, func.count())
         .where(DealWarning.cleared_at.is_(None), DealWarning.acknowledged_at.is_(None),
                DealWarning.opportunity_id.in_(_shown(scope, where, closed_since)))
         .group_by(DealWarning.opportunity_id))
    return {deal_id: count for deal_id, count in session.execute(q)}


@dataclass(frozen=True)
class Choices:
    version_ids: tuple[int, ...]
    owners: tuple[tuple[str, str], ...]
    teams: tuple[tuple[int, str], ...]
    segments: tuple[str, ...]


def choices(session: Session, scope: Scope, closed_since: datetime) -> Choices:
    """What the filters offer: the values of the deals the board could show."""
    base = _shown(scope, BoardFilter(), closed_since)
    in_board = Opportunity.id.in_(base)
    version_ids = tuple(session.scalars(select(Opportunity.methodology_version_id).distinct().where(in_board)
                                        .order_by(Opportunity.methodology_version_id)))
    owners = tuple((u, n) for u, n in session.execute(
        select(User.username, User.display_name).distinct().join(Opportunity, Opportunity.owner_id == User.id)
        .where(in_board).order_by(User.display_name, User.username)))
    teams = tuple((i, n) for i, n in session.execute(
        select(Team.id, Team.name).distinct().join(Opportunity, Opportunity.team_id == Team.id)
        .where(in_board).order_by(Team.name)))
    segments = tuple(session.scalars(select(Opportunity.segment_id).distinct().where(in_board)
                                     .order_by(Opportunity.segment_id)))
    return Choices(version_ids, owners, teams, segments)
