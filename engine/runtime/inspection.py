"""Reading a live SpiffWorkflow workflow: its tasks, the nodes inside parallel branches,
its waiting timers, and running it until only people or timers are awaited."""

from __future__ import annotations

from copy import deepcopy
from datetime import datetime, timedelta

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.defaults import CallActivity, InclusiveGateway, ParallelGateway, StartEvent
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState

from engine.runtime import adhoc
from engine.runtime.step import TimerInfo


def all_tasks(workflow: BpmnWorkflow) -> list:
    """Every task of the workflow and its subprocesses, in the order they were created.

    Read from the task dictionaries: SpiffWorkflow's tree iterator costs more than
    the rest of a step."""
    tasks = list(workflow.tasks.values())
    for sub in workflow.subprocesses.values():
        tasks.extend(sub.tasks.values())
    return tasks


def is_completed(workflow) -> bool:
    """``workflow.is_completed()`` (flag included: it is set once nothing is left), read
    from the task dictionary instead of SpiffWorkflow's tree iterator, which walks
    every finished task before the first unfinished one. The dictionary holds exactly
    the tree's tasks: SpiffWorkflow adds each task on creation and removes it with its
    branch (``Workflow._remove_task``)."""
    if not workflow.completed and not any(t._state & _NOT_FINISHED for t in workflow.tasks.values()):
        workflow.completed = True
    return workflow.completed


_NOT_FINISHED = TaskState.NOT_FINISHED_MASK


def called_tasks(workflow: BpmnWorkflow) -> set:
    """The ids of the tasks that run inside a called process (a call activity's, and
    whatever that one calls or embeds): their node ids belong to another BPMN
    process, so they enter none of the deal's stages even where an id repeats one of
    the deal's own process (StartEvent_1, EndEvent_1)."""
    if not workflow.subprocesses:
        return set()
    owners = {t.id: t for t in all_tasks(workflow)}
    inside: set = set()

    def called(sub) -> bool:
        owner = owners.get(sub.parent_task_id)
        while owner is not None:
            # Camunda's parser makes an embedded subprocess a CallActivity too, whose
            # subprocess spec is named after the node itself
            if isinstance(owner.task_spec, CallActivity) and owner.task_spec.spec != owner.task_spec.bpmn_id:
                return True
            parent = owner.workflow
            owner = owners.get(getattr(parent, "parent_task_id", None))
        return False

    for sub in workflow.subprocesses.values():
        if called(sub):
            inside.update(sub.tasks)
    return inside


def parallel_nodes(spec) -> set[str]:
    """Node ids of ``spec`` that a token can reach while another token of the same
    instance is alive: after a parallel or inclusive split, before its join."""
    start = next(t for t in spec.task_specs.values() if isinstance(t, StartEvent))
    inside: set[str] = set()
    seen: set[tuple[str, int]] = set()
    todo = [(start, 0)]
    while todo:
        task_spec, depth = todo.pop()
        if (task_spec.name, depth) in seen or depth > 50:
            continue
        seen.add((task_spec.name, depth))
        forking = isinstance(task_spec, (ParallelGateway, InclusiveGateway))
        if forking and len(task_spec.inputs) > 1:
            depth = max(0, depth - 1)
        if depth > 0 and task_spec.bpmn_id:
            inside.add(task_spec.bpmn_id)
        if forking and len(task_spec.outputs) > 1:
            depth += 1
        todo.extend((output, depth) for output in task_spec.outputs)
    return inside


def run_engine(workflow: BpmnWorkflow) -> None:
    """Engine steps until nothing automatic is READY.

    ``do_engine_steps`` refreshes timers at its end, so a timer that fired there is
    READY but not yet run; run again until the workflow only waits. Ad-hoc subprocesses
    learn between runs what finished in them (engine.runtime.adhoc)."""
    while True:
        workflow.do_engine_steps()
        if adhoc.advance(workflow):  # an ad-hoc subprocess took in what finished in it
            continue
        if not any(t.state == TaskState.READY and not t.task_spec.manual for t in all_tasks(workflow)):
            return


def timers(workflow: BpmnWorkflow) -> tuple[TimerInfo, ...]:
    timers = []
    for task in workflow.event_manager.tasks.values():
        definition = getattr(task.task_spec, "event_definition", None)
        if not isinstance(definition, TimerEventDefinition) or task.state != TaskState.WAITING:
            continue
        due = timer_due(task.internal_data.get("event_value"))
        if due is not None:
            timers.append(TimerInfo(task.task_spec.bpmn_id, due))
    return tuple(sorted(timers, key=lambda t: (t.due, t.node_id)))


def timer_marks(workflow: BpmnWorkflow) -> dict:
    """What each waiting timer holds before a step (task id -> its event value: the due
    moment, or a cycle's count and next firing), for ``firings`` to compare with after."""
    return {task.id: deepcopy(task.internal_data.get("event_value"))
            for task in workflow.event_manager.tasks.values()
            if task.state == TaskState.WAITING
            and isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition)}


def firings(workflow: BpmnWorkflow, marks: dict) -> tuple[TimerInfo, ...]:
    """Every firing of a timer since ``marks`` were taken, each with the moment it was
    due: a cycle overdue several times may fire several times in one step (when
    nothing but automatic work follows it), and each firing counts."""
    tasks = {task.id: task for task in all_tasks(workflow)}
    fired = []
    for task_id, before in marks.items():
        task = tasks.get(task_id)
        if task is None:
            continue
        node = task.task_spec.bpmn_id
        if isinstance(before, dict):  # a cycle: its count went down once per firing
            after = task.internal_data.get("event_value")
            left = after["cycles"] if isinstance(after, dict) else 0  # spent: the value is dropped
            first, every = TimerEventDefinition.get_datetime(before["next"]), before["duration"]
            fired += [TimerInfo(node, first + timedelta(seconds=every * n)) for n in range(before["cycles"] - left)]
        elif task.state & (TaskState.READY | TaskState.STARTED | TaskState.COMPLETED):
            due = timer_due(before)
            if due is not None:
                fired.append(TimerInfo(node, due))
    return tuple(sorted(fired, key=lambda t: (t.due, t.node_id)))


def timer_due(value) -> datetime | None:
    if isinstance(value, dict):  # a cycle: the next firing
        value = value.get("next") if value.get("cycles") != 0 else None
    if not isinstance(value, str):
        return None
    try:
        return TimerEventDefinition.get_datetime(value)
    except ValueError:
        return None
