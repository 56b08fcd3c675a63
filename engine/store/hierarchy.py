"""The reads the manager hierarchy is built from: each team's manager and members,
and everyone in them (engine.rules.hierarchy decides the rest).

Deactivated users stay in: a rep who left still has the quota, won deals and open
pipeline of the periods they worked, and their manager's rollup must still count
them (``people`` says who is inactive, so that new quota splits leave them out)."""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.store.models import Team, TeamMember, User


class Person(NamedTuple):
    username: str
    display_name: str
    role: str
    active: bool = True


def teams(session: Session) -> list[tuple[int | None, list[int]]]:
    """(manager id, member ids — active or not) per team."""
    members: dict[int, list[int]] = defaultdict(list)
    for team_id, user_id in session.execute(select(TeamMember.team_id, TeamMember.user_id)
                                            .order_by(TeamMember.team_id, TeamMember.user_id)):
        members[team_id].append(user_id)
    return [(manager_id, members[team_id])
            for team_id, manager_id in session.execute(select(Team.id, Team.manager_id).order_by(Team.id))]


def people(session: Session) -> dict[int, Person]:
    """Every user, active or not: id -> (username, display name, role, active)."""
    return {uid: Person(name, display, role, bool(active)) for uid, name, display, role, active in session.execute(
        select(User.id, User.username, User.display_name, User.role, User.active))}


def led_team_ids(session: Session, user_id: int) -> frozenset[int]:
    """The teams the user leads (is the manager of)."""
    return frozenset(session.scalars(select(Team.id).where(Team.manager_id == user_id)))
