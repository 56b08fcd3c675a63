"""Camunda 8's io mappings, a decision's resultVariable and a call activity that
gives back only its outputs, on real SpiffWorkflow, through the stored spec text
(what a deployed methodology runs): they are assignments of Dealflow expressions
around the element, never Python."""

from __future__ import annotations

from datetime import datetime, timezone

from engine.runtime.workflow import ProcessRunner

T0 = datetime(2026, 12, 5, 9, tzinfo=timezone.utc)
HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/'
        '20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D" targetNamespace="x">\n')

MAIN = HEAD + '''<bpmn:process id="main" isExecutable="true">
<bpmn:startEvent id="S" />
<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="Call" />
<bpmn:callActivity id="Call">
  <bpmn:extensionElements>
    <zeebe:calledElement processId="scoring" propagateAllChildVariables="false" />
    <zeebe:ioMapping>
      <zeebe:input source="= amount * 2" target="amount" />
      <zeebe:output source="= grade" target="result.grade" />
    </zeebe:ioMapping>
  </bpmn:extensionElements>
</bpmn:callActivity>
<bpmn:sequenceFlow id="F2" sourceRef="Call" targetRef="Rule" />
<bpmn:businessRuleTask id="Rule">
  <bpmn:extensionElements><zeebe:calledDecision decisionId="tier" resultVariable="decided" /></bpmn:extensionElements>
</bpmn:businessRuleTask>
<bpmn:sequenceFlow id="F3" sourceRef="Rule" targetRef="Look" />
<bpmn:userTask id="Look" />
<bpmn:sequenceFlow id="F4" sourceRef="Look" targetRef="E" />
<bpmn:endEvent id="E" />
</bpmn:process>
</bpmn:definitions>
'''
CALLED = HEAD + '''<bpmn:process id="scoring" isExecutable="true">
<bpmn:startEvent id="S2" />
<bpmn:sequenceFlow id="G1" sourceRef="S2" targetRef="Score" />
<bpmn:scriptTask id="Score" scriptFormat="python"><bpmn:script>grade = "A" if amount > 1000 else "B"
scratch = 1</bpmn:script></bpmn:scriptTask>
<bpmn:sequenceFlow id="G2" sourceRef="Score" targetRef="E2" />
<bpmn:endEvent id="E2" />
</bpmn:process>
</bpmn:definitions>
'''
DMN = '''<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="x">
  <decision id="tier" name="Tier">
    <decisionTable id="t" hitPolicy="FIRST">
      <input id="i"><inputExpression id="ie" typeRef="string"><text>result["grade"]</text></inputExpression></input>
      <output id="o" name="tier" typeRef="string" />
      <rule id="r1"><inputEntry id="e1"><text>"A"</text></inputEntry><outputEntry id="x1"><text>"gold"</text></outputEntry></rule>
      <rule id="r2"><inputEntry id="e2"><text>"B"</text></inputEntry><outputEntry id="x2"><text>"silver"</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>
'''


def runner() -> ProcessRunner:
    built = ProcessRunner.from_files({"main.bpmn": MAIN.encode(), "scoring.bpmn": CALLED.encode()},
                                     {"tier.dmn": DMN.encode()}, "main")
    return ProcessRunner.from_spec_text(built.spec_text())  # what a deployed version runs


def test_inputs_outputs_result_variable_and_a_call_giving_back_only_its_outputs():
    run = runner()
    state, result = run.start({"amount": 600}, T0)
    assert result.error is None and [t.node_id for t in result.ready] == ["Look"]
    data = run.data(state)
    # the called process saw the input (1200 > 1000: grade A); only the output came back, the
    # input went back to the deal's own amount, and the called process's scratch stayed there
    assert data["result"] == {"grade": "A"} and data["amount"] == 600 and "scratch" not in data
    assert "grade" not in data
    assert (data["tier"], data["decided"]) == ("gold", "gold")  # the output by name, and the result


def test_a_failing_mapping_is_a_step_error_and_nothing_is_half_applied():
    run = runner()
    state, result = run.start({}, T0)  # amount is missing: the input cannot be computed
    assert result.error is not None and "amount" in result.error.message


SEQUENTIAL = HEAD + '''<bpmn:process id="conn" isExecutable="true">
<bpmn:startEvent id="S" />
<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="Build" />
<bpmn:scriptTask id="Build" scriptFormat="python">
  <bpmn:extensionElements>
    <zeebe:ioMapping>
      <zeebe:input source="https://erp" target="baseUrl" />
      <zeebe:input source="= baseUrl + &quot;/query&quot;" target="url" />
      <zeebe:input source="= if phone != null then phone else &quot;none&quot;" target="phone" />
      <zeebe:input source="= &quot;tel:&quot; + phone" target="request.phone" />
    </zeebe:ioMapping>
  </bpmn:extensionElements>
  <bpmn:script>built = [url, request["phone"]]</bpmn:script>
</bpmn:scriptTask>
<bpmn:sequenceFlow id="F2" sourceRef="Build" targetRef="Look" />
<bpmn:userTask id="Look" />
<bpmn:sequenceFlow id="F3" sourceRef="Look" targetRef="E" />
<bpmn:endEvent id="E" />
</bpmn:process>
</bpmn:definitions>
'''


def test_each_input_sees_the_inputs_before_it_as_in_camunda_8():
    """Camunda 8 reads an element's inputs as one FEEL context, whose entries see the
    earlier ones: a connector's url is built from its baseUrl input. Afterwards they
    are gone again (an input is the element's own)."""
    built = ProcessRunner.from_files({"conn.bpmn": SEQUENTIAL.encode()}, {}, "conn")
    run = ProcessRunner.from_spec_text(built.spec_text())
    state, result = run.start({"phone": "+100"}, T0)
    assert result.error is None and [t.node_id for t in result.ready] == ["Look"]
    data = run.data(state)
    assert data["built"] == ["https://erp/query", "tel:+100"]
    assert data["phone"] == "+100" and not {"baseUrl", "url", "request"} & set(data)
    state, result = run.start({}, T0)  # phone is missing: null, so the input before gives "none"
    assert result.error is None and run.data(state)["built"] == ["https://erp/query", "tel:none"]
