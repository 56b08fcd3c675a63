"""Users and teams: finding them by name, id or API token, the reps a team's work can
go to, and the list of everyone."""

from __future__ import annotations

from typing import Iterable

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session

from engine.errors import FormError, NotFoundError
from engine.rules import inputs, policy
from engine.rules.routing import Candidate
from engine.store.db import hold_sqlite_writes
from engine.views import UserView
from engine.store.models import InboxTask, Team, TeamMember, User


def _nameable(name: object) -> bool:
    """Whether ``name`` can be a stored name at all: one holding a NUL or a lone
    surrogate names nobody (and PostgreSQL would refuse the query itself)."""
    try:
        inputs.storable(name, "name")
    except (FormError, TypeError):
        return False
    return True


def user(session: Session, username: str) -> User:
    row = session.scalar(select(User).where(User.username == username)) if _nameable(username) else None
    if row is None or not row.active:
        raise NotFoundError(f"no user '{username}'")
    return row


def lock_users(session: Session, user_ids: Iterable[int]) -> None:
    """Hold these users' rows for the transaction (PostgreSQL; SQLite: the write lock),
    in id order, and read them afresh: a role change re-checks its rule on what the
    other role changes committed."""
    hold_sqlite_writes(session)
    list(session.scalars(select(User).where(User.id.in_(sorted(set(user_ids)))).order_by(User.id)
                         .with_for_update().execution_options(populate_existing=True)))


def find_user(session: Session, username: str, *, active_only: bool = False) -> User | None:
    """The user, or None (``user`` raises NotFoundError instead). The name is matched
    whatever its case (issue 15: logging in and creating a user); there is at most one
    (the unique index on lower(username)), the exact spelling first."""
    if not _nameable(username):
        return None
    query = (select(User).where(or_(User.username == username, func.lower(User.username) == username.lower()))
             .order_by((User.username != username)).limit(1))
    if active_only:
        query = query.where(User.active.is_(True))
    return session.scalar(query)


def user_id(session: Session, username: str) -> int:
    return user(session, username).id


def username(session: Session, user_id_: int | None) -> str | None:
    return session.scalar(select(User.username).where(User.id == user_id_)) if user_id_ else None


def users(session: Session) -> list[UserView]:
    teams = {}
    for team_name, member in session.execute(
            select(Team.name, TeamMember.user_id).join(TeamMember, TeamMember.team_id == Team.id)):
        teams.setdefault(member, []).append(team_name)
    return [UserView(u.id, u.username, u.display_name, u.role, tuple(sorted(teams.get(u.id, ()))))
            for u in session.scalars(select(User).order_by(User.username))]


# Built once: every durable step asks it (building costs more than running it cached).
_USER_AND_TEAMS = (select(User, Team.id, Team.name)
                   .outerjoin(TeamMember, TeamMember.user_id == User.id)
                   .outerjoin(Team, Team.id == TeamMember.team_id)
                   .where(User.username == bindparam("username"), User.active.is_(True))
                   .order_by(Team.name))  # the queues' order, as the database sorts names


def user_and_teams(session: Session, username: str) -> tuple[User | None, list[tuple[int, str]]]:
    """The active user and their teams' (id, name), by name, in one query."""
    if not _nameable(username):
        return None, []
    rows = session.execute(_USER_AND_TEAMS, {"username": username}).all()
    if not rows:
        return None, []
    return rows[0][0], [(team_id, name) for _, team_id, name in rows if team_id is not None]


def team_names_of(session: Session, user_id_: int) -> list[str]:
    return list(session.scalars(select(Team.name).join(TeamMember, TeamMember.team_id == Team.id)
                                .where(TeamMember.user_id == user_id_).order_by(Team.name)))


def team_ids_of(session: Session, user_id_: int) -> list[int]:
    return list(session.scalars(select(TeamMember.team_id).where(TeamMember.user_id == user_id_)))


def user_as_actor(session: Session, username: str) -> tuple[User, policy.Actor]:
    """``user`` and its ``actor_facts``, read in one query (``user_and_teams``)."""
    row, teams = user_and_teams(session, username)
    if row is None:
        raise NotFoundError(f"no user '{username}'")
    return row, policy.Actor(row.id, row.role, [team_id for team_id, _ in teams])


def actor_of_row(username: str, row: User | None, team_ids: str | None) -> tuple[User, policy.Actor]:
    """``user_as_actor`` from a row and its team ids ("3,7") read along with another
    statement (``opportunities.lock_for_step``)."""
    if row is None:
        raise NotFoundError(f"no user '{username}'")
    return row, policy.Actor(row.id, row.role, [int(i) for i in team_ids.split(",")] if team_ids else [])


def nameable(name: object) -> bool:
    return _nameable(name)


def actor_facts(session: Session, row: User) -> policy.Actor:
    """The user as the policy sees them: id, role and the ids of their teams."""
    return policy.Actor(row.id, row.role, team_ids_of(session, row.id))


def find_team(session: Session, name: str) -> Team | None:
    if not _nameable(name):
        return None
    return session.scalar(select(Team).where(Team.name == name))


def candidates(session: Session, team_id: int, roles: Iterable[str]) -> list[Candidate]:
    """The team's active members of ``roles`` (those who may own deals:
    policy.OWNER_ROLES) with their number of ready tasks, by user id."""
    open_tasks = (select(InboxTask.assignee_id, func.count().label("n"))
                  .where(InboxTask.status == "ready").group_by(InboxTask.assignee_id).subquery())
    rows = session.execute(
        select(User.id, User.username, func.coalesce(open_tasks.c.n, 0))
        .join(TeamMember, TeamMember.user_id == User.id)
        .outerjoin(open_tasks, open_tasks.c.assignee_id == User.id)
        .where(TeamMember.team_id == team_id, User.active.is_(True),
               User.role.in_([str(role) for role in roles]))
        .order_by(User.id))
    return [Candidate(uid, name, count) for uid, name, count in rows]


def display_names(session: Session, usernames: list[str]) -> dict[str, str]:
    """username -> display name (or the username) of the users named."""
    return {u: d or u for u, d in session.execute(
        select(User.username, User.display_name).where(User.username.in_(usernames)))}
