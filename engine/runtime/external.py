"""External tasks inside a live workflow: which are waiting for a worker, and a BPMN
error a worker reports, delivered to the error boundary event of that very task.

Every service task (and send or business-rule task with an external implementation)
is parsed as a waiting task (engine.runtime.specs): SpiffWorkflow holds it READY, as
it holds a user task, and runs nothing in it. The runner tells the two apart by the
node ids the methodology marked external.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.util.task import TaskState

from engine.methodology.model import ExternalImplementation
from engine.runtime import task_events
from engine.runtime.inspection import all_tasks


@dataclass(frozen=True)
class ExternalWait:
    """A READY external task: what the store's external_tasks row is made from."""

    task_id: str  # SpiffWorkflow's task UUID as text
    node_id: str
    name: str
    implementation: ExternalImplementation
    variables: dict  # the task's data when it became ready (a copy)


def waiting(workflow, external: Mapping[str, ExternalImplementation]) -> tuple[ExternalWait, ...]:
    return tuple(
        ExternalWait(str(t.id), t.task_spec.bpmn_id, t.task_spec.bpmn_name or t.task_spec.bpmn_id,
                     external[t.task_spec.bpmn_id], dict(t.data))
        for t in all_tasks(workflow)
        if t.state == TaskState.READY and t.task_spec.manual and t.task_spec.bpmn_id in external)


def error_catcher(task, code: str):
    """The waiting error boundary event attached to ``task`` that catches ``code``
    (one naming that code first, else one catching every error), or None."""
    return task_events.catcher(task, "error", code)


def deliver_error(catcher, variables: dict) -> None:
    """Let ``catcher`` catch the error (or escalation), its payload becoming task data after it."""
    event = BpmnEvent(catcher.task_spec.event_definition, payload=dict(variables))
    catcher.task_spec.catch(catcher, event)
    catcher.task_spec._update(catcher)
