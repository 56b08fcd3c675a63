"""What a task page offers besides completing the task: its error and escalation
boundary events (engine.service.task_events)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TaskEventView:
    """One way to end a user task other than completing it, or to raise an escalation
    beside it; posted back as (kind, code)."""

    boundary_id: str
    name: str  # the boundary event's name in the diagram
    kind: str  # "error" or "escalation"
    code: str  # the errorCode / escalationCode; "" for a boundary catching any
    interrupting: bool  # False: the task stays open (a non-interrupting escalation)
