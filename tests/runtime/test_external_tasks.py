"""ProcessRunner and external tasks: a service task waits for a worker (nothing runs in
it), a worker's variables carry on, a BPMN error reaches the task's own error boundary
event, a timer boundary event interrupts it as it would a user task."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.errors import TaskNotReadyError
from engine.runtime.workflow import ProcessRunner
from tests.runtime.test_workflow import T0
from tests.runtime.test_workflow_timers_and_errors import HEAD, TAIL

ZEEBE_HEAD = HEAD.replace('id="defs"', 'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs"')


def invoice_process(task: str = '<bpmn:serviceTask id="Invoice" name="Send invoice" '
                                 'camunda:type="external" camunda:topic="invoice"/>') -> bytes:
    """start -> external Invoice -> gateway (paid?) -> Paid / Unpaid; an error boundary
    event (code NO_CREDIT) and a 3-day timer on the task."""
    return (ZEEBE_HEAD + task + """
    <bpmn:startEvent id="start"/>
    <bpmn:boundaryEvent id="Credit" attachedToRef="Invoice">
      <bpmn:errorEventDefinition errorRef="err_credit"/>
    </bpmn:boundaryEvent>
    <bpmn:boundaryEvent id="Late" attachedToRef="Invoice">
      <bpmn:timerEventDefinition><bpmn:timeDuration>"P3D"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:exclusiveGateway id="Paid_Q" default="to_unpaid"/>
    <bpmn:endEvent id="Paid"/>
    <bpmn:endEvent id="Unpaid"/>
    <bpmn:endEvent id="Refused"/>
    <bpmn:endEvent id="Chased"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="Invoice"/>
    <bpmn:sequenceFlow id="f2" sourceRef="Invoice" targetRef="Paid_Q"/>
    <bpmn:sequenceFlow id="to_paid" sourceRef="Paid_Q" targetRef="Paid">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">paid == True</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="to_unpaid" sourceRef="Paid_Q" targetRef="Unpaid"/>
    <bpmn:sequenceFlow id="f3" sourceRef="Credit" targetRef="Refused"/>
    <bpmn:sequenceFlow id="f4" sourceRef="Late" targetRef="Chased"/>
  </bpmn:process>
  <bpmn:error id="err_credit" name="No credit" errorCode="NO_CREDIT"/>
""" + TAIL.replace("  </bpmn:process>\n", "")).encode()


def started(bpmn: bytes):
    runner = ProcessRunner.from_files({"p.bpmn": bpmn}, {}, "p")
    state, result = runner.start({"amount": 100}, T0)
    return runner, state, result


def test_a_service_task_waits_for_a_worker_and_carries_on_with_its_variables():
    runner, state, result = started(invoice_process())
    assert result.ready == () and not result.finished
    [waiting] = result.external
    assert (waiting.node_id, waiting.implementation.topic, waiting.variables["amount"]) == ("Invoice", "invoice", 100)
    with pytest.raises(TaskNotReadyError, match="not a user task"):
        runner.complete(state, waiting.task_id, {}, T0)
    state, result = runner.complete_external(state, waiting.task_id, {"paid": True}, T0)
    assert result.error is None and result.finished and result.ended_at == ("Paid",)
    with pytest.raises(TaskNotReadyError, match="not ready"):
        runner.complete_external(state, waiting.task_id, {"paid": True}, T0)


def test_the_spec_text_remembers_which_tasks_are_external():
    runner, state, result = started(invoice_process())
    again = ProcessRunner.from_spec_text(runner.spec_text())
    [waiting] = again.result(state).external
    assert waiting.implementation.topic == "invoice"


def test_a_bpmn_error_is_caught_by_the_tasks_error_boundary_event():
    runner, state, result = started(invoice_process())
    task_id = result.external[0].task_id
    assert runner.throw_error(state, task_id, "OTHER", {}, T0) is None  # nothing catches it
    state, result = runner.throw_error(state, task_id, "NO_CREDIT", {"reason": "limit"}, T0)
    assert result.error is None and result.ended_at == ("Refused",) and result.external == ()
    assert runner.data(state)["reason"] == "limit"


def test_a_timer_on_the_task_interrupts_it_like_a_user_task():
    runner, state, result = started(invoice_process())
    assert result.timers[0].due == T0 + timedelta(days=3)
    state, result = runner.fire_due_timers(state, T0 + timedelta(days=3, minutes=1))
    assert result.ended_at == ("Chased",) and result.external == ()


@pytest.mark.parametrize("task", [
    '<bpmn:serviceTask id="Invoice"><bpmn:extensionElements><zeebe:taskDefinition type="invoice" retries="5"/>'
    '</bpmn:extensionElements></bpmn:serviceTask>',
    '<bpmn:sendTask id="Invoice" camunda:type="external" camunda:topic="invoice"/>',
    '<bpmn:businessRuleTask id="Invoice" camunda:type="external" camunda:topic="invoice"/>',
])
def test_camunda_8_job_types_and_send_and_business_rule_tasks_are_external_too(task):
    runner, state, result = started(invoice_process(task))
    [waiting] = result.external
    assert waiting.implementation.topic == "invoice"
    assert waiting.implementation.retries == (5 if "zeebe" in task else 3)
    state, result = runner.complete_external(state, waiting.task_id, {"paid": False}, T0)
    assert result.ended_at == ("Unpaid",)
