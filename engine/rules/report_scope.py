"""Whose deals an analysis report (pipeline analysis, methodology comparison) sums
up — decided here once, so that every report, page, CLI command and API answer
counts the same deals:

    admin, designer   every deal (a designer reads how a methodology performs)
    manager           the deals they or anyone below them in the manager hierarchy
                      (engine.rules.hierarchy, any depth) own or manage, and their
                      teams' deals (the teams they lead and those they belong to)
    rep               their own deals

Unlike the lost-deal report, a rep is not refused: the numbers of their own deals
are theirs to see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from engine.rules.policy import Actor, Role, sees_everything


@dataclass(frozen=True)
class Scope:
    everything: bool
    user_id: int
    managed: bool  # also the deals the user manages and their teams' deals
    team_ids: frozenset[int] = frozenset()
    below: frozenset[int] = frozenset()  # everyone under the user in the hierarchy

    @property
    def label(self) -> str:
        if self.everything:
            return "every deal"
        return "the deals you and your teams work" if self.managed else "your deals"


def scope_of(actor: Actor, led_team_ids: Iterable[int] = (), below: Iterable[int] = ()) -> Scope:
    """``led_team_ids``: the teams the actor leads (their manager); ``below``:
    everyone under them in the hierarchy (Hierarchy.members_under)."""
    if sees_everything(actor):
        return Scope(True, actor.user_id, True)
    if actor.role is Role.MANAGER:
        return Scope(False, actor.user_id, True, frozenset(actor.team_ids) | frozenset(led_team_ids),
                     frozenset(below))
    return Scope(False, actor.user_id, False)
