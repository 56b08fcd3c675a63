"""Camunda 7's variable mappings run like Camunda 8's io mappings, through the stored
spec text: a call activity's camunda:in gives the called process its variables,
camunda:out gives back only what it maps (with no variables="all"), and a task's
camunda:inputOutput parameters are its own inputs and its outputs. What Dealflow
cannot run of them is refused at its line; a connector's own inputOutput is not read
as the task's."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from engine.methodology.bpmn_source import parse_xml, read_bpmn
from engine.runtime.workflow import ProcessRunner

T0 = datetime(2026, 12, 5, 9, tzinfo=timezone.utc)
HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/'
        '20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="x">\n')
MAIN = HEAD + '''<bpmn:process id="main" isExecutable="true">
<bpmn:startEvent id="S" />
<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="Call" />
<bpmn:callActivity id="Call" calledElement="scoring">
  <bpmn:extensionElements>
    <camunda:in businessKey="#{execution.processBusinessKey}" />
    <camunda:in source="amount" target="orderAmount" />
    <camunda:in sourceExpression="${amount * 2}" target="doubled" />
    <camunda:out source="grade" target="result" />
  </bpmn:extensionElements>
</bpmn:callActivity>
<bpmn:sequenceFlow id="F2" sourceRef="Call" targetRef="Discount" />
<bpmn:scriptTask id="Discount" scriptFormat="python">
  <bpmn:extensionElements>
    <camunda:inputOutput>
      <camunda:inputParameter name="rate">${0.1}</camunda:inputParameter>
      <camunda:inputParameter name="label">gold</camunda:inputParameter>
      <camunda:outputParameter name="discount">${price * rate}</camunda:outputParameter>
    </camunda:inputOutput>
  </bpmn:extensionElements>
  <bpmn:script>price = amount</bpmn:script>
</bpmn:scriptTask>
<bpmn:sequenceFlow id="F3" sourceRef="Discount" targetRef="Look" />
<bpmn:userTask id="Look" />
<bpmn:sequenceFlow id="F4" sourceRef="Look" targetRef="E" />
<bpmn:endEvent id="E" />
</bpmn:process>
</bpmn:definitions>
'''
CALLED = HEAD + '''<bpmn:process id="scoring" isExecutable="true">
<bpmn:startEvent id="S2" />
<bpmn:sequenceFlow id="G1" sourceRef="S2" targetRef="Score" />
<bpmn:scriptTask id="Score" scriptFormat="python"><bpmn:script>grade = "A" if orderAmount > 1000 and doubled > 2000 else "B"
scratch = 1</bpmn:script></bpmn:scriptTask>
<bpmn:sequenceFlow id="G2" sourceRef="Score" targetRef="E2" />
<bpmn:endEvent id="E2" />
</bpmn:process>
</bpmn:definitions>
'''


def runner(main: str = MAIN) -> ProcessRunner:
    built = ProcessRunner.from_files({"main.bpmn": main.encode(), "scoring.bpmn": CALLED.encode()}, {}, "main")
    return ProcessRunner.from_spec_text(built.spec_text())  # what a deployed version runs


@pytest.mark.parametrize("amount, grade", [(1500, "A"), (700, "B")])
def test_in_and_out_give_the_called_process_its_inputs_and_take_back_only_the_mapped(amount, grade):
    run = runner()
    state, result = run.start({"amount": amount}, T0)
    assert result.error is None and [t.node_id for t in result.ready] == ["Look"]
    data = run.data(state)
    assert data["result"] == grade
    assert not {"grade", "scratch", "orderAmount", "doubled"} & set(data)  # only 'result' came back


def test_input_and_output_parameters_are_the_tasks_own_inputs_and_its_outputs():
    run = runner()
    state, _ = run.start({"amount": 1500}, T0)
    data = run.data(state)
    assert data["discount"] == pytest.approx(150)
    assert "rate" not in data and "label" not in data  # the task's own


def test_out_with_variables_all_gives_back_everything():
    main = MAIN.replace('<camunda:out source="grade" target="result" />',
                        '<camunda:out source="grade" target="result" /><camunda:out variables="all" />')
    run = runner(main)
    state, _ = run.start({"amount": 1500}, T0)
    data = run.data(state)
    assert (data["result"], data["grade"], data["scratch"]) == ("A", "A", 1)


def problems_of(body: str) -> list[str]:
    tree, parse_problems = parse_xml("main.bpmn", (HEAD + '<bpmn:process id="p" isExecutable="true">\n' + body
                                                   + "</bpmn:process>\n</bpmn:definitions>\n").encode())
    assert parse_problems == []
    return [f"{p.line}: {p.message}" for p in read_bpmn("main.bpmn", tree).problems]


def test_what_dealflow_cannot_run_is_refused_at_its_line():
    found = problems_of('''<bpmn:serviceTask id="T" camunda:type="external" camunda:topic="t">
<bpmn:extensionElements>
<camunda:inputOutput>
<camunda:inputParameter name="items"><camunda:list><camunda:value>a</camunda:value></camunda:list></camunda:inputParameter>
<camunda:inputParameter name="2bad">x</camunda:inputParameter>
</camunda:inputOutput>
</bpmn:extensionElements>
</bpmn:serviceTask>
<bpmn:callActivity id="C" calledElement="other">
<bpmn:extensionElements><camunda:in source="a" target="b" local="true" /><camunda:out target="x" /></bpmn:extensionElements>
</bpmn:callActivity>
''')
    assert any(f.startswith("7: camunda:inputParameter 'items' of 'T': a list value (camunda:list) is not run")
               for f in found), found
    assert "8: camunda:inputParameter '2bad' of 'T': the name must be a variable name" in found
    assert any(f.startswith("13: camunda:in of call activity 'C' is local=\"true\"") for f in found), found
    assert any(f.startswith("13: camunda:out 'x' of call activity 'C': give either source=") for f in found), found


def test_a_connectors_own_input_output_is_not_the_tasks():
    found = problems_of('''<bpmn:serviceTask id="T">
<bpmn:extensionElements><camunda:connector><camunda:connectorId>http-connector</camunda:connectorId>
<camunda:inputOutput><camunda:inputParameter name="url"><camunda:map /></camunda:inputParameter></camunda:inputOutput>
</camunda:connector></bpmn:extensionElements>
</bpmn:serviceTask>
''')
    assert not any("camunda:inputParameter" in f for f in found), found
