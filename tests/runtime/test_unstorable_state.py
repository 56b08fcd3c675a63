"""What a step leaves must be storable: the state is checked before it is written, and
a value that contains itself, is nested thousands deep, is too big once shared
references are written out, or is not JSON at all becomes the step's error (the state
from before the step, nothing half-applied), never a raw ValueError or RecursionError."""

from __future__ import annotations


import pytest

from engine.errors import WorkflowError
from engine.runtime.serialization import MAX_TASK_DATA_CHARS, Serializer, StateNotStorable
from tests.runtime.test_workflow import T0
from tests.runtime.test_workflow_timers_and_errors import runner_of, script_first_process, scripted_process


def deep(levels: int) -> list:
    value: list = []
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize(("script", "message"), [
    ("a = {}\na['a'] = a", "variable 'a' contains itself"),
    ("a = [1]\na[0] = a", "variable 'a' contains itself"),
    ("a = []\nfor i in range(5000):\n    a = [a]", "variable 'a' is nested more than 100 levels deep"),
    ("s = 'x' * 15000\na = [s for i in range(1000)]", "variable 'a' is too big to store"),
    ("a = [1]\nfor i in range(40):\n    a = [a, a]", "variable 'a' is too big to store"),
    ("a = {0.5: 'half'}", "variable 'a' has a record key that is decimal number"),
])
def test_a_script_value_the_state_cannot_hold_is_the_steps_error(script, message):
    runner = runner_of(scripted_process(script, "True"))
    state, result = runner.start({}, T0)
    failed_state, failed = runner.complete(state, result.ready[0].task_id, {}, T0)
    assert failed.error is not None and failed.error.node_id == "Script_Prepare"
    assert failed.error.message.startswith(message)
    assert failed_state == state


def test_a_repeated_list_too_big_to_store_is_refused_before_it_is_built():
    runner = runner_of(script_first_process("a = [title * 15000] * 10000"))
    state, result = runner.start({"title": "x"}, T0)
    assert result.error.node_id == "Script_Open"
    assert result.error.message.startswith("the list repeated 10000 times would take more than 1000000")


def test_the_serializer_refuses_task_data_it_cannot_write_and_names_the_task():
    runner = runner_of(script_first_process("opened = 1"))
    workflow = runner._load(runner.start({}, T0)[0])
    task = next(t for t in workflow.get_tasks() if t.task_spec.name == "Task_Next")
    for bad, message in [(deep(5000), "nested more than 100 levels deep"),
                         ({"self": None}, "contains itself"),
                         (["x" * 1000] * 3000, f"may take at most {MAX_TASK_DATA_CHARS} characters"),
                         (object(), "task data cannot hold")]:
        if bad == {"self": None}:
            bad["self"] = bad
        task.data["bad"] = bad
        with pytest.raises(StateNotStorable, match=message) as caught:
            Serializer().state_to_text(workflow)
        assert caught.value.node_id == "Task_Next"
    del task.data["bad"]
    assert Serializer().state_to_text(workflow)


def test_data_from_outside_the_process_that_cannot_be_stored_is_a_workflow_error():
    runner = runner_of(scripted_process("score = 1", "True"))
    state, result = runner.start({}, T0)
    for data in ({"a": deep(5000)}, {"a": ["x" * 1000] * 3000}):
        with pytest.raises(WorkflowError, match="cannot be stored|too big to store"):
            runner.complete(state, result.ready[0].task_id, data, T0)
    with pytest.raises(WorkflowError, match="too big to store"):
        runner.start({"a": ["x" * 1000] * 3000}, T0)
