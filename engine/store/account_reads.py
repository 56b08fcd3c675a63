"""What the users-and-teams screen reads and changes beside engine.store.people:
teams with their manager and members, a user's API tokens, leaving a team."""

from __future__ import annotations

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from engine.store.models import AccessEpoch, ApiToken, InboxTask, Opportunity, Team, TeamMember, User


def people_rows(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def team_rows(session: Session) -> list[tuple[str, int | None, list[int]]]:
    """(name, manager id, member ids) per team, by name."""
    members: dict[int, list[int]] = {}
    for team_id, user_id in session.execute(select(TeamMember.team_id, TeamMember.user_id)):
        members.setdefault(team_id, []).append(user_id)
    return [(name, manager_id, members.get(team_id, []))
            for team_id, name, manager_id in session.execute(select(Team.id, Team.name, Team.manager_id)
                                                              .order_by(Team.name))]


def teams_led_by(session: Session, user_id: int) -> list[str]:
    return list(session.scalars(select(Team.name).where(Team.manager_id == user_id).order_by(Team.name)))


def leave_team(session: Session, team_id: int, user_id: int) -> bool:
    """Whether the user was a member (and is no longer)."""
    return session.execute(delete(TeamMember).where(TeamMember.team_id == team_id,
                                                     TeamMember.user_id == user_id)).rowcount > 0


def tokens_of(session: Session, user_id: int) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id.desc())))


def token_of(session: Session, token_id: int, user_id: int) -> ApiToken | None:
    return session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user_id)
                          .with_for_update())


def open_work(session: Session, user_id: int) -> tuple[int, int]:
    """(open deals the user owns, ready tasks they hold)."""
    deals = session.scalar(select(func.count()).select_from(Opportunity)
                           .where(Opportunity.owner_id == user_id, Opportunity.status == "open"))
    tasks = session.scalar(select(func.count()).select_from(InboxTask)
                           .where(InboxTask.assignee_id == user_id, InboxTask.status == "ready"))
    return deals or 0, tasks or 0


# Built once: the token check runs on every API request.
_TOKEN_HOLDER = (select(User.id, User.username, User.display_name, User.role, Team.id.label("team_id"),
                        Team.name.label("team"),
                        # the same statement's snapshot: the cache keeps the answer for this epoch
                        select(AccessEpoch.epoch).where(AccessEpoch.id == 1).scalar_subquery().label("epoch"))
                 .select_from(ApiToken).join(User, User.id == ApiToken.user_id)
                 .outerjoin(TeamMember, TeamMember.user_id == User.id).outerjoin(Team, Team.id == TeamMember.team_id)
                 .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None),
                        User.active.is_(True))
                 .order_by(Team.name))  # the teams in the order the database sorts names (the inbox's queues)


def token_holder(connection: Connection | Session,
                 token_hash: str) -> tuple[object | None, list[tuple[int, str]], int | None]:
    """The active user holding this unrevoked token (a row: id, username,
    display_name, role), their teams' (id, name), by name, and the access epoch the
    answer holds for (see AccessEpoch; None for no holder) — one statement, plain
    rows, no ORM entities (so a plain connection will do: the API's check uses one)."""
    rows = connection.execute(_TOKEN_HOLDER, {"token_hash": token_hash}).all()
    if not rows:
        return None, [], None
    return rows[0], [(row.team_id, row.team) for row in rows if row.team_id is not None], rows[0].epoch
