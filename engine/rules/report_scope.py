"""Whose deals a manager's (or anyone's) report, forecast page and warnings board
count — ONE definition, decided here, so that the pipeline analysis, the
methodology comparison, the warnings board, the digest and (through
``engine.store.report_scope``) any query over deals or snapshots agree:

    admin             every deal
    designer          every deal in reports (a designer reads how a methodology
                      performs); no warnings (they work no deals) — ``for_warnings``
    manager           the deals owned or managed (``manager_id``) by themselves or
                      by anyone below them in the manager hierarchy
                      (engine.rules.hierarchy, any depth, inactive people included:
                      a rep who left still has deals someone must see), and the
                      deals queued to a team they lead (``Team.manager_id``)
    rep               the deals they own

A manager does NOT see a team's deals merely for being a member of it (a manager
in their director's team would otherwise see their peers' deals); the teams they
lead are the ones that count.

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
    managed: bool  # a manager: also the deals of everyone below them and of the teams they lead
    team_ids: frozenset[int] = frozenset()  # the teams they lead
    below: frozenset[int] = frozenset()  # everyone under the user in the hierarchy
    nothing: bool = False  # sees no deal at all (a designer's warnings)

    @property
    def label(self) -> str:
        if self.nothing:
            return "no deals"
        if self.everything:
            return "every deal"
        return "the deals you and your teams work" if self.managed else "your deals"

    @property
    def people(self) -> frozenset[int]:
        """Whose owned (and, for a manager, managed) deals are in scope."""
        return frozenset({self.user_id}) | (self.below if self.managed else frozenset())

    def covers(self, owner_id: int | None, manager_id: int | None, team_id: int | None) -> bool:
        """Whether one deal (its owner, manager and team) is in scope — the same test
        ``engine.store.report_scope.where_in_scope`` writes in SQL."""
        if self.nothing:
            return False
        if self.everything:
            return True
        if not self.managed:
            return owner_id == self.user_id
        return (owner_id in self.people or manager_id in self.people
                or (team_id is not None and team_id in self.team_ids))


NOTHING = Scope(everything=False, user_id=0, managed=False, nothing=True)


def scope_of(actor: Actor, led_team_ids: Iterable[int] = (), below: Iterable[int] = ()) -> Scope:
    """``led_team_ids``: the teams the actor leads (their manager); ``below``:
    everyone under them in the hierarchy (Hierarchy.members_under)."""
    if sees_everything(actor):
        return Scope(True, actor.user_id, True)
    if actor.role is Role.MANAGER:
        return Scope(False, actor.user_id, True, frozenset(led_team_ids), frozenset(below))
    return Scope(False, actor.user_id, False)


def for_warnings(actor: Actor, scope: Scope) -> Scope:
    """The warnings board's scope: the report scope, except that designers, who
    work no deals, get no warnings."""
    return NOTHING if actor.role is Role.DESIGNER else scope
