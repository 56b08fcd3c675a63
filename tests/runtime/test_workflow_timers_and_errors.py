"""ProcessRunner: timers driven by the `now` it is given (never the wall clock, never a
sleep), and failing expressions that leave the state as it was, to be retried."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from engine.runtime.clock import frozen_now
from engine.runtime.workflow import ProcessRunner
from tests.runtime.test_workflow import T0, Opportunity, seed002_runner, walk_to_first_meeting

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://dealflow.test">
  <bpmn:process id="p" isExecutable="true">
"""
TAIL = "  </bpmn:process>\n</bpmn:definitions>\n"


def scripted_process(script: str, condition: str) -> bytes:
    """start -> user task Qualify -> script -> gateway: condition -> Big, else -> Small."""
    return (HEAD + f"""
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="Task_Qualify" name="Qualify"/>
    <bpmn:scriptTask id="Script_Prepare" name="Prepare" scriptFormat="python">
      <bpmn:script><![CDATA[{script}]]></bpmn:script>
    </bpmn:scriptTask>
    <bpmn:exclusiveGateway id="Gateway_Size" default="to_small"/>
    <bpmn:endEvent id="End_Big"/>
    <bpmn:endEvent id="End_Small"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="Task_Qualify"/>
    <bpmn:sequenceFlow id="f2" sourceRef="Task_Qualify" targetRef="Script_Prepare"/>
    <bpmn:sequenceFlow id="f3" sourceRef="Script_Prepare" targetRef="Gateway_Size"/>
    <bpmn:sequenceFlow id="to_big" sourceRef="Gateway_Size" targetRef="End_Big">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression"><![CDATA[{condition}]]></bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="to_small" sourceRef="Gateway_Size" targetRef="End_Small"/>
""" + TAIL).encode()


def script_first_process(script: str) -> bytes:
    """start -> script -> user task Next -> end."""
    return (HEAD + f"""
    <bpmn:startEvent id="start"/>
    <bpmn:scriptTask id="Script_Open" scriptFormat="python"><bpmn:script><![CDATA[{script}]]></bpmn:script></bpmn:scriptTask>
    <bpmn:userTask id="Task_Next" name="Next"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="Script_Open"/>
    <bpmn:sequenceFlow id="f2" sourceRef="Script_Open" targetRef="Task_Next"/>
    <bpmn:sequenceFlow id="f3" sourceRef="Task_Next" targetRef="end"/>
""" + TAIL).encode()


def runner_of(bpmn: bytes) -> ProcessRunner:
    return ProcessRunner.from_files({"p.bpmn": bpmn}, {}, "p")


# --- timers ------------------------------------------------------------------------------

def meeting_opportunity(reached_at: datetime) -> Opportunity:
    opp = Opportunity(seed002_runner(), now=T0)
    opp.now = reached_at
    walk_to_first_meeting(opp)  # the second step reaches Task_FirstMeeting at reached_at
    return opp


def test_the_first_meeting_timer_is_due_14_days_after_the_step_that_reached_it():
    reached_at = T0 + timedelta(days=2, hours=3)
    opp = meeting_opportunity(reached_at)
    assert [(t.node_id, t.due) for t in opp.last.timers] == [
        ("BoundaryEvent_MeetingOverdue", reached_at + timedelta(days=14))]
    assert opp.last.timers[0].due.tzinfo == timezone.utc
    assert opp.last.next_due == reached_at + timedelta(days=14)


def test_the_first_meeting_timer_does_not_fire_after_13_days():
    opp = meeting_opportunity(T0)
    before = opp.state
    result = opp.fire_timers(T0 + timedelta(days=13))
    assert result.reached == () and [t.node_id for t in result.ready] == ["Task_FirstMeeting"]
    assert len(result.timers) == 1 and opp.state == before


def test_the_first_meeting_timer_fires_after_15_days_and_asks_the_manager_to_chase():
    opp = meeting_opportunity(T0)
    result = opp.fire_timers(T0 + timedelta(days=15))
    assert result.reached == ("BoundaryEvent_MeetingOverdue", "Task_ManagerChaseMeeting")
    assert {(t.node_id, t.lane) for t in result.ready} == {
        ("Task_FirstMeeting", "rep"), ("Task_ManagerChaseMeeting", "manager")}
    assert result.timers == () and not result.finished


def test_a_timer_fires_once_only():
    opp = meeting_opportunity(T0)
    opp.fire_timers(T0 + timedelta(days=15))
    after_first = opp.state
    result = opp.fire_timers(T0 + timedelta(days=16))
    assert result.reached == () and opp.state == after_first
    assert [t.node_id for t in result.ready].count("Task_ManagerChaseMeeting") == 1


def test_after_the_chase_the_rep_can_still_hold_the_meeting():
    opp = meeting_opportunity(T0)
    opp.fire_timers(T0 + timedelta(days=15))
    chased = opp.complete("Task_ManagerChaseMeeting", chase_action="called_prospect")
    assert chased.reached == ("Task_ManagerChaseMeeting", "EndEvent_Chased") and not chased.finished
    result = opp.complete("Task_FirstMeeting", meeting_date="2026-03-20")
    assert [t.node_id for t in result.ready] == ["Task_AnalyseOpportunity"]


def test_completing_the_meeting_in_time_cancels_its_timer():
    opp = meeting_opportunity(T0)
    result = opp.complete("Task_FirstMeeting", meeting_date="2026-03-05")
    assert result.timers == ()
    assert opp.fire_timers(T0 + timedelta(days=30)).reached == ()


def test_the_frozen_clock_is_per_context_and_the_real_clock_returns_outside_it():
    from SpiffWorkflow.bpmn.specs.event_definitions import timer
    with frozen_now(T0):
        assert timer.datetime.now(timezone.utc) == T0
    assert abs(timer.datetime.now(timezone.utc) - datetime.now(timezone.utc)) < timedelta(seconds=5)
    assert isinstance(T0, timer.datetime)


# --- failing expressions ---------------------------------------------------------------

def test_a_gateway_reading_a_missing_variable_returns_the_error_and_the_state_before_the_step():
    runner = runner_of(scripted_process("score = 1", "budget > 1000"))
    state, result = runner.start({}, T0)
    task_id = result.ready[0].task_id
    failed_state, failed = runner.complete(state, task_id, {"amount": 5}, T0)
    assert failed.error is not None
    assert (failed.error.node_id, failed.error.message) == ("Gateway_Size", "unknown variable 'budget'")
    assert failed_state == state
    assert [t.task_id for t in failed.ready] == [task_id] and failed.reached == ()
    assert "amount" not in runner.data(failed_state)  # nothing half-applied

    state, result = runner.complete(failed_state, task_id, {"budget": 5000}, T0)
    assert result.error is None and result.ended_at == ("End_Big",)


def test_a_failing_script_is_reported_at_its_node():
    runner = runner_of(scripted_process("score = amount / 0", "True"))
    state, result = runner.start({}, T0)
    failed_state, failed = runner.complete(state, result.ready[0].task_id, {"amount": 5}, T0)
    assert failed.error.node_id == "Script_Prepare" and "zero" in failed.error.message
    assert failed_state == state


def test_an_error_right_after_start_is_retried_after_the_designer_fixes_the_methodology():
    broken = runner_of(script_first_process("opened = region.upper()"))
    state, result = broken.start({"title": "Acme"}, T0)
    assert result.error.node_id == "Script_Open" and result.error.message == "unknown variable 'region'"
    assert result.ready == () and result.reached == ()

    state, again = broken.retry(state, T0 + timedelta(hours=1))
    assert again.error == result.error

    fixed = runner_of(script_first_process("opened = title.upper()"))
    state, retried = fixed.retry(state, T0 + timedelta(hours=2))
    assert retried.error is None
    assert retried.reached == ("start", "Script_Open", "Task_Next")
    assert fixed.data(state)["opened"] == "ACME"


def test_a_smuggled_malicious_condition_is_an_error_and_nothing_runs(tmp_path):
    marker = tmp_path / "owned"
    attacks = [f"__import__('os').system('touch {marker}')",
               "().__class__.__base__.__subclasses__()",
               f"open('{marker}', 'w').write('x')"]
    for condition in attacks:
        runner = runner_of(scripted_process("score = 1", condition))
        state, result = runner.start({}, T0)
        failed_state, failed = runner.complete(state, result.ready[0].task_id, {}, T0)
        assert failed.error is not None and failed.error.node_id == "Gateway_Size", condition
        assert failed_state == state
    assert not marker.exists()


def test_a_timer_expression_that_is_not_a_duration_is_an_error_not_a_crash():
    bpmn = (HEAD + """
    <bpmn:startEvent id="start"/>
    <bpmn:intermediateCatchEvent id="Wait">
      <bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"soon"</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="Wait"/>
    <bpmn:sequenceFlow id="f2" sourceRef="Wait" targetRef="end"/>
""" + TAIL).encode()
    state, result = runner_of(bpmn).start({}, T0)
    assert result.error is not None and result.error.node_id == "Wait"
