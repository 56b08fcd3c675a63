"""The reads the manager hierarchy is built from: each team's manager and members,
and the usernames of everyone in them (engine.rules.hierarchy decides the rest)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.store.models import Team, TeamMember, User


def teams(session: Session) -> list[tuple[int | None, list[int]]]:
    """(manager id, active member ids) per team."""
    members: dict[int, list[int]] = defaultdict(list)
    for team_id, user_id in session.execute(
            select(TeamMember.team_id, TeamMember.user_id).join(User, User.id == TeamMember.user_id)
            .where(User.active.is_(True))):
        members[team_id].append(user_id)
    return [(manager_id, members[team_id])
            for team_id, manager_id in session.execute(select(Team.id, Team.manager_id).order_by(Team.id))]


def people(session: Session) -> dict[int, tuple[str, str, str]]:
    """Every active user: id -> (username, display name, role)."""
    return {uid: (name, display, role) for uid, name, display, role in session.execute(
        select(User.id, User.username, User.display_name, User.role).where(User.active.is_(True)))}
