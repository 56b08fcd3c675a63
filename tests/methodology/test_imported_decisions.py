"""Camunda decision tables and connector results as ``import-bpmn`` and validation read
them (issue 14, corpus Z02 and Z13): a DMN file's FEEL literals (``true``) are
translated in the imported copy and named at their line in a hand-written one; a
decision's input is proposed as the value its rules compare it with, not as a yes/no;
a connector's ``resultVariable`` / ``resultExpression`` headers are what its worker
declares it sets."""

from __future__ import annotations

from lxml import etree

from engine.methodology.bpmn_source import parse_xml, read_bpmn
from engine.methodology.dmn_literals import translate_literals
from engine.methodology.importer import plan_import
from engine.methodology.service_tasks import context_keys, implementation_of
from tests.methodology.imported_files import problems_of, write_plan

PROCESS = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="http://x">
<bpmn:process id="p" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:businessRuleTask id="decide" name="Decide">
    <bpmn:extensionElements><zeebe:calledDecision decisionId="auto" resultVariable="automatic" /></bpmn:extensionElements>
  </bpmn:businessRuleTask>
  <bpmn:exclusiveGateway id="which" />
  <bpmn:endEvent id="won" />
  <bpmn:endEvent id="lost" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="decide" />
  <bpmn:sequenceFlow id="f2" sourceRef="decide" targetRef="which" />
  <bpmn:sequenceFlow id="f3" sourceRef="which" targetRef="won"><bpmn:conditionExpression>=automatic = true</bpmn:conditionExpression></bpmn:sequenceFlow>
  <bpmn:sequenceFlow id="f4" sourceRef="which" targetRef="lost"><bpmn:conditionExpression>=automatic = false</bpmn:conditionExpression></bpmn:sequenceFlow>
</bpmn:process>
</bpmn:definitions>
"""

DECISION = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="drd" name="DRD" namespace="http://x">
  <decision id="auto" name="Automatic?">
    <decisionTable id="t" hitPolicy="FIRST">
      <input id="i1" label="Payment type">
        <inputExpression id="e1" typeRef="string"><text>paymentType</text></inputExpression>
      </input>
      <output id="o1" name="automatic" typeRef="boolean" />
      <rule id="r1">
        <inputEntry id="u1"><text>"prepaid"</text></inputEntry>
        <outputEntry id="v1"><text>true</text></outputEntry>
      </rule>
      <rule id="r2">
        <inputEntry id="u2"><text>"invoice"</text></inputEntry>
        <outputEntry id="v2"><text>false</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>
"""


def test_feel_literals_in_rule_cells_are_translated_and_nothing_else_moves():
    translated, count = translate_literals("auto.dmn", DECISION)
    assert count == 2
    assert translated == DECISION.replace(b"<text>true</text>", b"<text>True</text>").replace(
        b"<text>false</text>", b"<text>False</text>")
    # An input expression named like a literal is not a rule cell: left as written.
    odd = DECISION.replace(b"<text>paymentType</text>", b"<text>null</text>")
    assert translate_literals("auto.dmn", odd)[0].count(b"<text>null</text>") == 1


def test_import_bpmn_copies_the_decision_translated_and_proposes_its_input_as_a_choice(tmp_path):
    plan = plan_import("order.bpmn", PROCESS, companions={"auto.dmn": DECISION}, existing={})
    assert plan.files["bpmn/auto.dmn"] == translate_literals("auto.dmn", DECISION)[0]
    assert any(line.startswith("bpmn/auto.dmn: 2 rule cell(s) written in FEEL") for line in plan.decide)
    facts = read_bpmn("order.bpmn", parse_xml("order.bpmn", plan.files["bpmn/order.bpmn"])[0])
    # The rules compare it with texts: a choice of them, not a yes/no, and no field named 'true'.
    assert [(f.id, f.type, f.choices) for f in facts.processes["p"].start_form] == [
        ("paymentType", "enum", (("prepaid", "prepaid"), ("invoice", "invoice")))]
    root = write_plan(tmp_path / "m", plan.files)
    assert problems_of(root) == []


def test_a_hand_written_decision_with_feel_literals_is_refused_at_each_cell(tmp_path):
    plan = plan_import("order.bpmn", PROCESS, companions={"auto.dmn": DECISION}, existing={})
    root = write_plan(tmp_path / "m", {**plan.files, "bpmn/auto.dmn": DECISION})
    assert problems_of(root) == [
        "auto.dmn:11: output of rule 1 of decision 'auto' reads 'true' as a variable: FEEL's true is written True "
        "in Dealflow's expressions (dealflow import-bpmn translates a decision table's cells when it copies one)",
        "auto.dmn:15: output of rule 2 of decision 'auto' reads 'false' as a variable: FEEL's false is written "
        "False in Dealflow's expressions (dealflow import-bpmn translates a decision table's cells when it copies "
        "one)"]


CONNECTOR = b"""<bpmn:serviceTask xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="query" name="Query">
  <bpmn:extensionElements>
    <zeebe:taskDefinition type="com.acme:sql:1" />
    <zeebe:taskHeaders>%s</zeebe:taskHeaders>
  </bpmn:extensionElements>
</bpmn:serviceTask>"""


def test_a_connectors_result_headers_are_its_declared_outputs():
    variable = etree.fromstring(CONNECTOR % b'<zeebe:header key="resultVariable" value="owner" />')
    assert implementation_of(variable).outputs == ("owner",)
    expression = etree.fromstring(CONNECTOR % (
        b'<zeebe:header key="resultExpression" value="=if response.body = null then {found: false} '
        b'else {found: true, &quot;owner&quot;: response.body[1], nested: {inner: 1}}" />'))
    assert implementation_of(expression).outputs == ("found", "owner", "nested")


def test_context_keys_skip_nested_contexts_lists_and_strings():
    assert context_keys('={a: 1, "b": x, c: {d: 1, e: [1, 2]}, f: "x,{g: 1}"}') == ["a", "b", "c", "f"]
    assert context_keys("=response.body") == []
