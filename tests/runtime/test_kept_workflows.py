"""A runner keeps the workflow a step leaves and reuses it for the next step only when
handed exactly the text that step wrote (engine.runtime.kept). Every test compares a
runner that keeps with one rebuilt from the spec text for each step (which can only
restore): the two must write the same state and give the same result."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from uuid import uuid4

import pytest
from SpiffWorkflow.bpmn.serializer.default.workflow import TaskConverter
from SpiffWorkflow.bpmn.serializer.helpers.bpmn_converter import BpmnConverter
from SpiffWorkflow.util.task import TaskState

from engine.runtime.inspection import all_tasks
from engine.runtime.kept import KeptWorkflows
from engine.runtime.serialization import Serializer, _IdKeys, _TaskConverter
from engine.runtime.workflow import ProcessRunner
from tests.runtime.test_workflow import T0, seed002_runner
from tests.runtime.test_workflow_timers_and_errors import HEAD, TAIL, runner_of
from tests.runtime import test_call_activity_expressions as calls

# Work -> Tally (a script that reads what the step before stored, stores a tuple and
# changes a record two levels down, which tasks share as a restore shares them) -> a
# gateway back to Work until three rounds are done. ``boom`` in a form fails the script.
LOOP = (HEAD + """
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="Task_Work" name="Work"/>
    <bpmn:scriptTask id="Script_Tally" scriptFormat="python"><bpmn:script><![CDATA[
if boom:
    nothing = missing_variable
was_list = pair == [1, 2]
pair = (1, 2)
rec.sub.n = rec.sub.n + 1
seen = seen + [was_list]
count = count + 1
]]></bpmn:script></bpmn:scriptTask>
    <bpmn:exclusiveGateway id="Gateway_More" default="to_end"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="Task_Work"/>
    <bpmn:sequenceFlow id="f2" sourceRef="Task_Work" targetRef="Script_Tally"/>
    <bpmn:sequenceFlow id="f3" sourceRef="Script_Tally" targetRef="Gateway_More"/>
    <bpmn:sequenceFlow id="to_work" sourceRef="Gateway_More" targetRef="Task_Work">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">count &lt; 3</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="to_end" sourceRef="Gateway_More" targetRef="end"/>
""" + TAIL).encode()
START = {"count": 0, "pair": [1, 2], "rec": {"sub": {"n": 0}}, "seen": [], "boom": False}


def plain(text: str):
    """The state with its task ids numbered in order (a step makes new tasks with new
    random ids) and without the wall-clock times SpiffWorkflow stamps on each change."""
    dct = json.loads(text)
    numbers: dict[str, str] = {}
    for tasks in [dct["tasks"], *(s["tasks"] for s in dct["subprocesses"].values())]:
        for task_id, task in tasks.items():
            numbers.setdefault(task_id, f"task {len(numbers)}")
            task["last_state_change"] = None

    def renamed(value):
        if isinstance(value, dict):
            return {numbers.get(k, k): renamed(v) for k, v in value.items()}
        if isinstance(value, list):
            return [renamed(v) for v in value]
        return numbers.get(value, value) if isinstance(value, str) else value

    return renamed(dct), numbers


def same_step(a: tuple, b: tuple) -> bool:
    """Two steps' (state, result) alike but for new tasks' ids."""
    (a_state, a_ids), (b_state, b_ids) = plain(a[0]), plain(b[0])

    def result(step, ids):
        return replace(step, ready=tuple(replace(t, task_id=ids[t.task_id]) for t in step.ready))

    return a_state == b_state and result(a[1], a_ids) == result(b[1], b_ids)


def restoring(runner: ProcessRunner) -> ProcessRunner:
    """A runner with nothing kept: every step restores from the text."""
    return ProcessRunner.from_spec_text(runner.spec_text())


def test_a_kept_workflow_steps_exactly_as_a_restored_one():
    runner = runner_of(LOOP)
    state, result = runner.start(START, T0)
    for _ in range(3):
        task_id = result.ready[0].task_id
        kept = runner.complete(state, task_id, {}, T0)
        restored = restoring(runner).complete(state, task_id, {}, T0)
        assert kept[1].error is None and restored[1].error is None
        assert same_step(kept, restored)
        state, result = kept
    assert runner._kept.hits == 4  # start's workflow, then each step's
    assert result.finished
    data = runner.data(state)
    # A tuple stored by a script is a list to the next step, kept or restored.
    assert data["seen"] == [True, True, True] and data["count"] == 3 and data["rec"] == {"sub": {"n": 3}}


def test_the_seed002_funnel_kept_and_restored_alike():
    runner = seed002_runner()
    state, result = runner.start({"title": "Kept", "amount": 86000}, T0)
    answers = {"Task_RecordNeed": {"prospect_is_fit": True}}
    for _ in range(2):
        task = result.ready[0]
        data = answers.get(task.node_id, {})
        kept = runner.complete(state, task.task_id, data, T0)
        restored = restoring(runner).complete(state, task.task_id, data, T0)
        assert kept[1].error is None and same_step(kept, restored)
        state, result = kept
    assert runner._kept.hits == 3  # start's workflow, then each step's


def test_a_failed_step_drops_the_kept_workflow():
    runner = runner_of(LOOP)
    state, result = runner.start(START, T0)
    task_id = result.ready[0].task_id
    failed_state, failed = runner.complete(state, task_id, {"boom": True}, T0)
    assert failed.error is not None and failed.error.node_id == "Script_Tally"
    assert failed_state == state and len(runner._kept) == 0  # the half-run workflow is gone
    hits = runner._kept.hits
    again = runner.complete(state, task_id, {}, T0)
    assert runner._kept.hits == hits  # restored from the text
    assert same_step(again, restoring(runner).complete(state, task_id, {}, T0))


def test_a_text_another_runner_wrote_is_restored():
    """Another process stepped the deal: what it wrote is not the kept text."""
    mine = runner_of(LOOP)
    state, result = mine.start(START, T0)
    mine_state, mine_result = mine.complete(state, result.ready[0].task_id, {}, T0)
    other = restoring(mine)
    other_state, other_result = other.complete(mine_state, mine_result.ready[0].task_id, {}, T0)
    hits = mine._kept.hits
    next_state, after = mine.complete(other_state, other_result.ready[0].task_id, {}, T0)
    assert mine._kept.hits == hits and after.finished
    assert mine.data(next_state)["count"] == 3


def test_a_step_run_again_on_the_text_before_restores_it():
    """The transaction storing a step rolled back (and is retried): the database still
    holds the text before, which the runner no longer keeps."""
    runner = runner_of(LOOP)
    state, result = runner.start(START, T0)
    task_id = result.ready[0].task_id
    first = runner.complete(state, task_id, {}, T0)
    hits = runner._kept.hits
    retried = runner.complete(state, task_id, {}, T0)
    assert runner._kept.hits == hits
    assert same_step(retried, first)
    # both texts are kept now; each is used only for itself
    assert len(runner._kept) == 2


def test_a_runner_of_another_version_never_takes_what_this_one_kept():
    runner = runner_of(LOOP)
    state, result = runner.start(START, T0)
    next_state, next_result = runner.complete(state, result.ready[0].task_id, {}, T0)
    other_version = runner_of(LOOP)
    _, after = other_version.complete(next_state, next_result.ready[0].task_id, {}, T0)
    assert other_version._kept.hits == 0 and len(runner._kept) == 1
    assert after.error is None


def test_kept_workflows_are_bounded_least_recently_kept_out_first():
    kept = KeptWorkflows(size=3)
    for n in range(5):
        kept.keep(f"state {n}", object())
    assert len(kept) == 3
    assert kept.take("state 0") is None and kept.take("state 1") is None
    assert kept.take("state 4") is not None and kept.take("state 4") is None


def test_kept_workflows_hold_so_many_characters_of_state_text_at_most():
    kept = KeptWorkflows(size=10, chars=100)
    kept.keep("x" * 30, object())  # more than a quarter of the budget: not kept
    assert len(kept) == 0
    for n in range(5):
        kept.keep(f"{n}" * 20, object())
    assert len(kept) == 5
    kept.keep("y" * 25, object())  # 125 characters: the two oldest go
    assert len(kept) == 4 and kept.take("0" * 20) is None and kept.take("1" * 20) is None
    for _ in range(2):
        kept.keep("2" * 20, object())  # kept again under the same text: counted once
    assert len(kept) == 4 and kept.take("2" * 20) is not None


def test_a_kept_workflow_goes_to_one_step_only():
    kept, workflow = KeptWorkflows(), object()
    kept.keep("state", workflow)
    got, start = [], threading.Barrier(8)

    def take():
        start.wait()
        got.append(kept.take("state"))

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [g for g in got if g is not None] == [workflow] and kept.hits == 1


# --- finished tasks written as their fragment (engine.runtime.kept.Written) ---------------


class Writes(list):
    """Per write, how many tasks' texts of the write before it took; ``blank``: how
    many tasks it spelled as blank (kept.Reuse._blank_texts)."""

    def __init__(self):
        super().__init__()
        self.blank: list[int] = []


def check_every_write(monkeypatch) -> Writes:
    """Every write of a kept workflow is compared, byte for byte, with the full
    conversion of the same workflow; returns, per write, how many tasks' texts of the
    write before it took."""
    full = Serializer.state_to_text
    reused = Writes()

    def checked(self, workflow, unchanged=frozenset(), reuse=None):
        taken = len(reuse.pieces) if reuse is not None else 0  # texts of the write before
        text = full(self, workflow, unchanged, reuse)
        if reuse is not None:
            assert text == full(self, workflow, unchanged), "a reused fragment is not what the full write gives"
            reused.append(taken)
            reused.blank.append(len(reuse.blank))
        return text

    monkeypatch.setattr(Serializer, "state_to_text", checked)
    return reused


@pytest.fixture
def writes_checked(monkeypatch):
    return check_every_write(monkeypatch)


def test_the_seed002_funnel_writes_its_finished_tasks_once(writes_checked):
    runner = seed002_runner()
    state, result = runner.start({"title": "Kept", "amount": 86000}, T0)
    answers = {"Task_RecordNeed": {"prospect_is_fit": True}, "Task_FirstMeeting": {"prospect_is_fit": True}}
    for _ in range(4):
        task = result.ready[0]
        state, result = runner.complete(state, task.task_id, answers.get(task.node_id, {}), T0)
        assert result.error is None
    # from the third step on, the finished tasks of the steps before are written as they were
    assert len(writes_checked) >= 2 and sum(writes_checked) >= 4
    # and the tasks predicted ahead, without data, spelled out
    assert sum(writes_checked.blank) >= 4


def test_a_record_a_script_changes_inside_a_record_is_never_written_from_the_text_before(writes_checked):
    """Tally changes rec.sub.n, which the finished tasks before it share (a restore
    shares it so): their fragments of the text before are stale, and not reused."""
    runner = runner_of(LOOP)
    state, result = runner.start(START, T0)
    while not result.finished:
        state, result = runner.complete(state, result.ready[0].task_id, {}, T0)
    assert runner.data(state)["rec"] == {"sub": {"n": 3}}


def test_a_fragment_is_reused_only_once_a_restore_would_write_it_the_same(writes_checked):
    """Tally stores a tuple where the task before holds the same list: the step writes
    it as a change, which the restored task (a list like its parent's) no longer is. So
    a finished task's fragment is reused only after it was written from the text once."""
    flat = LOOP.replace(b"rec.sub.n = rec.sub.n + 1\n", b"")
    runner = runner_of(flat)
    state, result = runner.start({**START, "rec": {}}, T0)
    while not result.finished:
        state, result = runner.complete(state, result.ready[0].task_id, {}, T0)
    assert sum(writes_checked) >= 3 and runner.data(state)["pair"] == [1, 2]


def test_a_finished_task_a_step_changed_is_written_again(writes_checked):
    """Whatever changed on a finished task since the text was read — its data object,
    the keys in it, its state, its children, its internal data — it is converted again,
    whether its text from the write before would have been taken or it was to be
    written on its own for the first time."""
    changes = {
        "data": lambda t: setattr(t, "data", {**t.data, "note": "new"}),
        "key": lambda t: t.data.update(note="new"),
        "state": lambda t: t._set_state(TaskState.CANCELLED),
        "children": lambda t: t._children.append(uuid4()),
        "internal": lambda t: t.internal_data.update(note="new"),
    }
    for name, change in changes.items():
        for taken in (True, False):
            runner = seed002_runner()
            state, result = runner.start({"title": "Kept", "amount": 86000}, T0)
            for _ in range(4):
                state, result = runner.complete(state, result.ready[0].task_id, {"prospect_is_fit": True}, T0)
            workflow, written = runner._take(state)
            untouched = written.reuse(all_tasks(workflow))
            target = next(t for t in reversed(all_tasks(workflow))  # the latest: the tasks before stay reused
                          if t.id in untouched.fixed and (t.id in untouched.pieces) == taken)
            change(target)
            reuse = written.reuse(all_tasks(workflow))
            assert target.id not in reuse.fixed and reuse.pieces, (name, taken)
            text = runner._serializer.state_to_text(workflow, reuse=reuse)
            assert text == runner._serializer.state_to_text(workflow), (name, taken)


# --- the state text spelled out (engine.runtime.serialization, engine.runtime.kept) -------

# Every task after Work predicted ahead with no data: written by kept.Reuse._blank_texts,
# a node id JSON escapes included.
BLANK = (HEAD + """
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="Task_Work" name="Work"/>
    <bpmn:userTask id="Task_Zażółć" name="Gęślą"/>
    <bpmn:userTask id="Task_Jaźń" name="Jaźń"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="Task_Work"/>
    <bpmn:sequenceFlow id="f2" sourceRef="Task_Work" targetRef="Task_Zażółć"/>
    <bpmn:sequenceFlow id="f3" sourceRef="Task_Zażółć" targetRef="Task_Jaźń"/>
    <bpmn:sequenceFlow id="f4" sourceRef="Task_Jaźń" targetRef="end"/>
""" + TAIL).encode()


STATE_TO_TEXT = Serializer.state_to_text  # as defined, whatever a test patches


def stock_text(serializer: Serializer, workflow) -> str:
    """The state text as SpiffWorkflow 3.2's own task converter and mapping writer give it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_TaskConverter, "converted", TaskConverter.to_dict)
        patch.setattr(_IdKeys, "mapping_to_dict", BpmnConverter.mapping_to_dict)
        return STATE_TO_TEXT(serializer, workflow)


def test_every_state_is_written_as_spiffworkflows_converters_write_it(monkeypatch):
    """Serialization's own task converter gives SpiffWorkflow's dictionary, keys in
    order, for every task; every state written, kept or restored, is the text
    SpiffWorkflow's converters give: walks with records, tuples, subprocesses and
    tasks predicted ahead without data."""
    written = STATE_TO_TEXT
    checked = []

    def compared(self, workflow, unchanged=frozenset(), reuse=None):
        converter = self._serializer.registry.tasks
        for task in all_tasks(workflow):
            assert list(converter.converted(task).items()) == list(TaskConverter.to_dict(converter, task).items())
        text = written(self, workflow, unchanged, reuse)
        assert text == stock_text(self, workflow)
        checked.append(reuse is not None)
        return text

    monkeypatch.setattr(Serializer, "state_to_text", compared)
    walks = [(runner_of(LOOP), START), (runner_of(BLANK), {}), (calls.runner(), {"variant": "A"}),
             (seed002_runner(), {"title": "Kept", "amount": 86000})]
    for runner, start in walks:
        state, result = runner.start(start, T0)
        for _ in range(4):
            if result.finished:
                break
            state, result = runner.complete(state, result.ready[0].task_id, {"prospect_is_fit": True}, T0)
            assert result.error is None
    assert any(checked) and not all(checked)


def test_a_task_without_data_is_spelled_as_the_converter_writes_it_or_left_to_it(writes_checked):
    """A blank task (no data, nor its parent) is written as its text spelled out; one
    holding a value of a kind not spelled (a change time that is not a float, a state
    that is a bool) is converted; either way the text is the full conversion's."""
    changes = {
        "none": (lambda t: None, True),
        "int time": (lambda t: setattr(t, "last_state_change", 5), False),
        "inf time": (lambda t: setattr(t, "last_state_change", float("inf")), False),
        "triggered": (lambda t: setattr(t, "triggered", True), True),
        "triggered 1": (lambda t: setattr(t, "triggered", 1), False),
        "data": (lambda t: t.data.update(note="ó"), False),
        "internal": (lambda t: t.internal_data.update(note=1), False),
    }
    for name, (change, spelled) in changes.items():
        runner = runner_of(BLANK)
        state, result = runner.start({}, T0)
        state, result = runner.complete(state, result.ready[0].task_id, {}, T0)
        workflow, written = runner._take(state)
        target = next(t for t in all_tasks(workflow) if t.task_spec.name == "Task_Jaźń")
        change(target)
        reuse = written.reuse(all_tasks(workflow))
        text = runner._serializer.state_to_text(workflow, reuse=reuse)
        assert (target.id in reuse.blank) == spelled, name
        assert text == runner._serializer.state_to_text(workflow), name
        assert "Task_Ja\\u017a\\u0144" in text
