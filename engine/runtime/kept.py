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

Finished tasks are neither rebuilt nor written again once settled (``Written``,
``Reuse``): a task that finished and that a step leaves exactly as renew left it
(same state, change time, children, flags, the very data and internal data objects,
holding no list or record inside a list or record, so no other task's data shares
anything mutable with them) is written as the text it was last written as, spliced
into the new state text, and the next renew parses only the rest and keeps its data.
SpiffWorkflow touches a finished task's data only when the task runs again
(``_update`` only reaches unfinished tasks), and Dealflow's hooks only the data of
the task they run. A task's text is taken only once it is a fixed point — what
converting the restored task gives, i.e. what the full path writes: the task was
renewed from a text and left unchanged by a step before, and so was its parent, up
to the root. A kept workflow's text thus stays byte for byte the full conversion's
(tests/runtime/test_kept_workflows.py checks every write against it). The texts kept
for the next write take about as much memory again as the state text.

The tasks a step predicts ahead hold no data, nor do their parents: such an
unfinished task's text holds nothing but its ids, state, change time, node and flag,
so a write spells it out (``Reuse._blank_texts``) instead of converting and encoding
it, and renew gives it empty data without parsing it.

Bounded (least recently used out first) and safe across threads.
"""

from __future__ import annotations

import json
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from uuid import uuid4

from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.util.deep_merge import DeepMerge
from SpiffWorkflow.util.task import TaskState

from engine.runtime.inspection import all_tasks

__all__ = ["KeptWorkflows", "Reuse", "Written", "renew"]

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


def renew(workflow, dct: dict, registry, reused: Reuse | None = None) -> Written:
    """Rebuild the values of ``workflow`` from ``dct``, the parsed text it was written
    as: what ``engine.runtime.serialization``'s restore would give, on the task objects
    already there. Mirrors SpiffWorkflow 3.2's converters (TaskConverter, WorkflowConverter,
    subprocesses_from_dict), order included: catch events are registered, and
    subprocesses listed, in the order a restore would.

    ``reused``: what the step that wrote ``dct`` reused; the tasks it settled keep their
    data. Returns what the text says of the finished tasks, for the next step to reuse."""
    manager = workflow.event_manager
    manager.tasks = {}
    written = Written(reused)
    _renew_workflow(workflow, dct, registry, manager, written)
    workflow.bpmn_events = registry.restore(dct.get("bpmn_events", []))
    pending = dict(dct.get("subprocesses") or {})
    if not pending and not workflow.subprocesses:
        return written
    old = workflow.subprocesses
    workflow.subprocesses = {}

    def subprocesses_of(parent) -> None:
        for task in parent.tasks.values():
            if isinstance(task.task_spec, SubWorkflowTask) and str(task.id) in pending:
                sub = old[task.id]
                workflow.subprocesses[task.id] = sub
                _renew_workflow(sub, pending.pop(str(task.id)), registry, manager, written)
                subprocesses_of(sub)

    subprocesses_of(workflow)
    return written


def _renew_workflow(workflow, dct: dict, registry, manager, written: Written) -> None:
    tasks = workflow.tasks
    fragments = dct["tasks"]
    if len(fragments) != len(tasks):
        raise ValueError("a kept workflow renewed from a text it did not write")
    seen: set[int] = set()  # id() of the tasks done: a restore finds only those as parents
    settled, blank = written.settled, written.blank
    # The text lists the tasks in the order of ``workflow.tasks``: it was written from it.
    for task, one in zip(tasks.values(), fragments.values()):
        if task.id in settled:  # written as its fragment, its data untouched: as renewed
            written.record(task, sealed=True)
            seen.add(id(task))
            continue
        if task.id in blank:  # written as its text: no data, nor had its parent (Reuse.blank)
            task.internal_data, task.data = {}, {}
            if task.state & TaskState.WAITING and isinstance(task.task_spec, CatchingEvent):
                manager.add_task(task)
            seen.add(id(task))
            continue
        parent = tasks.get(task._parent) if task._parent is not None else None
        inherits = parent is not None and id(parent) in seen
        task.internal_data = registry.restore(one["internal_data"])
        if task.state & TaskState.WAITING and isinstance(task.task_spec, CatchingEvent):
            manager.add_task(task)
        delta = one.get("delta")
        if delta and inherits:
            data = DeepMerge.merge({}, parent.data)
            data.update(registry.restore(delta.get("updates", {})))
            for name in delta.get("deletions", {}):
                if name in data:
                    del data[name]
        else:
            data = registry.restore(one["data"])
        task.data = data
        seen.add(id(task))
        # a task whose data a restore takes from the text's "data" although it has a
        # parent (SpiffWorkflow's order quirk) is left to the converter
        if task.state & _FINISHED and (parent is None or inherits):
            written.record(task, sealed=_sealed(data) and _sealed(task.internal_data))
    workflow.correlations = dct.get("correlations", {})
    workflow.data = registry.restore(dct.get("data", {}))


# --- finished tasks written once ---------------------------------------------------------

_FINISHED = TaskState.FINISHED_MASK
_MUTABLE = (list, dict, set)


def _sealed(data: dict) -> bool:
    """No list or record inside a list or record: DeepMerge gives each task its own
    copy of the top-level ones, so such data shares nothing mutable with other tasks."""
    for value in data.values():
        if isinstance(value, _MUTABLE):
            for item in (value.values() if isinstance(value, dict) else value):
                if isinstance(item, _MUTABLE):
                    return False
    return True


class Reuse:
    """One write of a kept workflow. ``fixed``: ids of the finished tasks the step left
    as renew rebuilt them (or kept them), whose fragment now written is a fixed point;
    ``pieces``: the text of the fragment of those among them whose text from the write
    before still holds (``Written.reuse``). Once written (``write``), ``pieces`` holds
    every fixed task's text and ``skeleton`` the state text with a marker in place of
    each: what the next renew parses."""

    def __init__(self, fixed: frozenset, pieces: dict):
        self.fixed, self.pieces = fixed, pieces
        self.skeleton: str | None = None
        self._numbers: dict = {}
        self.blank: frozenset = frozenset()  # the tasks written by ``_blank_texts``

    def _blank_texts(self, workflow, ids) -> dict:
        """task id -> its text, for each unfinished task whose data and internal data
        are empty and whose parent's data is too (most tasks a step predicts ahead):
        what SpiffWorkflow's converter and the encoder write for such a task, spelled
        out here (``ids``: task id -> its text). A value of another type than those
        spelled (``last_state_change`` not a finite float, ``state`` not an int) leaves
        the task to the converter."""
        texts = {}
        for sub in (workflow, *workflow.subprocesses.values()):
            tasks = sub.tasks
            for task in tasks.values():
                if task._state & _FINISHED or task.data or task.internal_data or task.id in self.fixed:
                    continue
                parent = tasks.get(task._parent)
                changed, state, name = task.last_state_change, task._state, task.task_spec.name
                if (parent is not None and parent.data) or type(changed) is not float or not math.isfinite(changed) \
                        or type(state) is not int or type(name) is not str or type(task.triggered) is not bool:
                    continue
                texts[task.id] = "".join((
                    '{"id":"', ids[task.id],
                    '","parent":null,"children":[' if parent is None else f'","parent":"{ids[task._parent]}","children":[',
                    ",".join([f'"{ids[child]}"' for child in task._children]),
                    '],"last_state_change":', repr(changed), ',"state":', str(state),
                    ',"task_spec":', _json_text(name),
                    ',"triggered":', "true" if task.triggered else "false",
                    ',"internal_data":{},"data":{},"delta":',
                    "{}" if parent is None else '{"updates":{},"deletions":[]}', ",", _MARK_TAIL))
        self.blank = frozenset(texts)
        return texts

    def write(self, workflow, converter, encode, ids) -> str:
        """The state text of ``workflow``: ``converter`` converts the workflow with
        ``self.marker`` for the tasks it names; ``encode`` makes JSON text of a value;
        ``ids`` maps a task id to its text."""
        for task in all_tasks(workflow):
            if task.id in self.fixed and task.id not in self.pieces:  # newly fixed: its own text
                self.pieces[task.id] = encode(converter(task))
        blanks = self._blank_texts(workflow, ids)
        pieces = [*self.pieces.values(), *blanks.values()]
        self._numbers = {task_id: n for n, task_id in enumerate([*self.pieces, *blanks])}
        try:
            self.skeleton = encode(converter(workflow))
        finally:
            self._numbers = {}
        parts = self.skeleton.split(_MARK_HEAD)
        text = [parts[0]]
        for part in parts[1:]:
            number, rest = part.split(",", 1)
            if not rest.startswith(_MARK_TAIL):
                raise ValueError("a task marker written otherwise than expected")
            text += (pieces[int(number)], rest[len(_MARK_TAIL):])
        return "".join(text)

    def marker(self, task_id) -> dict | None:
        """What the task converter writes for ``task_id`` instead of its fragment, if anything."""
        number = self._numbers.get(task_id)
        return None if number is None else {_MARK: number}


# A key no task data can hold (a NUL and this process's random number); SpiffWorkflow
# adds the typename to what the task converter gives.
_MARK = "\x00" + uuid4().hex
_MARK_HEAD = "{" + json.dumps(_MARK) + ":"
_MARK_TAIL = '"typename":"Task"}'
_json_text = json.encoder.encode_basestring_ascii  # a str as the encoder writes it (ensure_ascii)


@dataclass(slots=True)
class _Fragment:
    piece: str | None  # the text of its fragment, when it is a fixed point
    data: dict  # the object renew left as the task's data
    size: int
    internal_data: dict
    internal_size: int
    state: int
    last_state_change: float
    triggered: bool
    children: tuple


class Written:
    """The finished, renewed tasks of a kept workflow, and which of them a write may
    take as they are (``reuse``), so that nothing is written that the full conversion
    would write differently."""

    def __init__(self, reused: Reuse | None):
        self.settled = reused.fixed if reused is not None else frozenset()
        self.blank = reused.blank if reused is not None else frozenset()
        self._pieces = reused.pieces if reused is not None else {}
        self._sealed: dict = {}

    def record(self, task, sealed: bool) -> None:
        if sealed:
            self._sealed[task.id] = _Fragment(self._pieces.get(task.id), task.data, len(task.data),
                                              task.internal_data, len(task.internal_data), task.state,
                                              task.last_state_change, task.triggered, tuple(task._children))

    def reuse(self, tasks) -> Reuse:
        """For ``tasks`` (every task, parents before their children), after a step."""
        pieces, fixed = {}, set()
        recorded = self._sealed
        for task in tasks:
            was = recorded.get(task.id)
            if was is None or task.data is not was.data or task.state != was.state \
                    or task.last_state_change != was.last_state_change or task.triggered != was.triggered \
                    or len(was.data) != was.size or task.internal_data is not was.internal_data \
                    or len(was.internal_data) != was.internal_size or tuple(task._children) != was.children:
                continue
            parent = task._parent if task._parent in task.workflow.tasks else None
            if parent is not None and parent not in fixed:
                continue
            fixed.add(task.id)
            if was.piece is not None and (parent is None or parent in pieces):
                pieces[task.id] = was.piece
        return Reuse(frozenset(fixed), pieces)
