"""get_current_user() (spiff-arena's name) in a script: the user the step runs for —
who opened the deal for the steps after the start, who completed the task for the
steps after it — and None in an expression evaluated outside such a step."""

from __future__ import annotations

from datetime import datetime, timezone

from engine.expressions import compile_expression
from engine.runtime.clock import acting_user
from engine.runtime.workflow import ProcessRunner

T0 = datetime(2026, 12, 5, 9, tzinfo=timezone.utc)
BPMN = b'''<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="x">
<bpmn:process id="p" isExecutable="true">
<bpmn:startEvent id="S" />
<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="Opened" />
<bpmn:scriptTask id="Opened" scriptFormat="python"><bpmn:script>opener = get_current_user()</bpmn:script></bpmn:scriptTask>
<bpmn:sequenceFlow id="F2" sourceRef="Opened" targetRef="Review" />
<bpmn:userTask id="Review" />
<bpmn:sequenceFlow id="F3" sourceRef="Review" targetRef="Reviewed" />
<bpmn:scriptTask id="Reviewed" scriptFormat="python"><bpmn:script>reviewer = get_current_user()['username']</bpmn:script></bpmn:scriptTask>
<bpmn:sequenceFlow id="F4" sourceRef="Reviewed" targetRef="E" />
<bpmn:endEvent id="E" />
</bpmn:process>
</bpmn:definitions>
'''


def test_a_script_reads_the_user_its_step_runs_for():
    runner = ProcessRunner.from_spec_text(ProcessRunner.from_files({"p.bpmn": BPMN}, {}, "p").spec_text())
    state, result = runner.start({}, T0, user="anna")
    assert result.error is None and runner.data(state)["opener"] == {"username": "anna"}
    state, result = runner.complete(state, result.ready[0].task_id, {}, T0, user="bob")
    assert result.error is None and result.finished
    assert (runner.data(state)["opener"], runner.data(state)["reviewer"]) == ({"username": "anna"}, "bob")


def test_outside_a_users_step_there_is_no_current_user():
    expression = compile_expression("get_current_user()")
    assert expression.evaluate({}) is None
    with acting_user("carl"):
        assert expression.evaluate({}) == {"username": "carl"}
    assert expression.evaluate({}) is None
