"""A user task's assignment written as an expression is evaluated from the task's data
when the task becomes READY, through the stored spec text (what a deployed
methodology runs); a failure is reported with the task, never raised. And a DMN
table whose entries have no id (DMN makes ids optional) runs."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from engine.runtime.workflow import ProcessRunner

T0 = datetime(2026, 12, 5, 9, tzinfo=timezone.utc)
BPMN = '''<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="x">
<bpmn:process id="p" isExecutable="true">
<bpmn:startEvent id="S" />
<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="Decide" />
<bpmn:businessRuleTask id="Decide" camunda:decisionRef="groups" camunda:resultVariable="approverGroups"
  camunda:mapDecisionResult="collectEntries" />
<bpmn:sequenceFlow id="F2" sourceRef="Decide" targetRef="Approve" />
<bpmn:userTask id="Approve" camunda:candidateGroups="${approverGroups}" camunda:candidateUsers="#{reviewer}" />
<bpmn:sequenceFlow id="F3" sourceRef="Approve" targetRef="E" />
<bpmn:endEvent id="E" />
</bpmn:process>
</bpmn:definitions>
'''
# Camunda's invoice example leaves the empty input entries without an id.
DMN = '''<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/DMN/20151101/dmn.xsd" id="d" name="d" namespace="x">
  <decision id="groups" name="Groups">
    <decisionTable id="t" hitPolicy="RULE ORDER">
      <input id="i1"><inputExpression id="ie1" typeRef="double"><text>amount</text></inputExpression></input>
      <input id="i2"><inputExpression id="ie2" typeRef="string"><text>category</text></inputExpression></input>
      <output id="o" name="result" typeRef="string" />
      <rule id="r1"><inputEntry id="a1"><text>&lt;= 500</text></inputEntry><inputEntry><text/></inputEntry>
        <outputEntry id="x1"><text>"accounting"</text></outputEntry></rule>
      <rule id="r2"><inputEntry><text/></inputEntry><inputEntry><text>"Travel"</text></inputEntry>
        <outputEntry><text>"sales"</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>
'''


def _runner(bpmn: str = BPMN) -> ProcessRunner:
    built = ProcessRunner.from_files({"p.bpmn": bpmn.encode()}, {"g.dmn": DMN.encode()}, "p")
    return ProcessRunner.from_spec_text(built.spec_text())


@pytest.mark.parametrize("data, assigned", [
    ({"amount": 100, "category": "Travel", "reviewer": "ann, bob"},
     (("candidateUsers", ("ann", "bob")), ("candidateGroups", ("accounting", "sales")))),
    ({"amount": 900, "category": "Travel", "reviewer": None},
     (("candidateUsers", ()), ("candidateGroups", ("sales",)))),
    ({"amount": 900, "category": "Office", "reviewer": ["carl"]},
     (("candidateUsers", ("carl",)), ("candidateGroups", ()))),
])
def test_the_names_an_assignment_expression_gives_come_with_the_ready_task(data, assigned):
    _, result = _runner().start(data, T0)
    (task,) = result.ready
    assert result.error is None
    assert (task.node_id, task.assigned, task.assignment_problem) == ("Approve", assigned, None)


ZEEBE = BPMN.replace('xmlns:camunda="http://camunda.org/schema/1.0/bpmn"',
                     'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"').replace(
    '<bpmn:businessRuleTask id="Decide" camunda:decisionRef="groups" camunda:resultVariable="approverGroups"\n'
    '  camunda:mapDecisionResult="collectEntries" />',
    '<bpmn:scriptTask id="Decide" scriptFormat="python"><bpmn:script>checked = True</bpmn:script></bpmn:scriptTask>').replace(
    '<bpmn:userTask id="Approve" camunda:candidateGroups="${approverGroups}" camunda:candidateUsers="#{reviewer}" />',
    '<bpmn:userTask id="Approve"><bpmn:extensionElements><zeebe:assignmentDefinition assignee="= account.manager" '
    'candidateGroups="= if amount &gt; 1000 then [&quot;key-accounts&quot;] else [&quot;sales&quot;]" />'
    '</bpmn:extensionElements></bpmn:userTask>')


@pytest.mark.parametrize("data, assigned", [
    ({"amount": 5000, "account": {"manager": "ann"}}, (("assignee", ("ann",)), ("candidateGroups", ("key-accounts",)))),
    ({"amount": 10, "account": {"manager": None}}, (("assignee", ()), ("candidateGroups", ("sales",)))),
])
def test_camunda_8s_feel_assignment_is_evaluated_from_the_task_data(data, assigned):
    assert "camunda:" not in ZEEBE and "zeebe:assignmentDefinition" in ZEEBE
    _, result = _runner(ZEEBE).start(data, T0)
    (task,) = result.ready
    assert result.error is None
    assert (task.node_id, task.assigned, task.assignment_problem) == ("Approve", assigned, None)


def test_an_assignment_expression_that_fails_or_gives_no_names_is_reported_with_the_task():
    _, result = _runner().start({"amount": 100, "category": "Travel"}, T0)
    (task,) = result.ready
    assert result.error is None
    assert task.assigned == (("candidateGroups", ("accounting", "sales")),)
    assert task.assignment_problem == "candidateUsers=\"#{reviewer}\": unknown variable 'reviewer'"
    _, result = _runner().start({"amount": 100, "category": "x", "reviewer": 7}, T0)
    assert result.ready[0].assignment_problem == "candidateUsers=\"#{reviewer}\" gave int, not a name or a list of names"


@pytest.mark.parametrize("shape, expected", [
    ("collectEntries", ["accounting", "sales"]),
    ("singleEntry", "accounting"),
    ("singleResult", {"result": "accounting"}),
    ("resultList", [{"result": "accounting"}, {"result": "sales"}]),
    (None, [{"result": "accounting"}, {"result": "sales"}]),  # Camunda 7's default
])
def test_camunda_7s_result_variable_holds_the_decision_result_shaped_by_map_decision_result(shape, expected):
    """The table's RULE ORDER gives every matched rule, in order."""
    written = f' camunda:mapDecisionResult="{shape}"' if shape else ""
    bpmn = BPMN.replace(' camunda:mapDecisionResult="collectEntries"', written).replace(
        ' camunda:candidateGroups="${approverGroups}" camunda:candidateUsers="#{reviewer}"', "")
    runner = _runner(bpmn)
    state, result = runner.start({"amount": 100, "category": "Travel"}, T0)
    assert result.error is None and result.ready[0].node_id == "Approve"
    assert runner.data(state)["approverGroups"] == expected
