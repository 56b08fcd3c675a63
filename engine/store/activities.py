"""Activities and calendar feeds in the database: locking an activity, the rows a
partner, a deal or some people's calendars show (with the names they need joined in,
so a view costs a few queries, not one per row), the dated inbox tasks beside them,
and finding a feed by the hash of its token."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, aliased

from engine.errors import NotFoundError
from engine.store.db import hold_sqlite_writes
from engine.store.models import InboxTask, Opportunity, Team, TeamMember, User
from engine.store.partner_models import Activity, CalendarFeed, Partner
from engine.store.partners import visible_to


@dataclass(frozen=True)
class ActivityRow:
    """An activity with the names a view shows."""

    activity: Activity
    partner_name: str
    opportunity_title: str | None
    owner: str
    owner_name: str
    created_by: str | None


@dataclass(frozen=True)
class TaskRow:
    """A dated READY inbox task with its deal's title and partner."""

    task: InboxTask
    opportunity_title: str
    partner_id: int
    partner_name: str
    assignee: str | None


def lock_activity(session: Session, activity_id: int, *, missing: str) -> Activity:
    """The activity, row-locked (SQLite: the write lock), as stored once held."""
    hold_sqlite_writes(session)
    row = session.scalar(select(Activity).where(Activity.id == activity_id).with_for_update()
                         .execution_options(populate_existing=True))
    if row is None:
        raise NotFoundError(missing)
    return row


def _rows(session: Session, *conditions, order=None, limit: int | None = None) -> list[ActivityRow]:
    owner, creator = aliased(User), aliased(User)
    query = (select(Activity, Partner.name, Opportunity.title, owner.username, owner.display_name,
                    creator.username)
             .join(Partner, Partner.id == Activity.partner_id)
             .join(owner, owner.id == Activity.owner_id)
             .outerjoin(Opportunity, Opportunity.id == Activity.opportunity_id)
             .outerjoin(creator, creator.id == Activity.created_by_id)
             .where(*conditions)
             .order_by(*(order or (Activity.starts_at, Activity.id))))
    if limit is not None:
        query = query.limit(limit)
    return [ActivityRow(*row) for row in session.execute(query).all()]


def activity_row(session: Session, activity_id: int) -> ActivityRow | None:
    found = _rows(session, Activity.id == activity_id)
    return found[0] if found else None


def of_partner(session: Session, partner_id: int, *, limit: int = 500) -> list[ActivityRow]:
    """The partner's activities, the latest first."""
    return _rows(session, Activity.partner_id == partner_id,
                 order=(Activity.starts_at.desc(), Activity.id.desc()), limit=limit)


def of_deal(session: Session, opportunity_id: int, *, limit: int = 500) -> list[ActivityRow]:
    return _rows(session, Activity.opportunity_id == opportunity_id,
                 order=(Activity.starts_at.desc(), Activity.id.desc()), limit=limit)


def of_owners(session: Session, owner_ids: list[int], start: datetime, end: datetime, *,
              statuses: tuple[str, ...] = ("planned", "done")) -> list[ActivityRow]:
    """The owners' activities starting in [start, end)."""
    return _rows(session, Activity.owner_id.in_(owner_ids or [-1]), Activity.starts_at >= start,
                 Activity.starts_at < end, Activity.status.in_(statuses))


def overdue_of(session: Session, owner_ids: list[int], now: datetime, since: datetime) -> list[ActivityRow]:
    """Planned activities that started before ``now`` (and after ``since``) and are
    still planned: the caller keeps those already over."""
    return _rows(session, Activity.owner_id.in_(owner_ids or [-1]), Activity.status == "planned",
                 Activity.starts_at < now, Activity.starts_at >= since)


def for_feed(session: Session, owner_id: int, since: datetime) -> list[ActivityRow]:
    """Everything of the owner a calendar feed carries: planned, done and cancelled
    activities starting after ``since`` (the cancelled ones, so clients drop them)."""
    return _rows(session, Activity.owner_id == owner_id, Activity.starts_at >= since)


def dated_tasks(session: Session, user_ids: list[int], *, team_ids: list[int] | None = None,
                start: datetime | None = None, end: datetime | None = None) -> list[TaskRow]:
    """READY inbox tasks with a due date, assigned to ``user_ids`` (or waiting
    unclaimed in a queue of ``team_ids``), due in [start, end) when given."""
    holders = [InboxTask.assignee_id.in_(user_ids or [-1])]
    if team_ids:
        holders.append(and_(InboxTask.assignee_id.is_(None), InboxTask.candidate_team_id.in_(team_ids)))
    conditions = [InboxTask.status == "ready", InboxTask.due_at.is_not(None), or_(*holders)]
    if start is not None:
        conditions.append(InboxTask.due_at >= start)
    if end is not None:
        conditions.append(InboxTask.due_at < end)
    query = (select(InboxTask, Opportunity.title, Opportunity.partner_id, Opportunity.partner_name,
                    User.username)
             .join(Opportunity, Opportunity.id == InboxTask.opportunity_id)
             .outerjoin(User, User.id == InboxTask.assignee_id)
             .where(*conditions).order_by(InboxTask.due_at, InboxTask.id))
    return [TaskRow(*row) for row in session.execute(query).all()]


def team_members(session: Session, team_id: int) -> list[User]:
    return list(session.scalars(select(User).join(TeamMember, TeamMember.user_id == User.id)
                                .where(TeamMember.team_id == team_id, User.active.is_(True))
                                .order_by(User.display_name, User.username)))


def people_and_teams(session: Session) -> tuple[list[tuple[User, frozenset[int]]], list[tuple[int, str]]]:
    """Every active user with the ids of their teams, and every team (id, name): whose
    calendars a viewer may pick from (the service filters them by the rules)."""
    members: dict[int, set[int]] = {}
    for team_id, user_id in session.execute(select(TeamMember.team_id, TeamMember.user_id)):
        members.setdefault(user_id, set()).add(team_id)
    users = session.scalars(select(User).where(User.active.is_(True)).order_by(User.display_name, User.username))
    return ([(u, frozenset(members.get(u.id, ()))) for u in users],
            [(team_id, name) for team_id, name in session.execute(select(Team.id, Team.name).order_by(Team.name))])


def managed_team_ids(session: Session, user_id: int) -> frozenset[int]:
    return frozenset(session.scalars(select(Team.id).where(Team.manager_id == user_id)))


def feed_by_hash(session: Session, token_hash: str) -> CalendarFeed | None:
    return session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == token_hash,
                                                     CalendarFeed.revoked_at.is_(None)))


def active_feeds(session: Session, user_id: int) -> list[CalendarFeed]:
    return list(session.scalars(select(CalendarFeed).where(CalendarFeed.user_id == user_id,
                                                           CalendarFeed.revoked_at.is_(None))))


def plan_targets(session: Session, user_id: int, *, everything: bool, limit: int = 300) -> list[tuple]:
    """(partner id, name, deal id, title) of the open deals the user owns or manages
    (every open deal for ``everything``), and (partner id, name, None, None) of the
    active partners they may see (``partners.visible_to``) — what a plan form offers."""
    deals = (select(Partner.id, Partner.name, Opportunity.id, Opportunity.title)
             .join(Opportunity, Opportunity.partner_id == Partner.id)
             .where(Opportunity.status == "open", Partner.status == "active"))
    if not everything:
        deals = deals.where(or_(Opportunity.owner_id == user_id, Opportunity.manager_id == user_id))
    owned = select(Partner.id, Partner.name).where(Partner.status == "active",
                                                   visible_to(session, None if everything else user_id))
    rows = [tuple(r) for r in session.execute(deals.order_by(Partner.name, Opportunity.title).limit(limit))]
    rows += [(pid, name, None, None) for pid, name in session.execute(owned.order_by(Partner.name).limit(limit))]
    return sorted(set(rows), key=lambda r: (r[1].casefold(), r[0], r[3] is not None, r[3] or ""))
