"""Messages inside a live workflow: which message catches a deal waits at, delivering
a message from outside to them, and the messages a step threw that nothing in the
same workflow caught (the service delivers those to other deals).

SpiffWorkflow's Camunda parser makes Camunda's message definition, which hides a
caught message's variables under ``<task>_Response`` and throws only the value of a
``camunda:expression``. Dealflow uses BPMN's plain semantics instead: a throw sends a
copy of the thrower's data, a catch merges what arrived into the catcher's data.
``plain_messages`` swaps the definitions in a parsed spec for ``DealflowMessage``.
"""

from __future__ import annotations

from dataclasses import dataclass

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.util.task import TaskState

from engine.runtime.correlation_keys import CorrelationKeys
from engine.runtime.inspection import is_completed

__all__ = ["DealflowMessage", "MessageWait", "ThrownMessage", "deliver", "plain_messages", "thrown", "waiting"]


class DealflowMessage(MessageEventDefinition):
    """BPMN's message definition under a name of its own (the serializer tells the
    two apart by class name, and the Camunda one keeps that name)."""


@dataclass(frozen=True)
class MessageWait:
    """A message catch a deal's token waits at."""

    task_id: str  # SpiffWorkflow's task UUID as text
    node_id: str  # the receive task, catch event, boundary event or event subprocess start
    message: str  # the message's name
    variables: dict  # the task's data when it began to wait (a copy), for correlation by variable
    correlation_key: str | None = None  # Camunda 8's key, evaluated when it began to wait


@dataclass(frozen=True)
class ThrownMessage:
    """A message a step threw that nothing in the same workflow caught."""

    message: str
    node_id: str
    variables: dict


def plain_messages(*specs) -> None:
    """Give every message event, send and receive task of ``specs`` (workflow specs)
    the plain BPMN message definition."""
    for spec in specs:
        for task_spec in spec.task_specs.values():
            definition = getattr(task_spec, "event_definition", None)
            if isinstance(definition, MultipleEventDefinition):
                definition.event_definitions = [_plain(d) for d in definition.event_definitions]
            elif definition is not None:
                task_spec.event_definition = _plain(definition)


def _plain(definition):
    if isinstance(definition, MessageEventDefinition) and not isinstance(definition, DealflowMessage):
        return DealflowMessage(definition.name, definition.correlation_properties,
                               description=getattr(definition, "description", None))
    return definition


def _messages_of(task) -> list[str]:
    definition = getattr(task.task_spec, "event_definition", None)
    parts = definition.event_definitions if isinstance(definition, MultipleEventDefinition) else [definition]
    return [d.name for d in parts if isinstance(d, MessageEventDefinition)]


def waiting(workflow, keys: CorrelationKeys | None = None) -> tuple[MessageWait, ...]:
    """Every message catch of the workflow (and its subprocesses) waiting now, each
    with its correlation key (``keys``) evaluated on its data."""
    def wait(task_id: str, node_id: str, name: str, data: dict) -> MessageWait:
        return MessageWait(task_id, node_id, name, data, keys.key(name, data) if keys is not None else None)

    waits = []
    for task in workflow.event_manager.tasks.values():
        if task.state != TaskState.WAITING:
            continue
        for name in _messages_of(task):
            waits.append(wait(str(task.id), task.task_spec.bpmn_id or task.task_spec.name, name, dict(task.data)))
    if not is_completed(workflow):
        data = dict(workflow.last_task.data) if workflow.last_task is not None else {}
        for start, definition in _event_subprocess_starts(workflow):
            waits.append(wait("", start.bpmn_id, definition.name, data))
    return tuple(sorted(waits, key=lambda w: (w.node_id, w.task_id)))


def _event_subprocess_starts(workflow):
    """(start event spec, message definition) of each message start of the top-level
    process's event subprocesses: SpiffWorkflow starts those from the workflow's own
    start when a matching event is caught, with no waiting task to show for it."""
    for name in getattr(workflow.spec.start, "trigger_specs", ()):
        sub = workflow.subprocess_specs.get(name)
        for start in getattr(sub, "bpmn_start_events", ()):
            for definition in _definitions(start):
                if isinstance(definition, MessageEventDefinition):
                    yield start, definition


def deliver(workflow, message: str, variables: dict) -> int:
    """Deliver ``message`` with ``variables`` to every catch of the workflow waiting for
    it; how many caught it."""
    for task in list(workflow.event_manager.tasks.values()):
        if task.state == TaskState.WAITING and message in _messages_of(task):
            definition = task.task_spec.event_definition
            if isinstance(definition, MultipleEventDefinition):
                definition = next(d for d in definition.event_definitions
                                  if isinstance(d, MessageEventDefinition) and d.name == message)
            return workflow.event_manager.catch(BpmnEvent(definition, payload=dict(variables)), internal=False)
    for _, definition in _event_subprocess_starts(workflow):
        if definition.name == message:
            workflow.event_manager.catch(BpmnEvent(definition, payload=dict(variables)), internal=False)
            return 1
    return 0


def thrown(workflow) -> tuple[ThrownMessage, ...]:
    """The messages thrown since the workflow was loaded that nothing in it caught."""
    found = []
    for event in workflow.get_events():
        definition = event.event_definition
        if isinstance(definition, MessageEventDefinition):
            payload = event.payload if isinstance(event.payload, dict) else {}
            found.append(ThrownMessage(definition.name, "", dict(payload)))
    return tuple(found)


def any_message(*specs) -> bool:
    """Whether any task spec of ``specs`` (workflow specs) catches or throws a message."""
    return any(isinstance(d, MessageEventDefinition)
               for spec in specs for task_spec in spec.task_specs.values() for d in _definitions(task_spec))


def start_messages(spec) -> tuple[str, ...]:
    """Messages that a top-level start event of ``spec`` waits for."""
    from SpiffWorkflow.bpmn.specs.defaults import StartEvent

    names = []
    for task_spec in spec.task_specs.values():
        if isinstance(task_spec, StartEvent):
            names += [d.name for d in _definitions(task_spec) if isinstance(d, MessageEventDefinition)]
    return tuple(sorted(set(names)))


def _definitions(task_spec) -> list:
    definition = getattr(task_spec, "event_definition", None)
    return definition.event_definitions if isinstance(definition, MultipleEventDefinition) else [definition]
