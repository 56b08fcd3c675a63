"""What the segment use cases return: frozen, plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SegmentView:
    id: str
    name: str
    team: str
    methodology_id: str
    methodology_label: str
    version_id: int
    chosen_by: str  # "routing" (the routing file's line) or "swap" (a manager's swap)
    pinned: bool  # follows exactly this version, not the methodology's newest
    open_deals: int
    routing_methodology: str  # what the routing file says, e.g. "small-deal@1.0"

    @property
    def methodology(self) -> str:
        return f"{self.methodology_id}@{self.methodology_label}"


@dataclass(frozen=True)
class StageMoveCount:
    from_stage: str | None
    to_stage: str
    count: int


@dataclass(frozen=True)
class NotMoved:
    reason: str  # with ids: what the command line prints and the swap records
    opportunity_ids: tuple[int, ...]
    explanation: str = ""  # the same with the names of the methodology and stages, for a page


@dataclass(frozen=True)
class SwapReport:
    """What a swap (or its dry run, or a reversal) did or would do."""

    segment_id: str
    from_methodology: str  # "id@label"
    to_methodology: str
    dry_run: bool
    moved: int
    moves: tuple[StageMoveCount, ...]
    not_moved: tuple[NotMoved, ...]
    swap_id: int | None = None  # None for a dry run
    reverses_id: int | None = None

    @property
    def not_moved_count(self) -> int:
        return sum(len(n.opportunity_ids) for n in self.not_moved)


@dataclass(frozen=True)
class SwapView:
    id: int
    segment_id: str
    from_methodology: str | None
    to_methodology: str
    stage_map: dict
    moved: int
    not_moved: int
    by: str | None
    at: datetime
    reverses_id: int | None
    reversed_by_id: int | None
    reversible: bool  # the segment's latest swap, itself no reversal, not reversed yet
