"""Running one methodology's BPMN process for one opportunity, state text in, state text out.

``ProcessRunner`` is the narrow adapter over SpiffWorkflow: it is built once per
methodology version (from the files, or from the spec text stored for that
version) and every call takes the opportunity's workflow state as JSON text and
returns the new state with a ``StepResult`` made of Dealflow's own frozen values.
No SpiffWorkflow object leaves a call, so what the database holds is exactly what
runs next: the workflow a step leaves is kept (engine.runtime.kept) only to be
reused for the exact text it was written as, rebuilt from that text.

A step that fails in a script, gateway condition, timer expression or DMN cell
does not raise: its result carries a ``StepError`` and the state returned is the
one the step started from, so nothing half-applied is ever stored and ``retry``
(on the same or a fixed methodology version) can run it again.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from typing import Mapping
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.defaults import (EndEvent, EventBasedGateway, IntermediateCatchEvent, ReceiveTask,
                                               StartEvent)
from SpiffWorkflow.util.task import TaskState

from engine.errors import ExpressionError, MethodologyError, TaskNotReadyError, WorkflowError
from engine.expressions.storable import stored_size
from engine.methodology.bpmn_source import parse_xml, read_bpmn
from engine.methodology.camunda_forms import read_forms
from engine.methodology.zeebe import attach_forms
from engine.methodology.adhoc import spec_owner
from engine.methodology.model import ExternalImplementation, FormField, IoMapping
from engine.methodology.problems import Problem
from engine.rules.forms import into_records

from engine.runtime import external as external_tasks
from engine.runtime import mappings, messages, signals, task_events
from engine.runtime.assignments import AssignmentExpressions
from engine.runtime.mappings import Around
from engine.runtime.clock import acting_user, frozen_now
from engine.runtime.correlation_keys import CorrelationKeys
from engine.runtime.dmn_unique import check_unique_hit_policy
from engine.runtime.script_engine import SafeScriptEngine
from engine.runtime.serialization import MAX_TASK_DATA_CHARS, Serializer, StateNotStorable
from engine.runtime.specs import ProcessSpecs
from engine.runtime.kept import KeptWorkflows, Written
from engine.runtime.inspection import (all_tasks, called_tasks, firings, is_completed, parallel_nodes, run_engine,
                                      timer_marks, timers)
from engine.runtime.step import OutsideWaits, ReadyTask, StepError, StepResult, step_error

__all__ = ["ProcessRunner"]


_REACHED = TaskState.READY | TaskState.STARTED | TaskState.COMPLETED


def _waits_there(task) -> bool:
    """A token waiting at an intermediate catch event or a receive task has reached
    it: a deal is in that node's stage for the whole wait, not from when it fires. Not
    a boundary event (it waits beside its task from the start) nor one of the events
    after an event-based gateway (only the one that fires is taken)."""
    return (task.state == TaskState.WAITING and isinstance(task.task_spec, (IntermediateCatchEvent, ReceiveTask))
            and not isinstance(task.parent.task_spec, EventBasedGateway))

# What can fail while SpiffWorkflow runs methodology text: its own exceptions (our
# ExpressionError arrives wrapped in a WorkflowTaskException), and bare errors it
# lets escape (its timer parsing raises a plain Exception('Invalid duration')).
_STEP_FAILURES = (Exception,)


class ProcessRunner:
    """One per methodology version; built from stored spec text, reused for every opportunity."""

    def __init__(self, spec, subprocess_specs: dict, process_id: str,
                 forms: Mapping[str, tuple[FormField, ...]], serializer: Serializer,
                 external: Mapping[str, ExternalImplementation] | None = None,
                 around: Mapping[str, Mapping[str, Around]] | None = None,
                 assignments: Mapping[str, tuple[tuple[str, str], ...]] | None = None,
                 correlation_keys: Mapping[str, str] | None = None):
        self._spec = spec
        self._assignments = AssignmentExpressions(assignments or {})
        self._correlation_keys = CorrelationKeys(correlation_keys or {})
        self._around = {name: dict(nodes) for name, nodes in (around or {}).items()}
        # io mappings and result variables, hung on this runner's own spec objects
        self._callbacks = mappings.attach([spec, *subprocess_specs.values()], self._around)
        check_unique_hit_policy([spec, *subprocess_specs.values()])
        self._external = dict(external or {})  # node id -> how a worker does it
        self._subprocess_specs = subprocess_specs
        self.process_id = process_id
        self._forms = dict(forms)
        self._serializer = serializer
        self._script_engine = SafeScriptEngine()
        self._spec_text: str | None = None
        self._outside: OutsideWaits | None = None
        self._kept = KeptWorkflows()

    # --- building --------------------------------------------------------------------

    @classmethod
    def from_files(cls, bpmn: dict[str, bytes], dmn: dict[str, bytes], process_id: str,
                   camunda_forms: dict[str, bytes] | None = None) -> ProcessRunner:
        """Parse BPMN and DMN documents (path -> bytes), and the Camunda Forms (``.form``)
        their user tasks name; MethodologyError lists what failed."""
        specs, problems, forms, external, around, assignments = ProcessSpecs(), [], {}, {}, {}, {}
        correlation_keys: dict[str, str] = {}
        by_form_id, more = read_forms(camunda_forms or {})
        problems += more
        for path, data in sorted(dmn.items()):
            tree, more = parse_xml(path, data)
            problems += more
            if tree is not None:
                specs.add_dmn(path, tree.getroot())
        for path, data in sorted(bpmn.items()):
            tree, more = parse_xml(path, data)
            problems += more
            if tree is None:
                continue
            facts = read_bpmn(path, tree)
            problems += facts.problems + attach_forms(facts, by_form_id)
            for message, key in facts.correlation_keys.items():
                correlation_keys.setdefault(message, key)
            for process in facts.processes.values():
                forms.update({node.id: node.form for node in process.nodes.values() if node.form})
                external.update({node.external.node_id: node.external for node in process.nodes.values()
                                 if node.external})
                assignments.update({node.id: node.assignment_expressions for node in process.nodes.values()
                                    if node.assignment_expressions})
                for node in process.nodes.values():
                    if node.id in facts.io_mappings or node.id in facts.result_variables:
                        io = facts.io_mappings.get(node.id) or IoMapping()
                        # a node inside an embedded subprocess belongs to that subprocess's spec
                        around.setdefault(spec_owner(process, node) or process.id, {})[node.id] = Around(
                            io.inputs, io.outputs, io.propagate, facts.result_variables.get(node.id),
                            facts.result_maps.get(node.id))
            specs.add_bpmn(path, tree.getroot())
        if not problems:
            specs.check_process(process_id, next(iter(sorted(bpmn)), "<no BPMN file>"))
        problems += [Problem(p.path, p.line or 1, p.message) for p in specs.problems]
        if problems:
            raise MethodologyError(problems)
        spec, subprocess_specs = specs.workflow_spec(process_id)
        return cls(spec, subprocess_specs, process_id, forms, Serializer(), external, around, assignments,
                   correlation_keys)

    @classmethod
    def from_spec_text(cls, text: str) -> ProcessRunner:
        """Rebuild a runner from ``spec_text()`` without parsing BPMN again."""
        serializer = Serializer()
        spec, subprocess_specs, dct = serializer.spec_from_text(text)
        forms = {node: tuple(FormField(**{**f, "choices": tuple(tuple(c) for c in f["choices"])})
                             for f in fields)
                 for node, fields in dct.get("forms", {}).items()}
        external = {node: ExternalImplementation(**{**impl, "outputs": tuple(impl["outputs"])})
                    for node, impl in dct.get("external", {}).items()}
        around = {name: {node: Around.from_dict(what) for node, what in nodes.items()}
                  for name, nodes in dct.get("around", {}).items()}
        runner = cls(spec, subprocess_specs, dct["process_id"], forms, serializer, external, around,
                     dct.get("assignments"),  # versions stored before assignment expressions have none
                     dct.get("correlation_keys"))  # nor those stored before correlation keys
        runner._spec_text = text
        return runner

    def spec_text(self) -> str:
        """The specs (and the forms read from the BPMN) as JSON: store once per version."""
        if self._spec_text is None:
            forms = {node: [asdict(f) for f in fields] for node, fields in self._forms.items()}
            self._spec_text = self._serializer.spec_to_text(
                self._spec, self._subprocess_specs, {
                    "process_id": self.process_id, "forms": forms,
                    "external": {node: asdict(impl) for node, impl in self._external.items()},
                    "around": {name: {node: what.to_dict() for node, what in nodes.items()}
                               for name, nodes in self._around.items()},
                    "assignments": self._assignments.written,
                    "correlation_keys": self._correlation_keys.written})
        return self._spec_text

    # --- running ---------------------------------------------------------------------

    def start(self, data: dict, now: datetime, user: str | None = None) -> tuple[str, StepResult]:
        """A new workflow with ``data`` as its initial task data, run to its first wait states
        (for ``user``, the one who opened the deal: get_current_user() in its scripts).

        On an error the returned state is the workflow not yet started; ``retry`` runs it."""
        _check_storable(data)
        workflow = BpmnWorkflow(self._spec, self._subprocess_specs, script_engine=self._script_engine)
        workflow.task_tree.data.update(into_records(workflow.task_tree.data, data))
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(into_records(task.data, data))
        before = self._dump(workflow)
        self._kept.keep(before, (workflow, None))  # the step below takes it instead of restoring it
        with acting_user(user):
            return self._step(before, now)

    def complete(self, state: str, task_id: str, data: dict, now: datetime,
                 user: str | None = None) -> tuple[str, StepResult]:
        """Merge ``data`` (already validated) into a READY user task, complete it, run on
        (for ``user``, the one completing it: get_current_user() in the scripts after it)."""
        _check_storable(data)

        def action(workflow, task):
            task.data.update(into_records(task.data, data))  # a dotted field fills its record
            task.run()

        # Its data is checked above and the task runs; a task the step left in its state
        # keeps the data read from the stored state: only the others are checked again.
        with acting_user(user):
            return self._step(state, now, action, task_id, recheck_changed_only=True)

    def complete_external(self, state: str, task_id: str, data: dict, now: datetime) -> tuple[str, StepResult]:
        """Merge a worker's ``data`` (already checked) into a READY external task, complete it, run on."""
        _check_storable(data)

        def action(workflow, task):
            task.data.update(data)
            task.run()

        return self._step(state, now, action, task_id, external=True)

    def throw_error(self, state: str, task_id: str, code: str, data: dict,
                    now: datetime) -> tuple[str, StepResult] | None:
        """A worker's BPMN error on a READY external task: the error boundary event of
        that task catching ``code`` takes the token (``data`` becomes its task data) and
        the engine runs on. None when no boundary event of the task catches it."""
        _check_storable(data)
        with frozen_now(now):
            task = self._ready_user_task(self._load(state), task_id, external=True)
            if external_tasks.error_catcher(task, code) is None:
                return None

        def action(workflow, task):
            external_tasks.deliver_error(external_tasks.error_catcher(task, code), data)

        return self._step(state, now, action, task_id, external=True)

    def task_events(self, node_id: str) -> tuple[task_events.TaskEvent, ...]:
        """The error and escalation boundary events of the user task ``node_id``."""
        return task_events.offered([self._spec, *self._subprocess_specs.values()], node_id)

    def waiting_task_events(self, state: str, task_id: str, now: datetime) -> frozenset[str]:
        """The boundary ids of the READY user task ``task_id``'s error and escalation
        boundary events that can still catch (a raised non-interrupting one cannot)."""
        with frozen_now(now):
            return task_events.waiting(self._ready_user_task(self._load(state), task_id))

    def raise_task_event(self, state: str, task_id: str, kind: str, code: str, data: dict, now: datetime,
                         user: str | None = None) -> tuple[str, StepResult] | None:
        """The person doing the READY user task ``task_id`` reports an error or raises an
        escalation (``kind``) with ``code``: the task's boundary event catching it takes
        it (``data`` becomes its task data) and the engine runs on. An error, or an
        interrupting escalation, ends the task; a non-interrupting one leaves it ready.
        None when no boundary event of the task catches it."""
        _check_storable(data)
        with frozen_now(now):
            task = self._ready_user_task(self._load(state), task_id)
            if task_events.catcher(task, kind, code) is None:
                return None

        def action(workflow, task):
            external_tasks.deliver_error(task_events.catcher(task, kind, code), data)

        with acting_user(user):
            return self._step(state, now, action, task_id)

    def deliver_message(self, state: str, message: str, data: dict,
                        now: datetime) -> tuple[str, StepResult] | None:
        """Deliver ``message`` with ``data`` (already checked) to the catches of ``state``
        waiting for it (a receive task, catch event, boundary event or event
        subprocess start) and run on; None when nothing there waits for it."""
        _check_storable(data)
        with frozen_now(now):
            if not any(w.message == message for w in messages.waiting(self._load(state))):
                return None

        def action(workflow, task):
            messages.deliver(workflow, message, data)

        return self._step(state, now, action)

    def deliver_signal(self, state: str, name: str, data: dict, now: datetime) -> tuple[str, StepResult] | None:
        """Broadcast signal ``name`` with ``data`` (already checked) to every catch of
        ``state`` waiting for it and run on; None when nothing there waits for it."""
        _check_storable(data)
        if name not in self.waiting_signals(state, now):
            return None
        return self._step(state, now, lambda workflow, task: signals.deliver(workflow, name, data))

    def waiting_signals(self, state: str, now: datetime) -> tuple[str, ...]:
        """Names of the signals ``state`` waits for now."""
        with frozen_now(now):
            return signals.waiting(self._load(state))

    def signal_catches(self) -> frozenset[str]:
        """Names of the signals some catch of the process (or what it calls) waits for."""
        return signals.caught_anywhere(self._spec, *self._subprocess_specs.values())

    def message_starts(self) -> tuple[str, ...]:
        """Names of the messages a top-level message start event of the process waits for."""
        return messages.start_messages(self._spec)

    def outside_waits(self) -> OutsideWaits:
        """Which rows outside the workflow this process can make (``OutsideWaits``):
        a fact of the spec, worked out once per runner (one per version)."""
        if self._outside is None:
            self._outside = OutsideWaits(
                external=bool(self._external),
                messages=messages.any_message(self._spec, *self._subprocess_specs.values()))
        return self._outside

    def correlation_key(self, message: str, data: dict) -> tuple[str | None, str | None]:
        """A catch of ``message`` waiting with ``data``: its Camunda 8 correlation key
        and, when it has none though the message declares one, why (for the deal page)."""
        return self._correlation_keys.explain(message, data)

    def implementation(self, node_id: str) -> ExternalImplementation | None:
        """How the external task ``node_id`` is done (None: it is not one)."""
        return self._external.get(node_id)

    def start_at(self, node_id: str, data: dict, now: datetime) -> tuple[str, StepResult]:
        """A new workflow positioned just before ``node_id`` (Camunda's "start before
        activity"): the top-level start event runs, the token is put on ``node_id``
        with ``data`` as its task data, and the engine runs to the next wait states.

        Used to move a running opportunity onto another methodology at a stage's
        entry node. The node must be on the top-level process, outside any parallel
        branch (``start_problem`` says why not; WorkflowError). On an error the
        returned state is the positioned workflow not yet run on; ``retry`` runs it."""
        _check_storable(data)
        problem = self.start_problem(node_id)
        if problem is not None:
            raise WorkflowError(problem)
        with frozen_now(now):
            workflow = BpmnWorkflow(self._spec, self._subprocess_specs, script_engine=self._script_engine)
            workflow.task_tree.run()  # SpiffWorkflow's own 'Start'
            anchor = next(t for t in workflow.task_tree.children if isinstance(t.task_spec, StartEvent))
            specs = workflow.spec.task_specs
            if anchor.task_spec.bpmn_id == node_id:  # the first stage: an ordinary start
                before = {}
                anchor.set_data(**data)
            else:
                anchor.run()
                anchor._drop_children(force=True)
                anchor.set_data(**data)
                split = f"{node_id}.BoundaryEventSplit"  # a task with boundary events
                child = anchor._add_child(specs[split if split in specs else node_id], TaskState.FUTURE)
                child.task_spec._predict(child, mask=TaskState.NOT_FINISHED_MASK)
                before = {t.id: t.state for t in all_tasks(workflow)}
                child.task_spec._update(child)
            positioned = self._dump(workflow)
            try:
                run_engine(workflow)
            except _STEP_FAILURES as err:
                return positioned, self._failed(positioned, err)
            return self._saved(positioned, workflow, before)

    def start_problem(self, node_id: str) -> str | None:
        """Why a workflow cannot be started at ``node_id`` (None: it can)."""
        specs = self._spec.task_specs
        if node_id not in specs or specs[node_id].bpmn_id != node_id:
            for name, sub in self._subprocess_specs.items():
                if node_id in sub.task_specs:
                    return f"node '{node_id}' is inside subprocess '{name}'; a workflow cannot start there"
            return f"node '{node_id}' is not a node of process '{self.process_id}'"
        if node_id in parallel_nodes(self._spec):
            return f"node '{node_id}' is on a parallel branch; a workflow cannot start there"
        return None

    def fire_due_timers(self, state: str, now: datetime) -> tuple[str, StepResult]:
        """Fire every timer due before ``now`` (each fires once) and run on."""
        return self._step(state, now)

    def retry(self, state: str, now: datetime) -> tuple[str, StepResult]:
        """Run the engine steps again, e.g. after an error, with this runner's spec.

        A runner of a fixed methodology version can retry a state saved under the
        broken one, as long as the state's nodes still exist (WorkflowError if not)."""
        return self._step(state, now)

    def result(self, state: str) -> StepResult:
        """What ``state`` is waiting for, without running anything."""
        workflow = self._load(state)
        return self._result(workflow, {}, None)

    def with_data(self, state: str, values: dict) -> str:
        """``state`` with ``values`` merged into the data of every task still to run —
        facts learned outside the process (a questionnaire's score) that its next
        gateways and decision tables may read. Nothing runs."""
        _check_storable(values)
        workflow = self._load(state)
        for task in all_tasks(workflow):
            if not task.has_state(TaskState.FINISHED_MASK):
                task.data.update(into_records(task.data, values))
        return self._dump(workflow)

    def data(self, state: str) -> dict:
        """The task data as the most recently completed task left it (a copy)."""
        workflow = self._load(state)
        last = workflow.last_task
        return dict(workflow.data if workflow.is_completed() and workflow.data else
                    (last.data if last is not None else {}))

    # --- internals -------------------------------------------------------------------

    def _step(self, state: str, now: datetime, action=None, task_id: str | None = None,
              external: bool = False, recheck_changed_only: bool = False) -> tuple[str, StepResult]:
        """Load ``state``, run ``action`` on the READY user task ``task_id`` (if any) and
        the engine at ``now``; on a failure, the untouched ``state`` and the error."""
        with frozen_now(now):
            workflow, written = self._take(state)
            task = self._ready_user_task(workflow, task_id, external) if task_id is not None else None
            before = {t.id: t.state for t in all_tasks(workflow)}
            marks = timer_marks(workflow)
            try:
                if action is not None:
                    action(workflow, task)
                run_engine(workflow)
            except _STEP_FAILURES as err:
                return state, self._failed(state, err)
            thrown = messages.thrown(workflow)  # taken out of the state: each is delivered once
            unchanged = frozenset(t.id for t in all_tasks(workflow) if before.get(t.id) == t.state) \
                if recheck_changed_only else frozenset()
            return self._saved(state, workflow, before, marks, thrown, unchanged, written)

    def _failed(self, state: str, err: Exception) -> StepResult:
        """The result of the untouched ``state``, carrying the error."""
        return self._result(self._load(state), None, step_error(err))

    def _saved(self, state: str, workflow: BpmnWorkflow, before: dict,
               marks: dict | None = None, thrown: tuple = (), unchanged: frozenset = frozenset(),
               written: Written | None = None) -> tuple[str, StepResult]:
        """The new state and the step's result; or, when what the step left cannot be
        stored (too big, too deep, containing itself, not JSON), the untouched
        ``state`` and that error on the task that made it, as for a failing script.
        ``written``: what the text a kept workflow was renewed from says of its
        finished tasks (engine.runtime.kept), to write those the step left alone as they were."""
        reuse = written.reuse(all_tasks(workflow)) if written is not None else None
        try:
            text = self._serializer.state_to_text(workflow, unchanged, reuse)
        except StateNotStorable as err:
            return state, self._result(self._load(state), None, StepError(err.node_id, err.message))
        result = self._result(workflow, before, None, marks, thrown)
        # Kept under the text it was written as: used again only if the database hands
        # back exactly that text, i.e. once this step's transaction has committed.
        self._kept.keep(text, (workflow, reuse))
        return text, result

    def _load(self, state: str) -> BpmnWorkflow:
        return self._serializer.state_from_text(state, self._spec, self._subprocess_specs, self._script_engine)

    def _take(self, state: str) -> tuple[BpmnWorkflow, Written | None]:
        """``_load``, or the workflow kept for exactly ``state`` rebuilt from it (no
        longer kept: a step that fails drops it), with what ``state`` says of its
        finished tasks."""
        kept = self._kept.take(state)
        if kept is None:
            return self._load(state), None
        workflow, reused = kept
        return workflow, self._serializer.renew_from_text(workflow, state, reused)

    def _dump(self, workflow: BpmnWorkflow) -> str:
        """The state of a workflow nothing has run in yet: data that cannot be stored
        is the caller's mistake."""
        try:
            return self._serializer.state_to_text(workflow)
        except StateNotStorable as err:
            raise WorkflowError(err.message) from None

    def _ready_user_task(self, workflow: BpmnWorkflow, task_id: str, external: bool = False):
        try:
            uuid = UUID(str(task_id))
        except ValueError:
            raise TaskNotReadyError(task_id, f"'{task_id}' is not a task id") from None
        task = next((t for t in all_tasks(workflow) if t.id == uuid), None)
        if task is None:
            raise TaskNotReadyError(task_id, f"task {task_id} is not part of this workflow")
        name = task.task_spec.bpmn_name or task.task_spec.bpmn_id or task.task_spec.name
        if not task.task_spec.manual or (task.task_spec.bpmn_id in self._external) != external:
            what = "an external task" if external else "a user task"
            raise TaskNotReadyError(task_id, f"task {task_id} ('{name}') is not {what}")
        if task.state != TaskState.READY:
            state = TaskState.get_name(task.state).lower()
            raise TaskNotReadyError(task_id, f"task {task_id} ('{name}') is {state}, not ready; "
                                             "reload the task list")
        return task

    def _result(self, workflow: BpmnWorkflow, before: dict | None, error: StepError | None,
                marks: dict | None = None, thrown: tuple = ()) -> StepResult:
        tasks = all_tasks(workflow)
        called = called_tasks(workflow) if before else set()  # a called process's nodes enter no stage
        # Tree order (n) breaks ties between state changes in the same clock tick.
        reached_tasks = [] if before is None else [t for _, _, t in sorted(
            (t.last_state_change, n, t) for n, t in enumerate(tasks)
            if t.task_spec.bpmn_id and (t._state & _REACHED or _waits_there(t))
            and before.get(t.id) != t._state and t.id not in called)]
        ended = tuple(t.task_spec.bpmn_id for t in reached_tasks
                      if isinstance(t.task_spec, EndEvent) and t.workflow is workflow
                      and t.state == TaskState.COMPLETED)
        ready = tuple(self._ready_task(t) for t in tasks if t.state == TaskState.READY and t.task_spec.manual
                      and t.task_spec.bpmn_id not in self._external)
        return StepResult(
            reached=tuple(t.task_spec.bpmn_id for t in reached_tasks),
            ready=ready, timers=timers(workflow), finished=is_completed(workflow),
            ended_at=ended, error=error, fired=firings(workflow, marks) if marks else (),
            external=external_tasks.waiting(workflow, self._external),
            messages=messages.waiting(workflow, self._correlation_keys), thrown=thrown)

    def _ready_task(self, task) -> ReadyTask:
        spec = task.task_spec
        assigned, problem = self._assignments.evaluate(spec.bpmn_id, task.data)
        return ReadyTask(task_id=str(task.id), node_id=spec.bpmn_id, name=spec.bpmn_name or spec.bpmn_id,
                         lane=spec.lane, instructions=(spec.documentation or "").strip(),
                         form=self._forms.get(spec.bpmn_id, ()), assigned=assigned, assignment_problem=problem)


def _check_storable(data: dict) -> None:
    """Refuse data from outside the process that the state could not hold; the size,
    depth and cycle check comes first, so the type check below never recurses deep."""
    try:
        stored_size(data, "the task data", limit=MAX_TASK_DATA_CHARS)
    except ExpressionError as err:
        raise WorkflowError(err.message) from None
    if not isinstance(data, dict) or not _data_is_storable(data):
        raise WorkflowError("task data may hold only text, numbers, Decimal, booleans, dates, "
                            "and lists and mappings of them")


def _data_is_storable(value) -> bool:
    """Values task data may hold: what the state serializer writes back exactly."""
    if isinstance(value, (str, int, float, bool, Decimal, date, type(None))):
        return True
    if isinstance(value, (list, tuple)):
        return all(_data_is_storable(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _data_is_storable(v) for k, v in value.items())
    return False

