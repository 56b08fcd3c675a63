"""Reading rows for the façade, and turning them into frozen views."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, undefer

from engine.errors import NotFoundError
from engine.rules.routing import Candidate
from engine.views import EventView, FieldView, OpportunityView, StageChangeView, TaskView, UserView
from engine.store.models import (ApiToken, Event, InboxTask, MethodologyVersion, Opportunity, StageChange, Team,
                     TeamMember, User)


def user(session: Session, username: str) -> User:
    row = session.scalar(select(User).where(User.username == username))
    if row is None or not row.active:
        raise NotFoundError(f"no user '{username}'")
    return row


def find_user(session: Session, username: str, *, active_only: bool = False) -> User | None:
    """The user, or None (``user`` raises NotFoundError instead)."""
    query = select(User).where(User.username == username)
    if active_only:
        query = query.where(User.active.is_(True))
    return session.scalar(query)


def user_by_token_hash(session: Session, token_hash: str) -> tuple[User | None, list[str]]:
    """The active user holding this (unrevoked) token and their team names, in one query."""
    rows = session.execute(
        select(User, Team.name).join(ApiToken, ApiToken.user_id == User.id)
        .outerjoin(TeamMember, TeamMember.user_id == User.id).outerjoin(Team, Team.id == TeamMember.team_id)
        .where(ApiToken.token_hash == token_hash, ApiToken.revoked_at.is_(None), User.active.is_(True))).all()
    if not rows:
        return None, []
    return rows[0][0], sorted(name for _, name in rows if name is not None)


def team_names_of(session: Session, user_id_: int) -> list[str]:
    return list(session.scalars(select(Team.name).join(TeamMember, TeamMember.team_id == Team.id)
                                .where(TeamMember.user_id == user_id_).order_by(Team.name)))


def find_team(session: Session, name: str) -> Team | None:
    return session.scalar(select(Team).where(Team.name == name))


def opportunity_ids(session: Session) -> list[int]:
    return list(session.scalars(select(Opportunity.id).order_by(Opportunity.id)))


def version_files(session: Session, version_id: int) -> dict:
    return session.scalar(select(MethodologyVersion.files).where(MethodologyVersion.id == version_id)) or {}


def task_states(session: Session, opportunity_id: int) -> list[tuple[str, str]]:
    """(BPMN node id, status) of every inbox row of a deal."""
    return [tuple(row) for row in session.execute(
        select(InboxTask.node_id, InboxTask.status).where(InboxTask.opportunity_id == opportunity_id))]


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
    row = session.scalar(select(Opportunity).options(undefer(Opportunity.workflow_state))
                         .where(Opportunity.id == opportunity_id).with_for_update())
    if row is None:
        raise NotFoundError(f"no opportunity {opportunity_id}")
    return row


def next_due_opportunity(session: Session, now: datetime) -> Opportunity | None:
    """The opportunity whose timer is due first and that no other worker holds.

    Due means strictly before ``now``, as SpiffWorkflow decides it: a timer picked at
    exactly its due time would not fire, keep its due time, and be picked again."""
    return session.scalar(
        select(Opportunity).options(undefer(Opportunity.workflow_state))
        .where(Opportunity.next_timer_at < now, Opportunity.error_message.is_(None))
        .order_by(Opportunity.next_timer_at)
        .limit(1)
        .with_for_update(skip_locked=True))


def team_ids_of(session: Session, user_id_: int) -> list[int]:
    return list(session.scalars(select(TeamMember.team_id).where(TeamMember.user_id == user_id_)))


def may_work(session: Session, actor: User, task: InboxTask, opportunity: Opportunity) -> bool:
    """The assignee, a member of the candidate team while nobody has claimed the task,
    the deal's manager, or an admin."""
    if actor.role == "admin" or actor.id == task.assignee_id or actor.id == opportunity.manager_id:
        return True
    return (task.assignee_id is None and task.candidate_team_id is not None
            and task.candidate_team_id in team_ids_of(session, actor.id))


def ready_tasks(session: Session, username: str | None, catalog) -> list[TaskView]:
    query = (select(InboxTask, Opportunity).join(Opportunity, Opportunity.id == InboxTask.opportunity_id)
             .where(InboxTask.status == "ready"))
    if username is not None:
        actor = user(session, username)
        if actor.role != "admin":
            query = query.where(or_(
                InboxTask.assignee_id == actor.id,
                and_(InboxTask.assignee_id.is_(None),
                     InboxTask.candidate_team_id.in_(team_ids_of(session, actor.id))),
                Opportunity.manager_id == actor.id))
    rows = session.execute(query.order_by(InboxTask.due_at.is_(None), InboxTask.due_at,
                                          InboxTask.created_at, InboxTask.id)).all()
    lookup = Lookup(session, catalog)
    lookup.need_users(id_ for task, _ in rows for id_ in (task.assignee_id, task.completed_by_id))
    lookup.need_teams(task.candidate_team_id for task, _ in rows)
    return [lookup.task_view(task, opportunity) for task, opportunity in rows]


@dataclass(frozen=True)
class DealFacts:
    """The few columns of a deal a task view needs (instead of the whole row with its
    workflow state)."""

    id: int
    title: str
    stage_id: str | None
    methodology_version_id: int


class Lookup:
    """Names of users and teams, and stage names, fetched in one query each for a
    whole view instead of one per row."""

    def __init__(self, session: Session, catalog):
        self.session, self.catalog = session, catalog
        self.users: dict[int, str] = {}
        self.teams: dict[int, str] = {}
        self._user_ids: set[int] = set()
        self._team_ids: set[int] = set()

    def need_users(self, ids) -> None:
        self._user_ids.update(i for i in ids if i is not None)

    def need_teams(self, ids) -> None:
        self._team_ids.update(i for i in ids if i is not None)

    def user(self, user_id_: int | None) -> str | None:
        self._fetch()
        return self.users.get(user_id_)

    def team(self, team_id: int | None) -> str | None:
        self._fetch()
        return self.teams.get(team_id)

    def _fetch(self) -> None:
        missing = self._user_ids - self.users.keys()
        if missing:
            self.users.update(self.session.execute(
                select(User.id, User.username).where(User.id.in_(missing))).all())
        missing = self._team_ids - self.teams.keys()
        if missing:
            self.teams.update(self.session.execute(
                select(Team.id, Team.name).where(Team.id.in_(missing))).all())

    def stage_name(self, opportunity: Opportunity | DealFacts, stage_id: str | None,
                   version_id: int | None = None) -> str | None:
        """The stage's name in ``version_id``'s stage table (default: the deal's version)."""
        if stage_id is None:
            return None
        _, methodology = self.catalog.version(self.session, version_id or opportunity.methodology_version_id)
        return next((s.name for s in methodology.stages if s.id == stage_id), stage_id)

    def task_view(self, row: InboxTask, opportunity: Opportunity | DealFacts) -> TaskView:
        self.need_users((row.assignee_id, row.completed_by_id))  # no query if asked for in bulk before
        self.need_teams((row.candidate_team_id,))
        return TaskView(
            id=row.id, opportunity_id=row.opportunity_id, opportunity_title=opportunity.title,
            node_id=row.node_id, name=row.name, instructions=row.instructions, lane=row.lane,
            assignee=self.user(row.assignee_id), candidate_team=self.team(row.candidate_team_id),
            status=row.status, due_at=row.due_at, created_at=row.created_at,
            stage_name=self.stage_name(opportunity, opportunity.stage_id),
            form=tuple(FieldView(f["id"], f["label"], f["type"], f["required"], f["default"], f["minimum"],
                                 f["maximum"], tuple(tuple(c) for c in f["choices"]), f.get("help", ""))
                       for f in row.form),
            completed_by=self.user(row.completed_by_id), completed_at=row.completed_at,
            stage_id=opportunity.stage_id, methodology_id=self.methodology_id(opportunity),
            claimable=row.status == "ready" and row.assignee_id is None and row.candidate_team_id is not None,
            kind=row.kind, required=row.required, note=row.note)

    def methodology_id(self, opportunity: Opportunity | DealFacts) -> str:
        version, _ = self.catalog.version(self.session, opportunity.methodology_version_id)
        return version.methodology_id


def opportunity_view(session: Session, opportunity_id: int, catalog, *, detail: bool = True) -> OpportunityView:
    o = session.get(Opportunity, opportunity_id)
    if o is None:
        raise NotFoundError(f"no opportunity {opportunity_id}")
    version, _ = catalog.version(session, o.methodology_version_id)
    lookup = Lookup(session, catalog)
    lookup.need_users([o.owner_id, o.manager_id, o.opened_by_id, o.closed_by_id])
    lookup.need_teams([o.team_id])
    open_tasks = completed = history = events = ()
    if detail:
        tasks = list(session.scalars(select(InboxTask).where(InboxTask.opportunity_id == o.id)
                                     # made in one step: the process's own tasks ('workflow')
                                     # before the stage's suggestions ('activity')
                                     .order_by(InboxTask.created_at, InboxTask.kind.desc(), InboxTask.id)))
        changes = list(session.scalars(select(StageChange).where(StageChange.opportunity_id == o.id)
                                       .order_by(StageChange.id)))
        event_rows = list(session.scalars(select(Event).where(Event.opportunity_id == o.id).order_by(Event.id)))
        lookup.need_users(id_ for t in tasks for id_ in (t.assignee_id, t.completed_by_id))
        lookup.need_users(c.changed_by_id for c in changes)
        lookup.need_users(e.actor_id for e in event_rows)
        lookup.need_teams(t.candidate_team_id for t in tasks)
        open_tasks = tuple(lookup.task_view(t, o) for t in tasks if t.status == "ready")
        completed = tuple(lookup.task_view(t, o) for t in tasks if t.status == "completed")
        history = tuple(StageChangeView(c.from_stage, c.to_stage,
                                        lookup.stage_name(o, c.to_stage, c.methodology_version_id),
                                        c.probability, lookup.user(c.changed_by_id), c.changed_at)
                        for c in changes)
        events = tuple(EventView(e.kind, lookup.user(e.actor_id), e.at, e.data) for e in event_rows)
    return OpportunityView(
        id=o.id, title=o.title, partner_name=o.partner_name, amount=o.amount, currency=o.currency,
        attributes=dict(o.attributes), segment_id=o.segment_id, team=lookup.team(o.team_id),
        owner=lookup.user(o.owner_id), manager=lookup.user(o.manager_id), methodology_id=version.methodology_id,
        methodology_label=version.label, methodology_version_id=version.id, stage_id=o.stage_id,
        stage_name=lookup.stage_name(o, o.stage_id), stage_entered_at=o.stage_entered_at,
        probability=o.probability, expected_revenue=o.expected_revenue, next_action_at=o.next_action_at,
        status=o.status, lost_reason=o.lost_reason, error_message=o.error_message,
        opened_by=lookup.user(o.opened_by_id), opened_at=o.opened_at, closed_by=lookup.user(o.closed_by_id),
        closed_at=o.closed_at, next_timer_at=o.next_timer_at, open_tasks=open_tasks,
        completed_tasks=completed, stage_history=history, events=events, probability_auto=o.probability_auto,
        probability_override=o.probability_override, score=o.score, score_class=o.score_class)


def open_required_activities(session: Session, opportunity_id: int, stage_id: str) -> set[str]:
    """Ids of ``stage_id``'s required suggested activities the deal has not done yet."""
    nodes = session.scalars(select(InboxTask.node_id).where(
        InboxTask.opportunity_id == opportunity_id, InboxTask.kind == "activity",
        InboxTask.stage_id == stage_id, InboxTask.required, InboxTask.status == "ready"))
    return {node.partition("/")[2] for node in nodes}  # node ids are stage/activity

