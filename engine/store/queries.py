"""Reading rows for the façade, and turning them into frozen views."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..errors import NotFoundError
from ..routing import Candidate
from ..views import EventView, FieldView, OpportunityView, StageChangeView, TaskView, UserView
from .models import (Event, InboxTask, MethodologyVersion, Opportunity, StageChange, Team, TeamMember,
                     User)


def user(session: Session, username: str) -> User:
    row = session.scalar(select(User).where(User.username == username))
    if row is None or not row.active:
        raise NotFoundError(f"no user '{username}'")
    return row


def user_id(session: Session, username: str) -> int:
    return user(session, username).id


def username(session: Session, user_id_: int | None) -> str | None:
    return session.scalar(select(User.username).where(User.id == user_id_)) if user_id_ else None


def reassign_open_tasks(session: Session, opportunity_id: int, from_user: int, to_user: int) -> int:
    rows = list(session.scalars(select(InboxTask).where(
        InboxTask.opportunity_id == opportunity_id, InboxTask.status == "ready",
        InboxTask.assignee_id == from_user)))
    for row in rows:
        row.assignee_id = to_user
    return len(rows)


def users(session: Session) -> list[UserView]:
    teams = {}
    for team_name, member in session.execute(
            select(Team.name, TeamMember.user_id).join(TeamMember, TeamMember.team_id == Team.id)):
        teams.setdefault(member, []).append(team_name)
    return [UserView(u.id, u.username, u.display_name, u.role, tuple(sorted(teams.get(u.id, ()))))
            for u in session.scalars(select(User).order_by(User.username))]


def candidates(session: Session, team_id: int) -> list[Candidate]:
    """The team's active reps with their number of ready tasks, by user id."""
    open_tasks = (select(InboxTask.assignee_id, func.count().label("n"))
                  .where(InboxTask.status == "ready").group_by(InboxTask.assignee_id).subquery())
    rows = session.execute(
        select(User.id, User.username, func.coalesce(open_tasks.c.n, 0))
        .join(TeamMember, TeamMember.user_id == User.id)
        .outerjoin(open_tasks, open_tasks.c.assignee_id == User.id)
        .where(TeamMember.team_id == team_id, User.active.is_(True), User.role == "rep")
        .order_by(User.id))
    return [Candidate(uid, name, count) for uid, name, count in rows]


def lock_opportunity(session: Session, opportunity_id: int) -> Opportunity:
    """The opportunity, row-locked on PostgreSQL (SQLite serialises writers anyway);
    its version counter catches any concurrent change at commit."""
    row = session.scalar(select(Opportunity).where(Opportunity.id == opportunity_id).with_for_update())
    if row is None:
        raise NotFoundError(f"no opportunity {opportunity_id}")
    return row


def next_due_opportunity(session: Session, now: datetime) -> Opportunity | None:
    """The opportunity whose timer is due first and that no other worker holds.

    Due means strictly before ``now``, as SpiffWorkflow decides it: a timer picked at
    exactly its due time would not fire, keep its due time, and be picked again."""
    return session.scalar(
        select(Opportunity)
        .where(Opportunity.next_timer_at < now, Opportunity.error_message.is_(None))
        .order_by(Opportunity.next_timer_at)
        .limit(1)
        .with_for_update(skip_locked=True))


def team_ids_of(session: Session, user_id_: int) -> list[int]:
    return list(session.scalars(select(TeamMember.team_id).where(TeamMember.user_id == user_id_)))


def may_work(session: Session, actor: User, task: InboxTask, opportunity: Opportunity) -> bool:
    """The assignee, a member of the candidate team, the deal's manager, or an admin."""
    if actor.role == "admin" or actor.id == task.assignee_id or actor.id == opportunity.manager_id:
        return True
    return task.candidate_team_id is not None and task.candidate_team_id in team_ids_of(session, actor.id)


def ready_tasks(session: Session, username: str | None, catalog) -> list[TaskView]:
    query = (select(InboxTask).join(Opportunity, Opportunity.id == InboxTask.opportunity_id)
             .where(InboxTask.status == "ready"))
    if username is not None:
        actor = user(session, username)
        if actor.role != "admin":
            query = query.where(or_(
                InboxTask.assignee_id == actor.id,
                InboxTask.candidate_team_id.in_(team_ids_of(session, actor.id)),
                Opportunity.manager_id == actor.id))
    rows = session.scalars(query.order_by(InboxTask.due_at.is_(None), InboxTask.due_at,
                                          InboxTask.created_at, InboxTask.id))
    return [task_view(session, row, catalog) for row in rows]


def _names(session: Session, ids) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.username).where(User.id.in_(ids))).all())


def task_view(session: Session, row: InboxTask, catalog, opportunity: Opportunity | None = None) -> TaskView:
    opportunity = opportunity or session.get(Opportunity, row.opportunity_id)
    names = _names(session, [row.assignee_id, row.completed_by_id])
    team = session.get(Team, row.candidate_team_id) if row.candidate_team_id else None
    return TaskView(
        id=row.id, opportunity_id=row.opportunity_id, opportunity_title=opportunity.title,
        node_id=row.node_id, name=row.name, instructions=row.instructions, lane=row.lane,
        assignee=names.get(row.assignee_id), candidate_team=team.name if team else None,
        status=row.status, due_at=row.due_at, created_at=row.created_at,
        stage_name=_stage_name(session, opportunity, catalog, opportunity.stage_id),
        form=tuple(FieldView(f["id"], f["label"], f["type"], f["required"], f["default"], f["minimum"],
                             f["maximum"], tuple(tuple(c) for c in f["choices"])) for f in row.form),
        completed_by=names.get(row.completed_by_id), completed_at=row.completed_at)


def _stage_name(session: Session, opportunity: Opportunity, catalog, stage_id: str | None) -> str | None:
    if stage_id is None:
        return None
    _, methodology = catalog.version(session, opportunity.methodology_version_id)
    return next((s.name for s in methodology.stages if s.id == stage_id), stage_id)


def opportunity_view(session: Session, opportunity_id: int, catalog, *, detail: bool = True) -> OpportunityView:
    o = session.get(Opportunity, opportunity_id)
    if o is None:
        raise NotFoundError(f"no opportunity {opportunity_id}")
    version = session.get(MethodologyVersion, o.methodology_version_id)
    team = session.get(Team, o.team_id) if o.team_id else None
    names = _names(session, [o.owner_id, o.manager_id, o.opened_by_id, o.closed_by_id])
    open_tasks = completed = history = events = ()
    if detail:
        tasks = list(session.scalars(select(InboxTask).where(InboxTask.opportunity_id == o.id)
                                     .order_by(InboxTask.created_at, InboxTask.id)))
        open_tasks = tuple(task_view(session, t, catalog, o) for t in tasks if t.status == "ready")
        completed = tuple(task_view(session, t, catalog, o) for t in tasks if t.status == "completed")
        changes = list(session.scalars(select(StageChange).where(StageChange.opportunity_id == o.id)
                                       .order_by(StageChange.id)))
        event_rows = list(session.scalars(select(Event).where(Event.opportunity_id == o.id).order_by(Event.id)))
        people = _names(session, [c.changed_by_id for c in changes] + [e.actor_id for e in event_rows])
        history = tuple(StageChangeView(c.from_stage, c.to_stage, _stage_name(session, o, catalog, c.to_stage),
                                        c.probability, people.get(c.changed_by_id), c.changed_at)
                        for c in changes)
        events = tuple(EventView(e.kind, people.get(e.actor_id), e.at, e.data) for e in event_rows)
    return OpportunityView(
        id=o.id, title=o.title, partner_name=o.partner_name, amount=o.amount, currency=o.currency,
        attributes=dict(o.attributes), segment_id=o.segment_id, team=team.name if team else None,
        owner=names.get(o.owner_id), manager=names.get(o.manager_id), methodology_id=version.methodology_id,
        methodology_label=version.label, methodology_version_id=version.id, stage_id=o.stage_id,
        stage_name=_stage_name(session, o, catalog, o.stage_id), stage_entered_at=o.stage_entered_at,
        probability=o.probability, expected_revenue=o.expected_revenue, next_action_at=o.next_action_at,
        status=o.status, lost_reason=o.lost_reason, error_message=o.error_message,
        opened_by=names.get(o.opened_by_id), opened_at=o.opened_at, closed_by=names.get(o.closed_by_id),
        closed_at=o.closed_at, next_timer_at=o.next_timer_at, open_tasks=open_tasks,
        completed_tasks=completed, stage_history=history, events=events)
