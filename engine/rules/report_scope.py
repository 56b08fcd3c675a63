"""Whose deals an analysis report (pipeline analysis, methodology comparison) sums
up — decided here once, so that every report, page, CLI command and API answer
counts the same deals:

    admin, designer   every deal (a designer reads how a methodology performs)
    manager           the deals they manage or own, and their teams' deals (the
                      teams they lead and those they belong to), as on the pipeline
    rep               their own deals

Unlike the lost-deal report, a rep is not refused: the numbers of their own deals
are theirs to see."""

from __future__ import annotations

from dataclasses import dataclass

from engine.rules.policy import Actor, Role, sees_everything


@dataclass(frozen=True)
class Scope:
    everything: bool
    user_id: int
    managed: bool  # also the deals the user manages and their teams' deals
    team_ids: frozenset[int] = frozenset()

    @property
    def label(self) -> str:
        if self.everything:
            return "every deal"
        return "the deals you and your teams work" if self.managed else "your deals"


def scope_of(actor: Actor, led_team_ids: frozenset[int] = frozenset()) -> Scope:
    """``led_team_ids``: the teams the actor leads (their manager)."""
    if sees_everything(actor):
        return Scope(True, actor.user_id, True)
    if actor.role is Role.MANAGER:
        return Scope(False, actor.user_id, True, frozenset(actor.team_ids) | frozenset(led_team_ids))
    return Scope(False, actor.user_id, False)
