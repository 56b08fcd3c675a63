"""Workflow specs and workflow states as JSON text, kept apart.

SpiffWorkflow's ``serialize_json`` embeds the whole spec in every workflow. Dealflow
stores the spec once per methodology version and, per opportunity, only the state:
``_StateConverter`` writes a workflow without ``spec``/``subprocess_specs`` and
rebuilds it around live spec objects handed in on load. Task data may hold
``Decimal`` (money) and ``datetime.date`` values; both round-trip exactly.
"""

from __future__ import annotations

import json
import threading
from datetime import date
from decimal import Decimal
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import (BpmnSubWorkflowConverter, BpmnWorkflowConverter,
                                                             TaskConverter, WorkflowConverter)
from SpiffWorkflow.bpmn.util.subworkflow import BpmnSubWorkflow
from SpiffWorkflow.bpmn.serializer.default.event_definition import MessageEventDefinitionConverter
from SpiffWorkflow.bpmn.serializer.default.task_spec import SubWorkflowConverter
from SpiffWorkflow.task import Task
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG

from engine.errors import ExpressionError, WorkflowError
from engine.expressions.storable import MAX_STORED_CHARS, stored_size
from engine.runtime.adhoc import AdHocTask, AdHocTaskConverter
from engine.runtime.call_activities import ExpressionCallActivity
from engine.runtime.kept import Reuse, Written, renew
from engine.runtime.messages import DealflowMessage

from engine.runtime.inspection import all_tasks
from engine.runtime.script_engine import SafeScriptEngine

SPEC_FORMAT = "dealflow-spec/1"
# One task's data (what a step leaves) and a whole state (every task's data, as
# SpiffWorkflow writes it: changes per task, in full where it has no parent).
MAX_TASK_DATA_CHARS = 2 * MAX_STORED_CHARS
MAX_STATE_CHARS = 20 * MAX_STORED_CHARS
STATE_FORMAT = "dealflow-state/1"


class _IdTexts(dict):
    """Task id -> its text (``str(uuid)``, a Python function costing about five
    dictionary lookups), for one thread's registry: every write spells every task id
    of the state again. Cleared when it holds more than ``LIMIT`` ids."""

    LIMIT = 50_000

    def __missing__(self, task_id):
        if len(self) >= self.LIMIT:
            self.clear()
        text = self[task_id] = str(task_id)
        return text


class _IdKeys:
    """``mapping_to_dict`` spelling the keys (task ids) from the registry's ``id_texts``."""

    def mapping_to_dict(self, mapping, **kwargs):
        texts, convert = self.registry.id_texts, self.registry.convert
        return {texts[k]: convert(v, **kwargs) for k, v in mapping.items()}


class _StateConverter(_IdKeys, BpmnWorkflowConverter):
    """A BpmnWorkflow without its specs; ``from_dict`` needs them as arguments."""

    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None, script_engine=None):
        if spec is None:
            raise WorkflowError("a workflow state can only be loaded together with its spec")
        workflow = self.target_class(spec, subprocess_specs, script_engine=script_engine, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


class _SubWorkflowConverter(_IdKeys, BpmnSubWorkflowConverter):
    """A called process restored from the spec its state names: a call activity whose
    process is an expression (engine.runtime.call_activities) started the one it chose."""

    def from_dict(self, dct, task, top_workflow):
        spec = top_workflow.subprocess_specs.get(dct.get("spec")) or \
            top_workflow.subprocess_specs.get(task.task_spec.spec)
        subprocess = self.target_class(spec, task.id, top_workflow, deserializing=True)
        subprocess.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=subprocess)
        subprocess.task_tree = subprocess.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(subprocess, dct)
        return subprocess


class _TaskConverter(TaskConverter):
    """A task as SpiffWorkflow writes it, or a marker for the text a kept workflow's
    write puts there instead (engine.runtime.kept.Reuse: only what this conversion
    would write)."""

    reuse: Reuse | None = None  # set for one write (a registry is one thread's)

    def to_dict(self, task):
        reuse = self.reuse
        if reuse is not None:
            marker = reuse.marker(task.id)
            if marker is not None:
                return marker
        return self.converted(task)

    def converted(self, task) -> dict:
        """SpiffWorkflow 3.2's ``TaskConverter.to_dict``, the same dictionary (keys in
        the same order; tests/runtime/test_kept_workflows.py compares them), with
        the parent looked up once and the ids' texts from the registry's ``id_texts``."""
        texts = self.registry.id_texts
        parent = task.workflow.tasks.get(task._parent)  # Task.parent
        data = task.data
        if parent is None:
            delta = {}
        else:
            before = parent.data  # DeepMerge.get_updated_keys and get_deleted_keys
            delta = {"updates": {key: value for key, value in data.items() if key not in before or value != before[key]},
                     "deletions": [key for key in before if key not in data]}
            data = {}
        return {
            "id": texts[task.id],
            "parent": texts[task._parent] if parent is not None else None,
            "children": [texts[child] for child in task._children],
            "last_state_change": task.last_state_change,
            "state": task.state,
            "task_spec": task.task_spec.name,
            "triggered": task.triggered,
            "internal_data": self.registry.convert(task.internal_data),
            "data": data,
            "delta": delta,
        }


def _registry():
    registry = BpmnWorkflowSerializer.configure({**CAMUNDA_CONFIG, DealflowMessage: MessageEventDefinitionConverter,
                                                 ExpressionCallActivity: SubWorkflowConverter,
                                                 BpmnSubWorkflow: _SubWorkflowConverter,
                                                 AdHocTask: AdHocTaskConverter})
    _StateConverter(BpmnWorkflow, registry)  # replaces the converter that embeds the spec
    registry.tasks = _TaskConverter(Task, registry)
    registry.id_texts = _IdTexts()
    registry.register(Decimal, lambda v: {"value": str(v)}, lambda v: Decimal(v["value"]))
    registry.register(date, lambda v: {"value": v.isoformat()}, lambda v: date.fromisoformat(v["value"]))
    return registry


class Serializer:
    """Spec and state text for one methodology version's specs.

    SpiffWorkflow's serializer flips a flag on its registry while it writes, so each
    thread gets its own registry.
    """

    def __init__(self):
        self._local = threading.local()

    @property
    def _serializer(self) -> BpmnWorkflowSerializer:
        serializer = getattr(self._local, "serializer", None)
        if serializer is None:
            serializer = self._local.serializer = BpmnWorkflowSerializer(_registry())
        return serializer

    # --- specs ---------------------------------------------------------------------

    def spec_to_text(self, spec, subprocess_specs: dict, extra: dict) -> str:
        registry = self._serializer.registry
        return json.dumps({
            "format": SPEC_FORMAT,
            "serializer_version": self._serializer.VERSION,
            "spec": registry.convert(spec),
            "subprocess_specs": {name: registry.convert(s) for name, s in subprocess_specs.items()},
            **extra,
        }, separators=(",", ":"))

    def spec_from_text(self, text: str):
        """(spec, subprocess_specs, the whole document) from ``spec_to_text``'s output."""
        try:
            dct = json.loads(text)
        except ValueError as err:
            raise WorkflowError(f"the stored workflow spec is not JSON: {err}") from None
        if not isinstance(dct, dict) or dct.get("format") != SPEC_FORMAT:
            raise WorkflowError(f"the stored workflow spec is not in the {SPEC_FORMAT} format")
        if dct.get("serializer_version") != self._serializer.VERSION:
            raise WorkflowError(f"the stored workflow spec was written by SpiffWorkflow serializer "
                                f"{dct.get('serializer_version')}, this engine reads {self._serializer.VERSION}")
        registry = self._serializer.registry
        spec = registry.restore(dct["spec"])
        subprocess_specs = {name: registry.restore(s) for name, s in dct["subprocess_specs"].items()}
        return spec, subprocess_specs, dct

    # --- states --------------------------------------------------------------------

    def state_to_text(self, workflow, unchanged: frozenset = frozenset(), reuse: Reuse | None = None) -> str:
        """The state as JSON text; StateNotStorable if its task data cannot be written.

        Task data is checked first, without building any text (a value containing
        itself or nested thousands deep would crash the writer, a value that repeats
        a big list would fill the database), and any failure of the writer itself is
        StateNotStorable too, so a step can report it like a failing expression.
        ``unchanged``: ids of tasks whose data is as read from a stored state (which
        passed this check when it was written), not checked again. ``reuse``: the
        finished tasks of a kept workflow the step left as they were read
        (engine.runtime.kept), written as the text they were read from where it holds
        (and so unchanged too)."""
        _check_task_data(workflow, unchanged.union(reuse.fixed) if reuse is not None else unchanged)
        serializer = self._serializer
        registry = serializer.registry
        encoder = serializer._encoder_cls(separators=(",", ":"))

        def converted(obj):
            dct = registry.convert(obj)
            if obj is workflow:
                dct["format"] = STATE_FORMAT
                dct[serializer.VERSION_KEY] = serializer.VERSION
            return dct

        registry._encoder_mode = True  # what serialize_json does: nested values go to the encoder
        registry.tasks.reuse = reuse
        try:
            if reuse is None:
                text = encoder.encode(converted(workflow))
            else:
                text = reuse.write(workflow, converted, encoder.encode, registry.id_texts)
        except (TypeError, ValueError, RecursionError, OverflowError) as err:
            raise StateNotStorable("", f"the task data cannot be stored: {err}") from None
        finally:
            registry._encoder_mode = False
            registry.tasks.reuse = None
        if len(text) > MAX_STATE_CHARS:
            raise StateNotStorable("", f"the workflow state would take {len(text)} characters; the limit is "
                                       f"{MAX_STATE_CHARS}: keep task data small")
        return text

    def state_from_text(self, text: str, spec, subprocess_specs: dict, script_engine: SafeScriptEngine):
        serializer = self._serializer
        try:
            dct = json.loads(text)
        except (TypeError, ValueError) as err:
            raise WorkflowError(f"the stored workflow state is not JSON: {err}") from None
        if not isinstance(dct, dict) or dct.pop("format", None) != STATE_FORMAT:
            raise WorkflowError(f"the stored workflow state is not in the {STATE_FORMAT} format")
        version = dct.pop(serializer.VERSION_KEY, None)
        if version != serializer.VERSION:
            # SpiffWorkflow's format migrations need the embedded spec, which we do not store.
            raise WorkflowError(f"the stored workflow state was written by SpiffWorkflow serializer "
                                f"{version}, this engine reads {serializer.VERSION}")
        _check_task_specs(dct, spec, subprocess_specs)
        return serializer.registry.restore(dct, spec=spec, subprocess_specs=subprocess_specs,
                                           script_engine=script_engine)


    def renew_from_text(self, workflow, text: str, reused: Reuse | None = None) -> Written:
        """Rebuild the values of ``workflow`` from ``text``, the state it was written as
        by ``state_to_text`` with ``reused`` (engine.runtime.kept): it then holds what a
        restore of ``text`` would, on its own task objects."""
        skeleton = reused.skeleton if reused is not None else None  # the text, less what is kept
        return renew(workflow, json.loads(text if skeleton is None else skeleton), self._serializer.registry,
                     reused)


class StateNotStorable(Exception):
    """A workflow state that cannot be written; ``node_id`` names the task whose data
    is at fault ("" when the writer cannot tell)."""

    def __init__(self, node_id: str, message: str):
        super().__init__(message)
        self.node_id = node_id
        self.message = message


def _check_task_data(workflow, unchanged: frozenset = frozenset()) -> None:
    """Every task's data storable (engine.expressions.storable), the task that made a
    bad value named: tasks are checked in the order they last changed, so the script
    or decision that produced it comes before the tasks that inherited it. Tasks in
    ``unchanged`` are left out."""
    tasks = [t for t in all_tasks(workflow) if t.id not in unchanged] if unchanged else all_tasks(workflow)
    order = {id(t): i for i, t in enumerate(tasks)}
    for task in sorted(tasks, key=lambda t: (t.last_state_change, order[id(t)])):
        spec = task.task_spec
        node_id = getattr(spec, "bpmn_id", None) or spec.name
        try:
            stored_size(task.data, "the task data", limit=MAX_TASK_DATA_CHARS, strict=True)
        except ExpressionError as err:
            raise StateNotStorable(node_id, err.message) from None
    try:
        stored_size(workflow.data, "the workflow data", limit=MAX_TASK_DATA_CHARS, strict=True)
    except ExpressionError as err:
        raise StateNotStorable("", err.message) from None


def _check_task_specs(dct: dict, spec, subprocess_specs: dict) -> None:
    """Refuse a state naming nodes its spec lacks (SpiffWorkflow would quietly invent a Start)."""
    missing = {t["task_spec"] for t in dct["tasks"].values()} - set(spec.task_specs)
    for sub in dct.get("subprocesses", {}).values():
        sub_spec = subprocess_specs.get(sub.get("spec"))
        if sub_spec is None:
            raise WorkflowError(f"the workflow state needs subprocess '{sub.get('spec')}', "
                                "which this methodology version does not define")
        missing |= {t["task_spec"] for t in sub["tasks"].values()} - set(sub_spec.task_specs)
    if missing:
        raise WorkflowError("the workflow state is at nodes this methodology version does not have: "
                            + ", ".join(sorted(missing)))
