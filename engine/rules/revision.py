"""When the answers of a completed task may still be revised, and what a revision
changes (issue 15: Camunda Tasklist users expect to correct a submitted form) — pure
decisions over plain facts; engine.service.task_revision asks them under the deal's
lock.

The rule: a step of the process (not a suggested activity, nor a lost deal's "why
was it lost") that was completed stays revisable by whoever completed it until its
stage is left — while the deal is open, no step of it stands failed, and no event
since the completion took the deal out of the stage it stood in (``LEAVING``: a stage
change, a move to another methodology version, a swap, a close). A revision replaces
the answers the deal page and the task pages show, the deal fields the stage's
``sets`` maps from the form, the questionnaire score when the form is one (and so the
probability), and the process data the next gateways and the stage's exit criteria
read. Paths already taken are not taken again: a gateway that routed on the old
answer stays passed, so the history says what was answered when."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

# Events after which a completion's stage has been left (or its process replaced).
LEAVING = frozenset({"stage_changed", "version_changed", "methodology_swapped", "closed", "closed_by_hand"})
ANSWERED = ("task_completed", "task_revised")  # events whose data holds a task's answers


@dataclass(frozen=True)
class Facts:
    """A completed task and its deal as the rule reads them."""

    kind: str  # workflow, activity, why_lost
    status: str  # ready, completed, cancelled
    deal_status: str  # open, won, lost
    step_failed: bool  # a step of the deal failed and waits to be retried
    answered_at_event: int | None  # id of the event that recorded its completion
    last_leaving_event: int | None  # id of the latest LEAVING event of the deal


def refusal(facts: Facts) -> str | None:
    """Why the answers may not be revised now, in words for the person; None if they may."""
    if facts.kind != "workflow":
        return "only the answers of a process step can be revised"
    if facts.status != "completed" or facts.answered_at_event is None:
        return "the task is not completed; complete it instead" if facts.status == "ready" \
            else f"the task is {facts.status}; it has no answers to revise"
    if facts.deal_status != "open":
        return f"the deal is {facts.deal_status}; its answers are settled"
    if facts.last_leaving_event is not None and facts.last_leaving_event > facts.answered_at_event:
        return "the deal has left the stage the task was completed in; its answers are settled"
    if facts.step_failed:
        return "a step of this deal failed; retry it before revising answers"
    return None


def latest(events: Iterable[tuple[int, str, Mapping]]) -> dict[str, tuple[int, dict]]:
    """task id -> (id of its completion event, its answers as last given) from the
    deal's (id, kind, data) events in order: a revision replaces the answers, the
    completion stays the event the stage rule counts from."""
    found: dict[str, tuple[int, dict]] = {}
    for event_id, kind, data in events:
        task = (data or {}).get("task")
        if kind not in ANSWERED or not task:
            continue
        answers = dict((data or {}).get("data") or {})
        if kind == "task_completed":
            found[task] = (event_id, answers)
        elif task in found:
            found[task] = (found[task][0], answers)
    return found


def last_leaving(events: Iterable[tuple[int, str]]) -> int | None:
    """The id of the latest LEAVING event among (id, kind) pairs, if any."""
    return max((event_id for event_id, kind in events if kind in LEAVING), default=None)


def changes(field_ids: Iterable[str], before: Mapping[str, object], after: Mapping[str, object]) -> dict[str, list]:
    """field id -> [old, new] for each field of the form whose answer differs (as
    stored JSON: an amount as its text, a date as YYYY-MM-DD)."""
    return {f: [before.get(f), after.get(f)] for f in field_ids
            if _plain(before.get(f)) != _plain(after.get(f))}


def _plain(value: object) -> object:
    return value if isinstance(value, (str, int, bool, type(None))) else str(value)
