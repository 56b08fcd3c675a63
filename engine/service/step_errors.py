"""A deal's error across the steps of a process with parallel branches: whether a
step's failure becomes the deal's error and failed step, and whether a step that ran
settles the failed step kept (engine.rules.failed_steps decides both). Runs inside
``progress.apply_step``, on the locked deal."""

from __future__ import annotations

from datetime import datetime

from engine.rules import failed_steps
from engine.runtime.step import StepResult
from engine.service.unit_of_work import Session
from engine.store import opportunities
from engine.store.events import record_event
from engine.store.models import InboxTask, Opportunity


def kept_step(opportunity: Opportunity) -> dict | None:
    """The failed step the deal keeps for ``retry`` (None unless it shows an error)."""
    return opportunity.failed_step if opportunity.error_message is not None else None


def _pending(kept: dict | None, result: StepResult, now: datetime) -> bool:
    return failed_steps.still_pending(kept, (t.task_id for t in result.ready), (t.due for t in result.timers), now)


def note_failure(session: Session, opportunity: Opportunity, step: dict | None, result: StepResult,
                 actor_id: int | None, now: datetime) -> None:
    """``result`` failed (nothing of it is kept: it describes the workflow as it stood
    before): record it, and make it the deal's error and failed step ``step`` unless
    the deal keeps a person's failed step still waiting for its retry and this one is
    a timer's or a worker's answer's — then the timers wait behind that one."""
    kept = kept_step(opportunity)
    pending = _pending(kept, result, now)
    record_event(session, opportunity, "error", actor_id, now, node=result.error.node_id,
                 message=result.error.message)
    if failed_steps.replaces(kept, step, pending):
        opportunity.failed_step = failed_steps.replacing(kept if pending else None, step)
        opportunity.error_message = result.error.message  # the error alone: what it displaced is its note
        opportunity.error_note = _displacing(session, kept, step, pending)
        opportunity.error_node = result.error.node_id
    elif (step or {}).get("kind") == failed_steps.TIMERS:
        opportunity.failed_step = failed_steps.held_behind(kept)
    _arm_timers(session, opportunity, result)


def _displacing(session: Session, kept: dict | None, step: dict | None, pending: bool) -> str | None:
    """The new error's note when it replaces another person's failed step still
    waiting for its retry (a deal keeps one, so that one's answers are lost to retry);
    None when it displaces nothing of the kind."""
    earlier = failed_steps.displaced(kept, step, pending)
    if earlier is None:
        return None
    task = session.get(InboxTask, earlier.get("task"))
    name = f"“{task.name}”" if task is not None else f"task {earlier.get('task')}"
    return (f"An earlier failed step, {name}, was still waiting for its retry: a retry now runs this one; "
            "that step's answers are only in the deal's history, to be given again.")


def _arm_timers(session: Session, opportunity: Opportunity, result: StepResult) -> None:
    """The deal's next timer as its failed step now has it: none while that step holds
    the timers; else the earliest of ``result``'s (the workflow as it stood before the
    failed step, which kept nothing) — a person's failure that replaced an engine's or
    a worker's answer's lets the timers those held fire again. Its next action follows."""
    if opportunity.status == "lost":  # its process stopped: nothing fires (closing.py)
        return
    _set_next_timer(session, opportunity, next_timer(opportunity, result.next_due))


def timers_held(opportunity: Opportunity) -> bool:
    """Whether the deal's error holds its timers: none fires until its retry."""
    return opportunity.error_message is not None and failed_steps.holds_timers(opportunity.failed_step)


def next_timer(opportunity: Opportunity, waiting_due: datetime | None) -> datetime | None:
    """The deal's next timer as its error has it: none while the error holds the timers,
    else ``waiting_due`` (the earliest of its workflow's waiting timers)."""
    return None if timers_held(opportunity) else waiting_due


def hold_timers(session: Session, opportunity: Opportunity) -> None:
    """No timer of the locked deal fires until its error is retried: its next timer
    is emptied, and its next action no longer counts it."""
    _set_next_timer(session, opportunity, None)


def _set_next_timer(session: Session, opportunity: Opportunity, due: datetime | None) -> None:
    if due != opportunity.next_timer_at:
        opportunity.next_timer_at = due
        opportunities.refresh_next_action(session, opportunity)


def settle(opportunity: Opportunity, step: dict | None, result: StepResult, now: datetime) -> bool:
    """After ``step`` ran without error (``result``): clear the deal's error if its
    failed step was this one, or can no longer be retried (its task is no longer
    ready, its timer no longer due), or the deal is lost (its process stopped).
    Returns whether the deal's timers stay held (engine.rules.failed_steps)."""
    kept = kept_step(opportunity)
    if opportunity.error_message is not None and opportunity.status != "lost" \
            and not failed_steps.same_step(kept, step) and _pending(kept, result, now):
        return failed_steps.holds_timers(kept)
    opportunity.error_message = opportunity.error_node = opportunity.error_note = None
    opportunity.failed_step = None
    return False
