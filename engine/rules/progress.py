"""What one step changes on a deal, decided over plain values: the stages it enters,
its probability and expected revenue, whether entering a stage closes it, and when
its next timer and next action are due (``next_due``: the one rule a step and the
timer repair both apply). The service applies the answers to the
deal's rows (engine.service.progress)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Iterable, Mapping

from engine.rules import money

from engine.methodology.model import Methodology, Stage
from engine.rules.scoring import stage_probability

CLOSING_OUTCOMES = ("won", "lost")


def expected_revenue(amount: Decimal, probability: int) -> Decimal:
    """The amount weighted by the probability (a percentage), to the cent
    (engine.rules.money's rule: exact, then rounded half up)."""
    return money.cents(money.weighted(amount, probability))


@dataclass(frozen=True)
class Probability:
    automatic: int  # from the stage and the score classes
    in_force: int  # what the deal shows: a manager's override while it holds, else ``automatic``
    expected_revenue: Decimal


def probability(methodology: Methodology, stage_id: str | None, scores: Mapping[str, dict] | None,
                override: int | None, amount: Decimal) -> Probability:
    """The automatic probability from the stage and the score classes; a manager's
    override stays in force over it until reset — except that winning or losing
    settles the question (100 or 0)."""
    stage = methodology.stage(stage_id) if stage_id else None
    automatic = stage_probability(stage, methodology, scores or {})
    in_force = automatic
    if override is not None and (stage is None or stage.outcome == "open"):
        in_force = override
    return Probability(automatic, in_force, expected_revenue(amount, in_force))


def stages_entered(methodology: Methodology, stage_id: str | None, reached: Iterable[str]) -> list[Stage]:
    """The stages a deal in ``stage_id`` enters, in order, as a step reaches these
    nodes: each node that enters a stage other than the one the deal is in by then."""
    entered = []
    for node_id in reached:
        stage = methodology.stage_of_node(node_id)
        if stage is not None and stage.id != stage_id:
            entered.append(stage)
            stage_id = stage.id
    return entered


def closing_outcome(stage: Stage, status: str) -> str | None:
    """'won' or 'lost' when entering ``stage`` closes a deal whose status is
    ``status``; None when the deal stays as it is (an open stage, or closed already)."""
    return stage.outcome if stage.outcome in CLOSING_OUTCOMES and status == "open" else None


def earliest(*dues: Iterable[datetime | None]) -> datetime | None:
    """The earliest of the due dates (None: not due), or None without any — a deal's
    next timer, or its next action (timers, open tasks and suggestions alike)."""
    return min((due for group in dues for due in group if due is not None), default=None)


@dataclass(frozen=True)
class NextDue:
    """A deal's next timer (what the worker's sweep picks it by) and next action."""

    timer: datetime | None
    action: datetime | None


def next_action(task_dues: Iterable[datetime | None], timer: datetime | None) -> datetime | None:
    """A deal's next action: the earliest of its open tasks' and suggestions' due
    dates (``task_dues``) and its next timer (``timer``)."""
    return earliest(task_dues, (timer,))


def next_due(timer_dues: Iterable[datetime | None], task_dues: Iterable[datetime | None], *,
             held: bool) -> NextDue:
    """The next timer and next action of a deal whose workflow waits for timers due at
    ``timer_dues`` and whose open tasks and suggestions are due at ``task_dues``.
    ``held``: its error holds its timers — they wait for a retry, not for their due
    dates (engine.rules.failed_steps), so there is no next timer and the next action
    does not count them."""
    timer = None if held else earliest(timer_dues)
    return NextDue(timer, next_action(task_dues, timer))
