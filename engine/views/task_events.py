"""What a task page offers besides completing the task: its error and escalation
boundary events (engine.service.task_events)."""

from __future__ import annotations

from dataclasses import dataclass

from engine.views.opportunities import TaskView


@dataclass(frozen=True)
class TaskEventView:
    """One way to end a user task other than completing it, or to raise an escalation
    beside it; posted back as (kind, code)."""

    boundary_id: str
    name: str  # the boundary event's name in the diagram
    kind: str  # "error" or "escalation"
    code: str  # the errorCode / escalationCode; "" for a boundary catching any
    interrupting: bool  # False: the task stays open (a non-interrupting escalation)


@dataclass(frozen=True)
class TaskDetailView:
    """One task as its viewer sees it, with the boundary events that can still catch
    on it (GET /api/v1/tasks/{id})."""

    task: TaskView
    events: tuple[TaskEventView, ...]  # in the diagram's order; () unless the task is ready
