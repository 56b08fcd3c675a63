"""Ad-hoc subprocesses as Camunda 8 runs them (docs/methodology-format.md).

An ``adHocSubProcess`` holds activities that no flow leads into; which of them run,
and how often, is decided while it runs:

- ``zeebe:adHoc activeElementsCollection``: an expression giving the ids of the
  elements to activate when the subprocess is entered; it completes when they have
  finished, or earlier when its ``completionCondition`` holds after one of them did
  (the others cancelled when ``cancelRemainingInstances``);
- a job worker (``zeebe:taskDefinition``, as Camunda's AI Agent connector uses): a
  job (an external task, node ``<id>__adhoc_job``) is created when the subprocess is
  entered and again each time an activated element finishes. The worker completes it
  with Camunda's job result as variables: ``activateElements`` (a list of
  ``{"elementId": ..., "variables": {...}}``: each such element runs once more, with
  those variables its own), ``isCompletionConditionFulfilled`` and
  ``isCancelRemainingInstances``; any other variable goes to the subprocess.

Each finished element's ``outputElement`` (evaluated with its data) is appended to the
``outputCollection`` list. SpiffWorkflow 3.2's own ad-hoc subprocess runs every
element at least once, which is not Camunda's meaning; Dealflow parses the element
with ``AdHocParser`` into ``AdHocTask``: the inner elements are task specs of the
enclosing process, each activation a child task of the subprocess's task, and
``advance`` (called between engine steps, engine.runtime.inspection.run_engine)
notices finished elements and jobs.
"""

from __future__ import annotations

import hashlib
import json
import weakref
from copy import deepcopy

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.parser.TaskParser import TaskParser
from SpiffWorkflow.bpmn.serializer.default.task_spec import BpmnTaskSpecConverter
from SpiffWorkflow.bpmn.specs.defaults import ManualTask
from SpiffWorkflow.bpmn.specs.mixins.bpmn_spec_mixin import BpmnSpecMixin
from SpiffWorkflow.util.task import TaskState

from engine.methodology.adhoc import (ACTIVATE, CANCEL_REMAINING, FULFILLED, JOB_SUFFIX, AdHocFacts,
                                      ad_hoc_facts)

__all__ = ["AdHocParser", "AdHocTask", "AdHocTaskConverter", "advance"]

_STATE = "dealflow_adhoc"  # task.internal_data of the subprocess's task
_LOCAL = "dealflow_adhoc_local"  # task.internal_data of an activation: the names its variables gave it
_GIVEN = "dealflow_adhoc_given"  # task.internal_data of an activation or job: a digest of each value it started with
_OPEN = TaskState.FUTURE | TaskState.WAITING | TaskState.READY | TaskState.STARTED | TaskState.ERROR


class AdHocTask(BpmnSpecMixin):
    """The task of an ad-hoc subprocess: STARTED while its elements (children of this
    task) and its worker's jobs run, READY when it is done."""

    def __init__(self, wf_spec, bpmn_id, elements=None, job=None, active_elements=None,
                 completion_condition=None, cancel_remaining=False, output_collection=None,
                 output_element=None, **kwargs):
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.elements = dict(elements or {})  # element id -> the spec an activation starts at
        self.job = job  # the spec name of the worker's job, or None
        self.active_elements = active_elements
        self.completion_condition = completion_condition
        self.cancel_remaining = cancel_remaining
        self.output_collection = output_collection
        self.output_element = output_element

    def _update_hook(self, my_task):
        if _STATE in my_task.internal_data:
            return False
        super()._update_hook(my_task)  # the data before it, its input mappings
        my_task.internal_data[_STATE] = {"done": [], "jobs": 0, "fulfilled": False}
        if self.output_collection and not isinstance(my_task.data.get(self.output_collection), list):
            my_task.data[self.output_collection] = []
        my_task._set_state(TaskState.STARTED)
        if self.job is not None:
            self._create_job(my_task)
            return False
        ids = my_task.workflow.script_engine.evaluate(my_task, self.active_elements)
        if ids is None:
            ids = []
        if not isinstance(ids, (list, tuple)) or not all(isinstance(i, str) for i in ids):
            raise WorkflowTaskException(
                f"ad-hoc subprocess '{self.bpmn_id}': activeElementsCollection gave {ids!r}, not a list of "
                "element ids", task=my_task)
        for element in ids:
            self._activate(my_task, element, {})
        return not self._children(my_task)

    def _on_complete_hook(self, my_task):
        """Its output mappings run (completed_event); then the outputCollection, a
        variable of the subprocess's own in Camunda 8, goes — unless a mapping set it."""
        collected = my_task.data.get(self.output_collection) if self.output_collection else None
        super()._on_complete_hook(my_task)
        if collected is not None and my_task.data.get(self.output_collection) is collected:
            del my_task.data[self.output_collection]

    # --- what advance() does ----------------------------------------------------------------

    def advance(self, my_task) -> bool:
        """Take in what finished since the last look; True if anything changed."""
        state = my_task.internal_data[_STATE]
        changed = False
        for child in self._children(my_task):
            if str(child.id) in state["done"] or _open(child):
                continue
            state["done"].append(str(child.id))
            changed = True
            if child.task_spec.name == self.job:
                self._job_done(my_task, child, state)
                continue
            self._element_done(my_task, child)
            if self.completion_condition and not state["fulfilled"]:
                state["fulfilled"] = bool(my_task.workflow.script_engine.evaluate(my_task, self.completion_condition))
                if state["fulfilled"] and self.cancel_remaining:
                    state["cancel"] = True
            if self.job is not None and not state["fulfilled"] and not self._job_open(my_task):
                self._create_job(my_task)
        if state.get("cancel"):
            for child in self._children(my_task):
                if _open(child):
                    child.cancel()
                    state["done"].append(str(child.id))
                    changed = True
        running = [c for c in self._children(my_task) if _open(c)]
        finished = state["fulfilled"] or self.job is None
        if finished and not running:
            my_task._ready()
            return True
        return changed

    def _job_done(self, my_task, job, state) -> None:
        data = _changed(job, job.data)
        activate = data.pop(ACTIVATE, None) or []
        fulfilled = data.pop(FULFILLED, False)
        cancel = data.pop(CANCEL_REMAINING, False)
        if not isinstance(activate, list) or not all(isinstance(a, dict) for a in activate):
            raise WorkflowTaskException(
                f"ad-hoc subprocess '{self.bpmn_id}': the worker's {ACTIVATE} must be a list of "
                "{\"elementId\": ..., \"variables\": {...}}", task=job)
        for key, value in data.items():  # the worker's other variables belong to the subprocess
            my_task.data[key] = deepcopy(value)
        for item in activate:
            variables = item.get("variables") or {}
            if not isinstance(variables, dict):
                raise WorkflowTaskException(
                    f"ad-hoc subprocess '{self.bpmn_id}': the variables of {item.get('elementId')!r} must be "
                    "an object", task=job)
            self._activate(my_task, item.get("elementId"), variables, job)
        state["fulfilled"] = state["fulfilled"] or bool(fulfilled)
        state["cancel"] = state.get("cancel") or (bool(fulfilled) and bool(cancel))
        if not activate and not state["fulfilled"] and not any(_open(c) for c in self._children(my_task)):
            # Nothing runs and nothing would ever ask the worker again: ask it now.
            self._create_job(my_task)

    def _element_done(self, my_task, child) -> None:
        """The data the element ended with goes to the subprocess (its own variables,
        those its activation gave it, stay behind); its outputElement to the collection."""
        last = _last_completed(child)
        if last is None:  # cancelled before it ran
            return
        local = child.internal_data.get(_LOCAL, [])
        for key, value in _changed(child, last.data).items():  # what the element set, not what it was given
            if key not in local:
                my_task.data[key] = deepcopy(value)
        if self.output_collection:
            item = last.data.get(self.output_collection) if self.output_element is None else \
                my_task.workflow.script_engine.evaluate(last, self.output_element)
            collected = list(my_task.data.get(self.output_collection) or [])
            collected.append(deepcopy(item))
            my_task.data[self.output_collection] = collected

    # --- children -----------------------------------------------------------------------------

    def _children(self, my_task) -> list:
        return [c for c in my_task.children if c.triggered]

    def _job_open(self, my_task) -> bool:
        return any(c.task_spec.name == self.job and _open(c) for c in self._children(my_task))

    def _create_job(self, my_task) -> None:
        my_task.internal_data[_STATE]["jobs"] += 1
        self._add(my_task, my_task.workflow.spec.task_specs[self.job], {})

    def _activate(self, my_task, element, variables: dict, origin=None) -> None:
        if element not in self.elements:
            raise WorkflowTaskException(
                f"ad-hoc subprocess '{self.bpmn_id}' has no element {element!r} to activate; it has "
                f"{', '.join(sorted(self.elements))}", task=origin or my_task)
        child = self._add(my_task, my_task.workflow.spec.task_specs[self.elements[element]], variables)
        child.internal_data[_LOCAL] = sorted(variables)

    def _add(self, my_task, spec, variables: dict):
        child = my_task._add_child(spec, TaskState.WAITING)
        child.triggered = True  # kept when the task's own outputs are synced
        child.data = deepcopy(variables)
        spec._update(child)  # takes the subprocess's data, then (below) its own variables over it
        child.data.update(deepcopy(variables))
        child.internal_data[_GIVEN] = {key: _digest(value) for key, value in child.data.items()}
        return child


def advance(workflow) -> bool:
    """Let every running ad-hoc subprocess of ``workflow`` take in what finished; True
    if any changed (the engine then runs again). A process without one costs a look
    at its specs, once."""
    if not any(_has_ad_hoc(spec) for spec in (workflow.spec, *workflow.subprocess_specs.values())):
        return False
    changed = False
    tasks = list(workflow.tasks.values())
    for sub in workflow.subprocesses.values():
        tasks.extend(sub.tasks.values())
    for task in tasks:
        if isinstance(task.task_spec, AdHocTask) and task.state == TaskState.STARTED:
            changed = task.task_spec.advance(task) or changed
    return changed


_HAS_AD_HOC: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # process spec -> has an AdHocTask


def _has_ad_hoc(spec) -> bool:
    found = _HAS_AD_HOC.get(spec)
    if found is None:
        found = _HAS_AD_HOC[spec] = any(isinstance(t, AdHocTask) for t in spec.task_specs.values())
    return found


def _digest(value) -> str:
    text = json.dumps(value, sort_keys=True, default=repr, separators=(",", ":"))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def _changed(started, data: dict) -> dict:
    """What of ``data`` differs from what the activation or job ``started`` with: the
    values it set (the others may be stale, the subprocess having moved on since)."""
    given = started.internal_data.get(_GIVEN, {})
    return {key: value for key, value in data.items() if given.get(key) != _digest(value)}


def _open(task) -> bool:
    """The task or anything after it still to run."""
    return any(t.state & _OPEN for t in _subtree(task))


def _subtree(task):
    todo = [task]
    while todo:
        current = todo.pop()
        yield current
        todo.extend(current.children)


def _last_completed(task):
    done = [t for t in _subtree(task) if t.state == TaskState.COMPLETED]
    return max(done, key=lambda t: t.last_state_change) if done else None


class AdHocParser(TaskParser):
    """Parses an ad-hoc subprocess into an ``AdHocTask``, its inner elements into task
    specs of the enclosing process (not started by anything: the task starts them),
    and its worker's job, if it has one, into a waiting task."""

    def create_task(self):
        facts: AdHocFacts = ad_hoc_facts(self.node)
        job = None
        if facts.job_type is not None:
            job = ManualTask(self.spec, self.bpmn_id + JOB_SUFFIX, bpmn_name=self.node.get("name") or self.bpmn_id,
                             lane=self.lane)
        task = self.spec_class(self.spec, self.bpmn_id, job=job and job.name, active_elements=facts.active_elements,
                               completion_condition=facts.completion_condition,
                               cancel_remaining=facts.cancel_remaining, output_collection=facts.output_collection,
                               output_element=facts.output_element, **self.bpmn_attributes)
        for element_id in facts.elements:
            node = self.process_parser.get_node_by_id(element_id)
            element = self.process_parser.parse_node(node)
            element.inputs = [task]  # started by it, though not one of its outputs (SpiffWorkflow wants an input)
            task.elements[element_id] = element.name
        if job is not None:
            job.inputs = [task]
        return task


class AdHocTaskConverter(BpmnTaskSpecConverter):
    _FIELDS = ("elements", "job", "active_elements", "completion_condition", "cancel_remaining",
               "output_collection", "output_element")

    def to_dict(self, spec):
        dct = self.get_default_attributes(spec)
        dct.update({field: getattr(spec, field) for field in self._FIELDS})
        return dct

    def from_dict(self, dct):
        return self.task_spec_from_dict(dct)
