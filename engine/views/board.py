"""What the pipeline board returns (issue 15): one board per methodology version,
its columns (the stages in order, won and lost last), the cards in them with the
moves the process allows, and every column's totals per currency."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from engine.views.opportunities import CurrencyTotal


@dataclass(frozen=True)
class BoardMove:
    """Completing the open task ``task_id`` can move the deal to ``stage_id``."""

    stage_id: str
    stage_name: str
    task_id: str
    task_name: str


@dataclass(frozen=True)
class BoardCard:
    id: int
    title: str
    partner_name: str
    amount: Decimal
    currency: str
    probability: int
    owner: str  # the owner's username
    owner_name: str  # their display name
    status: str  # open, won, lost
    stage_id: str | None
    next_action: str | None  # the name of the open task due first (None: nothing to do)
    next_action_due: datetime | None
    next_task_id: str | None
    warnings: int  # open, unacknowledged early warnings
    moves: tuple[BoardMove, ...]
    may_close: bool = False  # the viewer may close it as lost (its owner, their manager, an admin)
    may_hand_over: bool = False  # the viewer may hand it to another rep (its manager, an admin)


@dataclass(frozen=True)
class BoardColumn:
    stage_id: str | None  # None: cards whose stage the version does not name
    name: str
    outcome: str  # open, won, lost
    probability: int | None
    cards: tuple[BoardCard, ...]  # the first ones (see ``count``): next action due first
    totals: tuple[CurrencyTotal, ...]  # per currency: amount and weighted amount, never one sum
    count: int = 0  # every deal in the column, shown or not; totals count them all

    @property
    def hidden(self) -> int:
        """How many of the column's deals are not among its cards."""
        return self.count - len(self.cards)


@dataclass(frozen=True)
class Board:
    methodology_id: str
    methodology_name: str
    version_id: int
    version_label: str
    columns: tuple[BoardColumn, ...]
    totals: tuple[CurrencyTotal, ...]
    lost_reasons: tuple = ()  # the methodology's reasons for closing a deal as lost (id, label, needs_note)

    @property
    def count(self) -> int:
        return sum(c.count for c in self.columns)


@dataclass(frozen=True)
class BoardView:
    boards: tuple[Board, ...]
    scope: str  # whose deals: "your deals", "the deals you and your teams work", "every deal"
    methodology: str | None  # the filters in force
    owner: str | None
    team_id: int | None
    segment: str | None
    closed_days: int  # won and lost columns show the deals closed in the last so many days
    methodologies: tuple[tuple[str, str], ...]  # what the filters offer: (id, name)
    owners: tuple[tuple[str, str], ...]  # (username, display name)
    teams: tuple[tuple[int, str], ...]  # (id, name)
    segments: tuple[str, ...]

    def filters(self, **override) -> dict[str, str]:
        """The query parameters that give these filters again."""
        values = {"methodology": self.methodology, "owner": self.owner, "team": self.team_id,
                  "segment": self.segment, **override}
        return {k: str(v) for k, v in values.items() if v not in (None, "")}
