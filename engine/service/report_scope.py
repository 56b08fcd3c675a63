"""The viewer's deal scope (engine.rules.report_scope) read in the use case's
session: their role, the teams they lead and everyone below them in the manager
hierarchy. Every report, the warnings board and the past-day pipeline call this
one function, so that they count the same deals."""

from __future__ import annotations

from engine.rules.hierarchy import Hierarchy
from engine.rules.policy import Role
from engine.rules.report_scope import Scope, scope_of
from engine.service import visibility
from engine.service.unit_of_work import Session
from engine.store import hierarchy as hierarchy_store
from engine.store.models import User


def scope_for(session: Session, user: User) -> Scope:
    actor = visibility.actor_of(session, user)
    if actor.role is not Role.MANAGER:
        return scope_of(actor)
    below = Hierarchy.of(hierarchy_store.teams(session)).members_under(user.id)
    return scope_of(actor, hierarchy_store.led_team_ids(session, user.id), below)
