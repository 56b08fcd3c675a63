"""Workflows kept in the process between steps, reused only for the exact state text they wrote.

Restoring a ``BpmnWorkflow`` from its stored text builds every task object again; a
deal stepped twice in a row by the same process would rebuild what it had just
written. ``KeptWorkflows`` holds, per runner, the workflow a step left, under the
state text that step returned. The next step of any deal hands the runner the text it
read from the database under the deal's lock; only when that text is, character for
character, the kept one is the kept object used (and taken out: one step at a time
owns it). So what decides is what the database holds, never a clock or a deal id:

- the transaction that was to store the text rolled back (a failed commit, a lost
  connection, a conflict retried): the database still holds the text before, which
  is not kept, so the next step restores;
- another process stepped the deal: its text differs, the step restores;
- a step that fails takes the object out and never puts it back: its half-run
  workflow is dropped;
- a deal moved to another methodology version runs on another runner, whose kept
  workflows are its own.

What is reused is only the task tree's skeleton, which the text fixes exactly (task
ids, parents, children, states, specs, change times, flags). Everything a step can
change in place — every task's data and internal data, the workflow's data,
correlations and pending events, the catch events waiting — is rebuilt from the
text the way SpiffWorkflow's converters rebuild it (``renew``), so a kept workflow
holds the same values, with the same sharing between tasks, as a restored one: a
tuple a script stored is a list again, a record two tasks share is shared as the
restore shares it.

Bounded (least recently used out first) and safe across threads.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.util.deep_merge import DeepMerge
from SpiffWorkflow.util.task import TaskState

__all__ = ["KeptWorkflows", "renew"]

# Workflows kept per runner: a few hundred deals worked on at once, and at most so many
# characters of state text among them (a workflow in memory takes a few times its
# text), so that a methodology with big task data keeps fewer.
DEFAULT_SIZE = 256
DEFAULT_CHARS = 16_000_000


class KeptWorkflows:
    """state text -> the workflow that wrote it, not in use by any step."""

    def __init__(self, size: int = DEFAULT_SIZE, chars: int = DEFAULT_CHARS):
        self._size, self._chars = size, chars
        self._lock = threading.Lock()
        self._kept: OrderedDict[str, object] = OrderedDict()
        self._held = 0  # characters of the texts kept
        self.hits = 0  # steps that ran on a kept workflow (for tests and benchmarks)

    def take(self, state: str):
        """The workflow kept for exactly ``state`` (no longer kept), or None."""
        with self._lock:
            workflow = self._kept.pop(state, None)
            if workflow is not None:
                self.hits += 1
                self._held -= len(state)
            return workflow

    def keep(self, state: str, workflow) -> None:
        """Keep ``workflow`` for the next step on ``state`` (the text it was written as)."""
        if len(state) * 4 > self._chars:
            return  # one this big would push out most others
        with self._lock:
            if self._kept.pop(state, None) is not None:
                self._held -= len(state)
            self._kept[state] = workflow
            self._held += len(state)
            while len(self._kept) > self._size or self._held > self._chars:
                text, _ = self._kept.popitem(last=False)
                self._held -= len(text)

    def __len__(self) -> int:
        with self._lock:
            return len(self._kept)


def renew(workflow, dct: dict, registry) -> None:
    """Rebuild the values of ``workflow`` from ``dct``, the parsed text it was written
    as: what ``engine.runtime.serialization``'s restore would give, on the task objects
    already there. Mirrors SpiffWorkflow 3.2's converters (TaskConverter, WorkflowConverter,
    subprocesses_from_dict), order included: catch events are registered, and
    subprocesses listed, in the order a restore would."""
    manager = workflow.event_manager
    manager.tasks = {}
    _renew_workflow(workflow, dct, registry, manager)
    workflow.bpmn_events = registry.restore(dct.get("bpmn_events", []))
    pending = dict(dct.get("subprocesses") or {})
    if not pending and not workflow.subprocesses:
        return
    old = workflow.subprocesses
    workflow.subprocesses = {}

    def subprocesses_of(parent) -> None:
        for task in parent.tasks.values():
            if isinstance(task.task_spec, SubWorkflowTask) and str(task.id) in pending:
                sub = old[task.id]
                workflow.subprocesses[task.id] = sub
                _renew_workflow(sub, pending.pop(str(task.id)), registry, manager)
                subprocesses_of(sub)

    subprocesses_of(workflow)


def _renew_workflow(workflow, dct: dict, registry, manager) -> None:
    tasks = workflow.tasks
    written = dct["tasks"]
    if len(written) != len(tasks):
        raise ValueError("a kept workflow renewed from a text it did not write")
    seen: set[int] = set()  # id() of the tasks done: a restore finds only those as parents
    # The text lists the tasks in the order of ``workflow.tasks``: it was written from it.
    for task, one in zip(tasks.values(), written.values()):
        task.internal_data = registry.restore(one["internal_data"])
        if task.state & TaskState.WAITING and isinstance(task.task_spec, CatchingEvent):
            manager.add_task(task)
        parent = tasks.get(task._parent) if task._parent is not None else None
        delta = one.get("delta")
        if delta and parent is not None and id(parent) in seen:
            data = DeepMerge.merge({}, parent.data)
            data.update(registry.restore(delta.get("updates", {})))
            for name in delta.get("deletions", {}):
                if name in data:
                    del data[name]
        else:
            data = registry.restore(one["data"])
        task.data = data
        seen.add(id(task))
    workflow.correlations = dct.get("correlations", {})
    workflow.data = registry.restore(dct.get("data", {}))
