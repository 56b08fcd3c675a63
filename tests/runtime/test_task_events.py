"""ProcessRunner and a user task's error and escalation boundary events: which ones the
task offers (a fact of the spec), an error that ends the task through its boundary,
a non-interrupting escalation that starts a side branch and leaves the task ready,
and a code nothing catches. Each step goes through the stored state text."""

from __future__ import annotations

import pytest

from engine.errors import TaskNotReadyError
from engine.runtime.task_events import TaskEvent
from engine.runtime.workflow import ProcessRunner
from tests.conftest import REPO
from tests.runtime.test_workflow import T0

OFFER = REPO / "tests" / "fixtures" / "task_events" / "bpmn" / "offer.bpmn"


def started():
    runner = ProcessRunner.from_files({"offer.bpmn": OFFER.read_bytes()}, {}, "offer_deal")
    runner = ProcessRunner.from_spec_text(runner.spec_text())  # as the catalog rebuilds it
    state, result = runner.start({"amount": 100}, T0)
    [offer] = result.ready
    return runner, state, offer


def test_a_user_task_offers_its_error_and_escalation_boundary_events():
    runner, _, offer = started()
    assert runner.task_events(offer.node_id) == (
        TaskEvent("Boundary_Withdrew", "Customer withdrew", "error", "CUSTOMER_WITHDREW", True),
        TaskEvent("Boundary_Discount", "Discount above my limit", "escalation", "DISCOUNT", False))
    assert runner.task_events("Task_Approve") == ()


def test_an_error_ends_the_task_through_its_boundary_with_the_reporters_data():
    runner, state, offer = started()
    state, result = runner.raise_task_event(state, offer.task_id, "error", "CUSTOMER_WITHDREW",
                                            {"why": "budget cut"}, T0)
    assert result.error is None and result.finished and result.ended_at == ("End_Lost",)
    assert result.reached == ("Boundary_Withdrew", "End_Lost") and result.ready == ()
    assert runner.data(state)["why"] == "budget cut"
    with pytest.raises(TaskNotReadyError, match="not ready"):
        runner.raise_task_event(state, offer.task_id, "error", "CUSTOMER_WITHDREW", {}, T0)


def test_a_non_interrupting_escalation_starts_its_branch_and_leaves_the_task_ready():
    runner, state, offer = started()
    state, result = runner.raise_task_event(state, offer.task_id, "escalation", "DISCOUNT", {}, T0)
    assert result.error is None and not result.finished
    assert sorted(t.node_id for t in result.ready) == ["Task_Approve", "Task_Offer"]
    assert offer.task_id in {t.task_id for t in result.ready}
    state, result = runner.complete(state, offer.task_id, {"offer_total": 900}, T0)
    assert result.ended_at == ("End_Won",) and [t.node_id for t in result.ready] == ["Task_Approve"]


def test_a_code_no_boundary_catches_changes_nothing_and_only_user_tasks_take_one():
    runner, state, offer = started()
    assert runner.raise_task_event(state, offer.task_id, "error", "OTHER", {}, T0) is None
    assert runner.raise_task_event(state, offer.task_id, "escalation", "CUSTOMER_WITHDREW", {}, T0) is None
    with pytest.raises(TaskNotReadyError, match="not a task id"):
        runner.raise_task_event(state, "nonsense", "error", "CUSTOMER_WITHDREW", {}, T0)


def test_a_raised_non_interrupting_escalation_no_longer_waits_beside_its_task():
    """SpiffWorkflow 3.2 catches at a boundary only while it waits and does not arm it
    again: the escalation is raised once while the task stays open (BPMN would allow more)."""
    runner, state, offer = started()
    assert runner.waiting_task_events(state, offer.task_id, T0) == {"Boundary_Withdrew", "Boundary_Discount"}
    state, _ = runner.raise_task_event(state, offer.task_id, "escalation", "DISCOUNT", {}, T0)
    assert runner.waiting_task_events(state, offer.task_id, T0) == {"Boundary_Withdrew"}
    assert runner.raise_task_event(state, offer.task_id, "escalation", "DISCOUNT", {}, T0) is None
    state, result = runner.raise_task_event(state, offer.task_id, "error", "CUSTOMER_WITHDREW", {}, T0)
    assert result.ended_at == ("End_Lost",)
    with pytest.raises(TaskNotReadyError, match="not ready"):
        runner.waiting_task_events(state, offer.task_id, T0)
