"""ProcessRunner.start_at: a new workflow positioned just before a node ("start
before activity"), with real SpiffWorkflow, restored from state text between steps."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from engine.errors import WorkflowError
from engine.runtime.workflow import ProcessRunner

REPO = Path(__file__).resolve().parents[2]
BASE = REPO / "tests" / "methodology" / "base" / "bpmn"
QUICK = REPO / "tests" / "methodology" / "swap_target" / "bpmn" / "quick.bpmn"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def small_deal() -> ProcessRunner:
    return ProcessRunner.from_files({"deal.bpmn": (BASE / "deal.bpmn").read_bytes()},
                                    {"deal_tier.dmn": (BASE / "deal_tier.dmn").read_bytes()}, "small_deal")


def quick_deal() -> ProcessRunner:
    runner = ProcessRunner.from_files({"quick.bpmn": QUICK.read_bytes()}, {}, "quick_deal")
    return ProcessRunner.from_spec_text(runner.spec_text())  # as the engine runs it: from stored spec text


def test_starting_at_a_user_task_makes_it_ready_with_the_data_and_its_boundary_timer_waiting():
    state, result = quick_deal().start_at("Task_Qualify", {"amount": 7, "note": "from small-deal"}, T0)
    assert result.error is None
    assert result.reached == ("Task_Qualify",)
    assert [t.node_id for t in result.ready] == ["Task_Qualify"]
    assert [(t.node_id, t.due) for t in result.timers] == [("Timer_Nudge", T0 + timedelta(days=5))]
    assert quick_deal().data(state) == {"amount": 7, "note": "from small-deal"}


def test_a_positioned_workflow_runs_on_after_a_restore_and_keeps_its_data():
    runner = quick_deal()
    state, result = runner.start_at("Task_Propose", {"amount": 7}, T0)
    state, result = quick_deal().complete(state, result.ready[0].task_id, {}, T0)
    assert sorted(t.node_id for t in result.ready) == ["Task_Legal", "Task_Pricing"]
    for task in result.ready:
        state, _ = quick_deal().complete(state, task.task_id, {}, T0)
    state, result = quick_deal().complete(state, quick_deal().result(state).ready[0].task_id,
                                          {"decision": "accepted"}, T0)
    assert result.finished and result.ended_at == ("End_Won",)
    assert quick_deal().data(state)["amount"] == 7


def test_starting_at_the_start_event_is_an_ordinary_start():
    state, result = small_deal().start_at("Start_Lead", {"channel": "horeca"}, T0)
    assert result.reached == ("Start_Lead", "Task_Qualify")
    assert [t.node_id for t in result.ready] == ["Task_Qualify"]
    assert small_deal().data(state) == {"channel": "horeca"}


def test_a_node_after_a_boundary_event_can_be_started_at():
    _, result = small_deal().start_at("Task_Chase", {}, T0)
    assert [t.node_id for t in result.ready] == ["Task_Chase"] and result.timers == ()


@pytest.mark.parametrize("runner, node_id, message", [
    (small_deal, "Task_Offer", "node 'Task_Offer' is inside subprocess 'Sub_Offer'; a workflow cannot start there"),
    (quick_deal, "Task_Legal", "node 'Task_Legal' is on a parallel branch; a workflow cannot start there"),
    (quick_deal, "Task_Pricing", "node 'Task_Pricing' is on a parallel branch; a workflow cannot start there"),
    (quick_deal, "Task_Nowhere", "node 'Task_Nowhere' is not a node of process 'quick_deal'"),
])
def test_nodes_inside_subprocesses_or_parallel_branches_are_refused(runner, node_id, message):
    assert runner().start_problem(node_id) == message
    with pytest.raises(WorkflowError) as caught:
        runner().start_at(node_id, {}, T0)
    assert str(caught.value) == message


def test_nodes_after_the_join_of_a_parallel_split_are_not_on_a_parallel_branch():
    assert quick_deal().start_problem("Task_Decide") is None
    assert quick_deal().start_problem("Join_Review") is None


def test_a_failing_expression_after_the_node_is_a_step_error_and_the_positioned_state_can_be_retried():
    runner = small_deal()
    state, result = runner.start_at("Script_Discount", {}, T0)  # its script reads 'tier', not in the data
    assert result.error is not None and result.error.node_id == "Script_Discount"
    _, again = runner.retry(state, T0)
    assert again.error == result.error


def test_data_that_cannot_be_stored_is_refused():
    with pytest.raises(WorkflowError):
        quick_deal().start_at("Task_Qualify", {"when": object()}, T0)
