"""What the timer repair found (Engine.rearm_timers; engine.service.timer_repair)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class RearmedDeal:
    """One deal whose stored next timer or next action disagreed with its workflow:
    the values stored before, and those it has now (a dry run: would have)."""

    opportunity_id: int
    title: str
    next_timer_before: datetime | None
    next_timer_after: datetime | None
    next_action_before: datetime | None
    next_action_after: datetime | None


@dataclass(frozen=True)
class RearmReport:
    checked: int  # the open or won deals whose workflows were read
    changed: tuple[RearmedDeal, ...]  # re-armed (a dry run: to be re-armed)
    unreadable: tuple[tuple[int, str], ...] = ()  # (deal id, why): a state its version cannot read
    dry_run: bool = False
    every_deal: bool = False  # every open or won deal; else only those showing an error
