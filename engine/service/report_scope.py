"""The viewer's deal scope (engine.rules.report_scope) read in the use case's
session: their role, the teams they lead and everyone below them in the manager
hierarchy. Every report, the warnings board and the past-day pipeline call this
one function, so that they count the same deals."""

from __future__ import annotations

from engine.rules.report_scope import Scope
from engine.service import visibility
from engine.service.unit_of_work import Session
from engine.store.models import User


def scope_for(session: Session, user: User) -> Scope:
    """``engine.service.visibility.scope_of``: the same scope that lets a deal's
    page open (``visibility.may_see_opportunity``)."""
    return visibility.scope_of(session, user)
