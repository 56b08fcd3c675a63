"""The error and escalation boundary events of a user task, through which the person
doing it may end it (an error; an interrupting escalation) or raise a side branch
while it stays open (a non-interrupting escalation) — as Camunda's task forms do with
``camForm``'s bpmnError and escalation.

Which boundaries a task offers is a fact of the spec (one per methodology version);
taking one works on a live task as a worker's BPMN error does
(engine.runtime.external.deliver_error).

Which of them can still catch is a fact of the task (``waiting``). BPMN lets a
non-interrupting boundary event catch again and again while its activity runs;
SpiffWorkflow 3.2 does not: a boundary catches only while its task WAITs
(``BoundaryEvent.catches``), and once caught it completes and is not armed again
while the activity stays open. Dealflow follows the engine that runs the deal: a
non-interrupting escalation is raised once per task, and a task no longer offers it
once raised (an interrupting one ends the task, so it never outlives its firing).
"""

from __future__ import annotations

from dataclasses import dataclass

from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import (ErrorEventDefinition,
                                                                         EscalationEventDefinition)
from SpiffWorkflow.util.task import TaskState

KINDS = {"error": ErrorEventDefinition, "escalation": EscalationEventDefinition}


@dataclass(frozen=True)
class TaskEvent:
    """One error or escalation boundary event of a user task."""

    boundary_id: str  # the boundary event's BPMN id
    name: str  # its name in the diagram (else its id), one line
    kind: str  # "error" or "escalation"
    code: str  # the errorCode / escalationCode it catches; "" catches every one
    interrupting: bool  # an escalation with cancelActivity="false" leaves the task open


def offered(specs, node_id: str) -> tuple[TaskEvent, ...]:
    """The error and escalation boundary events of the task ``node_id`` in any of
    ``specs`` (the process and its subprocesses), in the diagram's order."""
    for spec in specs:
        split = spec.task_specs.get(f"{node_id}.BoundaryEventSplit")
        if split is not None:
            return tuple(_event(s) for s in split.outputs if _kind(s) is not None)
    return ()


def waiting(task) -> frozenset[str]:
    """The BPMN ids of the error and escalation boundary events of the READY user
    task ``task`` that can still catch (those that wait beside it)."""
    split = task.parent
    if split is None or not split.task_spec.name.endswith(".BoundaryEventSplit"):
        return frozenset()
    return frozenset(t.task_spec.bpmn_id for t in split.children
                     if t is not task and t.state == TaskState.WAITING and _kind(t.task_spec) is not None)


def catcher(task, kind: str, code: str):
    """The waiting boundary event of ``task`` catching a ``kind`` (error, escalation)
    with ``code``: one naming that code, else one catching every code; or None."""
    split = task.parent
    if split is None or not split.task_spec.name.endswith(".BoundaryEventSplit"):
        return None
    waiting = [t for t in split.children if t is not task and t.state == TaskState.WAITING and _kind(t.task_spec) == kind]
    exact = [t for t in waiting if (t.task_spec.event_definition.code or "") == code]
    catch_all = [t for t in waiting if not t.task_spec.event_definition.code]
    return (exact or catch_all or [None])[0]


def _kind(spec) -> str | None:
    definition = getattr(spec, "event_definition", None)
    return next((kind for kind, cls in KINDS.items() if isinstance(definition, cls)), None)


def _event(spec) -> TaskEvent:
    name = " ".join((spec.bpmn_name or spec.bpmn_id).split())  # a modeler's label may hold line breaks
    return TaskEvent(spec.bpmn_id, name, _kind(spec), spec.event_definition.code or "",
                     bool(getattr(spec, "cancel_activity", True)))
