"""The inbox's SQL: which READY tasks a user may see, their counts per stage and
version, one page of them, and claiming a queued task."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, false, func, or_, select, update
from sqlalchemy.orm import Session

from engine.store.models import InboxTask, Opportunity, Team, TeamMember, User


@dataclass(frozen=True)
class Visibility:
    """The conditions for the READY tasks a user may see and work: theirs, queued for
    their teams, and — for a manager only — those on the deals they are responsible
    for (a rep's inbox then needs only the two indexed task conditions)."""

    mine: object
    queued: object
    all: tuple  # to put in a WHERE

    @classmethod
    def of(cls, actor: User, team_ids: list[int]) -> "Visibility":
        mine = InboxTask.assignee_id == actor.id
        queued = and_(InboxTask.assignee_id.is_(None), InboxTask.candidate_team_id.in_(team_ids))
        managed = Opportunity.manager_id == actor.id if actor.role == "manager" else false()
        conditions = [InboxTask.status == "ready"]
        if actor.role != "admin":
            conditions.append(or_(mine, queued, managed))
        return cls(mine, queued, tuple(conditions))


@dataclass(frozen=True)
class Group:
    stage_id: str | None
    version_id: int
    total: int
    mine: int
    queued: int
    overdue: int


def groups(session: Session, visible: Visibility, now: datetime) -> list[Group]:
    """Per (stage, methodology version): how many visible tasks, mine, queued, overdue —
    the counts and the filter choices of the inbox in one query."""
    rows = session.execute(
        select(Opportunity.stage_id, Opportunity.methodology_version_id, func.count(),
               func.sum(case((visible.mine, 1), else_=0)), func.sum(case((visible.queued, 1), else_=0)),
               func.sum(case((InboxTask.due_at < now, 1), else_=0)))
        .join(Opportunity, Opportunity.id == InboxTask.opportunity_id)
        .where(*visible.all).group_by(Opportunity.stage_id, Opportunity.methodology_version_id)).all()
    return [Group(s, v, int(t or 0), int(m or 0), int(q or 0), int(o or 0)) for s, v, t, m, q, o in rows]


def page(session: Session, visible: Visibility, *, stage: str | None, version_ids: list[int] | None,
         limit: int, offset: int) -> list[tuple]:
    """(task, deal title, deal stage, deal version, assignee's username, queue's team
    name) rows, earliest due first — names joined in, so no query per name."""
    query = (select(InboxTask, Opportunity.title, Opportunity.stage_id, Opportunity.methodology_version_id,
                    User.username, Team.name)
             .join(Opportunity, Opportunity.id == InboxTask.opportunity_id)
             .outerjoin(User, User.id == InboxTask.assignee_id)
             .outerjoin(Team, Team.id == InboxTask.candidate_team_id)
             .where(*visible.all))
    if stage:
        query = query.where(Opportunity.stage_id == stage)
    if version_ids is not None:
        query = query.where(Opportunity.methodology_version_id.in_(version_ids or [-1]))
    return session.execute(
        query.order_by(InboxTask.due_at.is_(None), InboxTask.due_at, InboxTask.created_at, InboxTask.id)
        .limit(limit).offset(offset)).all()


def has_worked_on(session: Session, actor: User, opportunity_id: int, team_ids: list[int]) -> bool:
    """Whether the user has, had, or may claim a task of the deal."""
    return session.scalar(select(func.count()).select_from(InboxTask).where(
        InboxTask.opportunity_id == opportunity_id,
        or_(InboxTask.assignee_id == actor.id, InboxTask.completed_by_id == actor.id,
            and_(InboxTask.status == "ready", InboxTask.candidate_team_id.in_(team_ids))))) > 0


def claim(session: Session, task_id: str, user_id: int) -> bool:
    """Guarded update: of two simultaneous claims exactly one changes the row."""
    claimed = session.execute(
        update(InboxTask).where(InboxTask.id == task_id, InboxTask.assignee_id.is_(None),
                                InboxTask.status == "ready")
        .values(assignee_id=user_id).execution_options(synchronize_session=False))
    return claimed.rowcount == 1


def open_opportunity_ids(session: Session, manager_id: int | None) -> list[int]:
    """Open deals, of one manager or (None) of everyone."""
    query = select(Opportunity.id).where(Opportunity.status == "open")
    if manager_id is not None:
        query = query.where(Opportunity.manager_id == manager_id)
    return list(session.scalars(query.order_by(Opportunity.id)))


def user_and_team_ids(session: Session, username: str) -> tuple[User | None, list[int]]:
    """The active user and the ids of their teams, in one query."""
    rows = session.execute(select(User, TeamMember.team_id)
                           .outerjoin(TeamMember, TeamMember.user_id == User.id)
                           .where(User.username == username, User.active.is_(True))).all()
    if not rows:
        return None, []
    return rows[0][0], [team_id for _, team_id in rows if team_id is not None]
