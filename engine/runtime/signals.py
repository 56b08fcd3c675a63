"""Signals from outside (``POST /api/v1/signals``): which signal catches a workflow
waits at, and broadcasting a signal to them.

A signal, unlike a message, has no addressee: every catch waiting for its name takes
it — a boundary event, an intermediate catch event, an event subprocess's signal start
— in every deal. What the signal carries is merged into the catching task's data
(SpiffWorkflow's item-aware event definition does that when the catch completes).
"""

from __future__ import annotations

from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.util.task import TaskState

__all__ = ["caught_anywhere", "deliver", "waiting"]


def _signals_of(task_spec) -> list[str]:
    definition = getattr(task_spec, "event_definition", None)
    parts = definition.event_definitions if isinstance(definition, MultipleEventDefinition) else [definition]
    return [d.name for d in parts if isinstance(d, SignalEventDefinition) and d.name]


def caught_anywhere(*specs) -> frozenset[str]:
    """Names of the signals some catch of ``specs`` (the process and what it calls)
    waits for: which deals a broadcast needs to look at."""
    return frozenset(name for spec in specs for task_spec in spec.task_specs.values()
                     for name in _signals_of(task_spec))


def waiting(workflow) -> tuple[str, ...]:
    """Names of the signals a catch of the workflow waits for now (an event
    subprocess's signal start waits as long as the workflow runs)."""
    names = {name for task in workflow.event_manager.tasks.values() if task.state == TaskState.WAITING
             for name in _signals_of(task.task_spec)}
    if not workflow.is_completed():
        for spec_name in getattr(workflow.spec.start, "trigger_specs", ()):
            sub = workflow.subprocess_specs.get(spec_name)
            for start in getattr(sub, "bpmn_start_events", ()):
                names.update(_signals_of(start))
    return tuple(sorted(names))


def deliver(workflow, name: str, variables: dict) -> int:
    """Broadcast signal ``name`` with ``variables`` to every catch of the workflow
    waiting for it; how many caught it."""
    return workflow.event_manager.catch(BpmnEvent(SignalEventDefinition(name), payload=dict(variables)),
                                        internal=False)
