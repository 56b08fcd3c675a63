"""ProcessRunner driving the shipped seed-002 funnel and the small-deal base methodology
with real SpiffWorkflow, restoring from state text (and a runner rebuilt from spec
text) between every step."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from engine.errors import TaskNotReadyError, WorkflowError
from engine.rules.forms import validate_form
from engine.runtime.step import StepResult
from engine.runtime.workflow import ProcessRunner
from engine.service.validation import load_methodologies

REPO = Path(__file__).resolve().parents[2]
SEED002 = REPO / "methodologies" / "bpmn" / "seed002-funnel.bpmn"
BASE = REPO / "tests" / "methodology" / "base"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def seed002_runner() -> ProcessRunner:
    return ProcessRunner.from_files({str(SEED002): SEED002.read_bytes()}, {}, "seed002_funnel")


def small_deal_runner() -> ProcessRunner:
    return ProcessRunner.from_files({"deal.bpmn": (BASE / "bpmn" / "deal.bpmn").read_bytes()},
                                    {"deal_tier.dmn": (BASE / "bpmn" / "deal_tier.dmn").read_bytes()},
                                    "small_deal")


class Opportunity:
    """One workflow driven the way the service will: only spec text and state text
    survive between steps, and every form goes through validate_form."""

    def __init__(self, runner: ProcessRunner, data: dict | None = None, now: datetime = T0):
        self.spec_text = runner.spec_text()
        self.now = now
        self.steps: list[StepResult] = []
        self.state, result = self.runner().start(data or {}, now)
        self._record(result)

    def runner(self) -> ProcessRunner:
        return ProcessRunner.from_spec_text(self.spec_text)

    @property
    def last(self) -> StepResult:
        return self.steps[-1]

    def task(self, node_id: str):
        matches = [t for t in self.last.ready if t.node_id == node_id]
        assert matches, f"{node_id} is not ready; ready: {[t.node_id for t in self.last.ready]}"
        return matches[0]

    def complete(self, node_id: str, **raw) -> StepResult:
        task = self.task(node_id)
        clean, errors = validate_form(task.form, {k: str(v) for k, v in raw.items()})
        assert errors == {}
        state, result = self.runner().complete(self.state, task.task_id, clean, self.now)
        assert result.error is None, result.error
        self.state = state
        return self._record(result)

    def fire_timers(self, at: datetime) -> StepResult:
        self.state, result = self.runner().fire_due_timers(self.state, at)
        return self._record(result)

    def _record(self, result: StepResult) -> StepResult:
        json.loads(self.state)  # what the database stores is plain JSON
        self.steps.append(result)
        return result

    def reached(self) -> list[str]:
        return [node for step in self.steps for node in step.reached]


@pytest.fixture(scope="module")
def seed002():
    result = load_methodologies(str(REPO / "methodologies"))
    assert result.ok, result.problems
    return result.library.methodologies["seed002-funnel"]


def stages_entered(methodology, nodes: list[str]) -> list[str]:
    stages = []
    for node in nodes:
        stage = methodology.stage_of_node(node)
        if stage is not None and (not stages or stages[-1] != stage.id):
            stages.append(stage.id)
    return stages


def walk_to_first_meeting(opp: Opportunity) -> None:
    opp.complete("Task_RecordNeed", need_summary="A CRM for 40 reps", estimated_amount=120000)
    opp.complete("Task_FirstContact", contact_person="Anna Nowak", contact_date="2026-03-03")


def walk_to_evaluation(opp: Opportunity, rework: bool = False) -> None:
    walk_to_first_meeting(opp)
    opp.complete("Task_FirstMeeting", meeting_date="2026-03-05", prospect_is_fit="yes")
    opp.complete("Task_AnalyseOpportunity", requirements="SSO, reporting")
    opp.complete("Task_DevelopProject", project_title="CRM rollout", project_value=150000)
    if rework:
        opp.complete("Task_ManagerApproveProject", approval="rework", manager_comment="cheaper")
        opp.complete("Task_DevelopProject", project_title="CRM rollout, lean", project_value=120000)
    opp.complete("Task_ManagerApproveProject", approval="approved")
    opp.complete("Task_PresentProject", presentation_date="2026-03-20")


def walk_from_order_to_won(opp: Opportunity) -> None:
    opp.complete("Task_RecordOrder", order_number="ZAM/2026/7", order_date="2026-04-10")
    opp.complete("Task_ConfirmDelivery", delivery_date="2026-05-10")
    opp.complete("Task_IssueInvoice", invoice_number="FV/2026/31", invoice_date="2026-05-11",
                 invoice_amount=110000)
    opp.complete("Task_ConfirmPayment", payment_date="2026-05-25", amount_received=110000)
    opp.complete("Task_PlanNextActions", next_action="Quarterly review", next_action_date="2026-08-01")


# --- whole paths ---------------------------------------------------------------------

def test_the_funnel_is_won_through_a_rework_project_2_and_a_second_negotiation_round(seed002):
    opp = Opportunity(seed002_runner(), {"title": "CRM for Acme"})
    walk_to_evaluation(opp, rework=True)
    opp.complete("Task_RecordEvaluation", evaluation="second_version")
    opp.complete("Task_PrepareProject2", project2_changes="Fewer modules", project_value=110000)
    opp.complete("Task_PresentProject2", presentation2_date="2026-03-30")
    opp.complete("Task_RecordEvaluation2", evaluation2="accepted")
    opp.complete("Task_Negotiate", negotiation_result="second_round", agreed_amount=115000)
    opp.complete("Task_Negotiate2", negotiation2_result="agreed", agreed_amount=110000,
                 requested_discount_pct=5)
    walk_from_order_to_won(opp)

    assert opp.last.finished and opp.last.ended_at == ("EndEvent_Won",)
    assert opp.last.ready == () and opp.last.timers == ()
    assert stages_entered(seed002, opp.reached()) == [
        "new_prospect", "need_information", "company", "meeting", "opportunity_analysis",
        "project_development", "project_presentation", "prospect_evaluation", "project2_preparation",
        "project2_presentation", "project2_evaluation", "negotiation", "negotiation2", "order",
        "delivery", "invoice", "payment", "next_action"]
    data = opp.runner().data(opp.state)
    assert (data["discount_pct"], data["net_amount"]) == (5, 104500)  # the script ran on int data


def test_the_funnel_skips_project_2_and_round_2_when_the_first_project_is_accepted_and_agreed(seed002):
    opp = Opportunity(seed002_runner())
    walk_to_evaluation(opp)
    opp.complete("Task_RecordEvaluation", evaluation="accepted")
    opp.complete("Task_Negotiate", negotiation_result="agreed", agreed_amount=150000)
    walk_from_order_to_won(opp)

    stages = stages_entered(seed002, opp.reached())
    assert opp.last.finished and opp.last.ended_at == ("EndEvent_Won",)
    assert stages[stages.index("prospect_evaluation"):] == [
        "prospect_evaluation", "negotiation", "order", "delivery", "invoice", "payment", "next_action"]
    assert not {"project2_preparation", "negotiation2"} & set(stages)


def test_a_prospect_that_is_not_a_fit_at_the_first_meeting_is_lost(seed002):
    opp = Opportunity(seed002_runner())
    walk_to_first_meeting(opp)
    result = opp.complete("Task_FirstMeeting", meeting_date="2026-03-05", prospect_is_fit="no",
                          lost_reason="no_budget")
    assert result.reached == ("Task_FirstMeeting", "Gateway_MeetingFit", "EndEvent_Lost")
    assert result.finished and result.ended_at == ("EndEvent_Lost",)
    assert result.timers == ()  # the meeting's overdue timer went with it
    assert stages_entered(seed002, opp.reached())[-1] == "lost"


def test_the_small_deal_is_won_through_its_decision_table_subprocess_and_script():
    opp = Opportunity(small_deal_runner())
    opp.complete("Task_Qualify", amount=25000)
    result = opp.complete("Task_Offer", result="accepted")
    assert result.finished and result.ended_at == ("End_Won",)
    assert opp.reached() == ["Start_Lead", "Task_Qualify", "Task_Qualify", "Rule_Tier", "Sub_Offer",
                             "Sub_Start", "Task_Offer", "Task_Offer", "Sub_End", "Sub_Offer",
                             "Script_Discount", "Gateway_Result", "End_Won"]
    data = opp.runner().data(opp.state)
    assert (data["tier"], data["discount"]) == ("gold", 10)


def test_the_small_deal_is_lost_when_the_offer_is_rejected():
    opp = Opportunity(small_deal_runner())
    opp.complete("Task_Qualify", amount=500)
    result = opp.complete("Task_Offer", result="rejected")
    assert result.ended_at == ("End_Lost",)
    assert opp.runner().data(opp.state)["tier"] == "standard"


# --- what a step reports ---------------------------------------------------------------

def test_a_step_reports_the_nodes_it_reached_in_the_order_they_happened():
    opp = Opportunity(seed002_runner())
    assert opp.last.reached == ("StartEvent_NewProspect", "Task_RecordNeed")
    walk_to_evaluation(opp)
    result = opp.complete("Task_RecordEvaluation", evaluation="second_version")
    assert result.reached == ("Task_RecordEvaluation", "Gateway_Evaluation", "Task_PrepareProject2")
    assert result.ended_at == () and not result.finished


def test_a_ready_task_carries_its_name_lane_instructions_and_form():
    opp = Opportunity(seed002_runner())
    task = opp.task("Task_RecordNeed")
    assert (task.name, task.lane) == ("Record the need", "rep")
    assert task.instructions.startswith("Record what we know about the prospect's need")
    assert [f.id for f in task.form] == ["need_summary", "lead_source", "estimated_amount", "expected_close_date"]
    assert task.form[1].choices[0] == ("referral", "Referral") and task.form[0].required


def test_the_approval_loop_makes_a_new_task_for_the_reworked_project():
    opp = Opportunity(seed002_runner())
    walk_to_first_meeting(opp)
    opp.complete("Task_FirstMeeting", meeting_date="2026-03-05")
    opp.complete("Task_AnalyseOpportunity", requirements="SSO")
    first = opp.task("Task_DevelopProject").task_id
    opp.complete("Task_DevelopProject", project_title="v1", project_value=1)
    result = opp.complete("Task_ManagerApproveProject", approval="rework")
    assert result.reached == ("Task_ManagerApproveProject", "Gateway_Approval", "Task_DevelopProject")
    assert opp.task("Task_DevelopProject").task_id != first
    assert [t.node_id for t in result.ready] == ["Task_DevelopProject"]


# --- completing what cannot be completed -----------------------------------------------

def test_completing_a_task_that_is_already_completed_raises_task_not_ready():
    runner = seed002_runner()
    state, result = runner.start({}, T0)
    done = result.ready[0].task_id
    state, _ = runner.complete(state, done, {"need_summary": "x"}, T0)
    with pytest.raises(TaskNotReadyError, match=r"\('Record the need'\) is completed, not ready"):
        runner.complete(state, done, {"need_summary": "again"}, T0)


def test_completing_a_task_not_yet_reached_raises_task_not_ready():
    runner = seed002_runner()
    state, _ = runner.start({}, T0)
    workflow_tasks = json.loads(state)["tasks"]
    future = next(tid for tid, t in workflow_tasks.items() if t["task_spec"] == "Task_FirstContact")
    with pytest.raises(TaskNotReadyError, match=r"is (future|likely|maybe), not ready"):
        runner.complete(state, future, {}, T0)


def test_completing_an_unknown_or_malformed_task_id_raises_task_not_ready():
    runner = seed002_runner()
    state, _ = runner.start({}, T0)
    with pytest.raises(TaskNotReadyError, match="is not part of this workflow"):
        runner.complete(state, "6f1c1b8e-0000-4000-8000-000000000000", {}, T0)
    with pytest.raises(TaskNotReadyError, match="'nonsense' is not a task id"):
        runner.complete(state, "nonsense", {}, T0)


def test_completing_a_waiting_timer_raises_task_not_ready():
    opp = Opportunity(seed002_runner())
    walk_to_first_meeting(opp)
    timer = next(tid for tid, t in json.loads(opp.state)["tasks"].items()
                 if t["task_spec"] == "BoundaryEvent_MeetingOverdue")
    with pytest.raises(TaskNotReadyError, match="is not a user task"):
        opp.runner().complete(opp.state, timer, {}, T0)


def test_a_refused_completion_leaves_the_caller_state_usable():
    runner = seed002_runner()
    state, result = runner.start({}, T0)
    with pytest.raises(TaskNotReadyError):
        runner.complete(state, "nonsense", {}, T0)
    _, result = runner.complete(state, result.ready[0].task_id, {"need_summary": "x"}, T0)
    assert result.ready[0].node_id == "Task_FirstContact"


# --- what is stored ----------------------------------------------------------------------

def test_a_runner_rebuilt_from_spec_text_continues_a_state_the_original_runner_wrote():
    original = seed002_runner()
    state, result = original.start({}, T0)
    rebuilt = ProcessRunner.from_spec_text(original.spec_text())
    assert rebuilt.spec_text() == original.spec_text()
    state, result = rebuilt.complete(state, result.ready[0].task_id, {"need_summary": "x"}, T0)
    assert [t.node_id for t in result.ready] == ["Task_FirstContact"]
    assert result.ready[0].form == original.result(state).ready[0].form


def test_the_state_text_holds_no_spec():
    opp = Opportunity(seed002_runner())
    walk_to_first_meeting(opp)
    assert not {"spec", "subprocess_specs"} & set(json.loads(opp.state))
    assert "Record what we know" not in opp.state  # documentation lives in the spec
    assert len(opp.state) < len(opp.spec_text) / 3


def test_decimal_money_and_dates_in_task_data_survive_every_round_trip():
    opp = Opportunity(small_deal_runner(), {"amount_offered": Decimal("12500.50"), "opened_on": date(2026, 3, 1)})
    state, _ = opp.runner().complete(opp.state, opp.task("Task_Qualify").task_id,
                                     {"amount": Decimal("10000.01")}, T0)
    data = opp.runner().data(state)
    assert data["amount_offered"] == Decimal("12500.50") and type(data["amount_offered"]) is Decimal
    assert data["opened_on"] == date(2026, 3, 1)
    assert data["tier"] == "gold"  # the decision table compared the Decimal


def test_data_that_state_text_could_not_hold_is_refused_before_anything_runs():
    runner = seed002_runner()
    with pytest.raises(WorkflowError, match="task data may hold only"):
        runner.start({"when": object()}, T0)


def test_a_state_at_nodes_the_spec_does_not_have_is_refused():
    seed_state, _ = seed002_runner().start({}, T0)
    with pytest.raises(WorkflowError, match="nodes this methodology version does not have: .*Task_RecordNeed"):
        small_deal_runner().retry(seed_state, T0)


def test_garbage_state_text_is_a_workflow_error():
    with pytest.raises(WorkflowError, match="not JSON"):
        seed002_runner().retry("{", T0)


def test_now_must_be_timezone_aware():
    with pytest.raises(ValueError, match="timezone-aware"):
        seed002_runner().start({}, datetime(2026, 3, 2, 9, 0))


def test_steps_are_independent_of_the_wall_clock():
    future = T0 + timedelta(days=3650)
    opp = Opportunity(seed002_runner(), now=future)
    walk_to_first_meeting(opp)
    assert opp.last.timers[0].due == future + timedelta(days=14)
