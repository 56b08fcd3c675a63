"""Service tasks that run another engine's code: ``dealflow import-bpmn`` proposes a
worker topic for each (as Camunda's 7-to-8 migration turns delegates into job types),
validation accepts what the routing maps — by implementation or by task id — and
still refuses what it does not map."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import load_methodologies, plan_import
from engine.methodology.bpmn_source import parse_xml, read_bpmn
from engine.methodology.model import ExternalImplementation
from engine.methodology.service_tasks import proposed_topic, topic_for

LEGACY = Path(__file__).resolve().parents[1] / "fixtures" / "imported" / "legacy_order.bpmn"


def impl(how: str, value: str, node_id: str = "Task_1", topic: str | None = None) -> ExternalImplementation:
    return ExternalImplementation(node_id, 1, how, value, topic)


@pytest.mark.parametrize(("how", "value", "name", "proposal"), [
    ("camunda:delegateExpression", "${logger}", "", ("${logger}", "logger")),
    ("camunda:delegateExpression", "#{createTweetDelegate}", "", ("#{createTweetDelegate}", "create-tweet")),
    ("camunda:class", "com.x.SendMailDelegate", "", ("com.x.SendMailDelegate", "send-mail")),
    ("camunda:class", "org.acme.ArchiveInvoiceService", "", ("org.acme.ArchiveInvoiceService", "archive-invoice-service")),
    ("camunda:connectorId", "http-connector", "", ("http-connector", "http-connector")),
    ("zeebe:taskDefinition type", "io.camunda:sendMessage:1", "", ("io.camunda:sendMessage:1", "send-message")),
    # An expression says how, not what: the task's name (else its id) names the topic, keyed by the task.
    ("camunda:expression", "${true}", "Save invoice to SVN", ("Task_1", "save-invoice-to-svn")),
    ("camunda:expression", "${true}", "", ("Task_1", "task-1")),
    ("camunda:delegateExpression", "${beans.get('mailer')}", "Mail it", ("Task_1", "mail-it")),
    ("zeebe:taskDefinition type", '="rpa::" + kind', "Run the bot", ("Task_1", "run-the-bot")),
])
def test_a_topic_is_proposed_from_the_delegate_class_or_connector_else_from_the_task(how, value, name, proposal):
    assert proposed_topic(impl(how, value), name) == proposal


def test_a_task_that_names_its_own_topic_gets_no_proposal():
    assert proposed_topic(impl("camunda:topic", "invoice", topic="invoice"), "Invoice") is None


def test_the_routing_maps_a_task_id_before_the_implementation_it_shares_with_other_tasks():
    noop = impl("camunda:expression", "${true}", "Task_Noop")
    assert topic_for(noop, {"${true}": "everything", "Task_Noop": "noop"}) == "noop"
    assert topic_for(impl("camunda:expression", "${true}", "Task_Other"), {"${true}": "everything",
                                                                          "Task_Noop": "noop"}) == "everything"
    assert topic_for(noop, {}) is None


def test_import_bpmn_writes_a_proposal_per_implementation_into_the_routing_skeleton():
    plan = plan_import(LEGACY.name, LEGACY.read_bytes(), companions={}, existing={})
    routing = plan.files["routing/legacy_order.yaml"].decode()
    assert routing.split("integration:", 1)[1].split("segments:")[0].splitlines() == [
        "  # PROPOSALS by import-bpmn: review each topic; a worker fetches it (docs/integration.md)",
        "  legacy_order:",
        "    topics:  # what the task ran in the other engine (or the task's id) -> topic",
        "      com.acme.mail.SendMailDelegate: send-mail  # PROPOSAL: camunda:class of Task_Confirm",
        '      "${logger}": logger  # PROPOSAL: camunda:delegateExpression of Task_Log, Task_Log_Again',
        "      Task_Flag: flag-for-the-erp  # PROPOSAL: camunda:expression=\"${execution.setVariable('flag', "
        "true)}\" of Task_Flag",
        '      Task_Noop: nothing-to-do  # PROPOSAL: camunda:expression="${true}" of Task_Noop',
        "      http-connector: http-connector  # PROPOSAL: camunda:connectorId of Task_Post",
    ]
    assert any(line.startswith("integration: 5 worker topic(s) proposed") for line in plan.decide)


def test_an_existing_routing_file_gets_the_proposals_as_lines_to_add():
    plan = plan_import(LEGACY.name, LEGACY.read_bytes(), companions={},
                       existing={"routing/default.yaml": b"routing: default\n"})
    assert "routing/legacy_order.yaml" not in plan.files
    assert "  under 'integration:'\n    legacy_order:\n      topics:\n" \
           "        com.acme.mail.SendMailDelegate: send-mail  # PROPOSAL" in plan.routing_lines


def test_what_import_bpmn_wrote_validates_and_without_the_proposals_each_task_is_refused(run_cli, tmp_path):
    into = tmp_path / "m"
    assert run_cli("import-bpmn", str(LEGACY), "--into", str(into)).output.endswith("OK\n")
    routing = into / "routing" / "legacy_order.yaml"
    text = routing.read_text()
    routing.write_text(text[:text.index("integration:")] + text[text.index("segments:"):])
    problems = [str(p).replace(f"{into}/", "") for p in load_methodologies(str(into)).problems]
    assert [p.split(" runs ")[0] for p in problems] == [
        f"bpmn/legacy_order.bpmn:{line}: task '{task}'" for line, task in (
            (9, "Task_Confirm"), (10, "Task_Log"), (11, "Task_Flag"), (12, "Task_Noop"), (13, "Task_Post"),
            (18, "Task_Log_Again"))]
    # The line to add keys an expression by the task's id, as the proposal does.
    assert 'integration: {legacy_order: {topics: {"Task_Noop": TOPIC}}}' in problems[3]


BARE = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="http://x">
<bpmn:process id="vacation" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:serviceTask id="Activity_fetch" name="Fetch vacation information" />
  <bpmn:businessRuleTask id="Activity_rule" name="Vacation approval" />
  <bpmn:serviceTask id="Activity_pay" name="Get pay rate"><bpmn:extensionElements>
    <spiffworkflow:serviceTaskOperator id="bamboohr/GetPayRate" resultVariable="payRate" />
  </bpmn:extensionElements></bpmn:serviceTask>
  <bpmn:endEvent id="won" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="Activity_fetch" />
  <bpmn:sequenceFlow id="f2" sourceRef="Activity_fetch" targetRef="Activity_rule" />
  <bpmn:sequenceFlow id="f3" sourceRef="Activity_rule" targetRef="Activity_pay" />
  <bpmn:sequenceFlow id="f4" sourceRef="Activity_pay" targetRef="won" />
</bpmn:process>
</bpmn:definitions>
"""


def test_tasks_drawn_without_an_implementation_get_a_topic_named_after_them(run_cli, tmp_path):
    """bpmn.io and Signavio draw service and business rule tasks with nothing behind them;
    spiff-arena names a connector operator: import-bpmn proposes a topic for each, marked."""
    source = tmp_path / "vacation.bpmn"
    source.write_bytes(BARE)
    into = tmp_path / "m"
    run_cli("import-bpmn", str(source), "--into", str(into))
    routing = into / "routing" / "vacation.yaml"
    assert routing.read_text().split("topics:", 1)[1].split("segments:")[0].splitlines()[1:] == [
        "      Activity_fetch: fetch-vacation-information  # PROPOSAL: no implementation of Activity_fetch",
        "      Activity_rule: vacation-approval  # PROPOSAL: no decision of Activity_rule",
        '      "bamboohr/GetPayRate": bamboohr-get-pay-rate  # PROPOSAL: spiffworkflow:serviceTaskOperator of '
        "Activity_pay",
    ]
    stages = into / "stages" / "vacation.yaml"
    stages.write_text(stages.read_text().replace("outcome: TODO", "outcome: won"))
    assert load_methodologies(str(into)).problems == []
    # Without the proposals each is refused at its line, saying how to map it.
    text = routing.read_text()
    routing.write_text(text[:text.index("integration:")] + text[text.index("segments:"):])
    problems = [str(p).replace(f"{into}/", "") for p in load_methodologies(str(into)).problems]
    assert [p.split(" names ")[0].split(" runs ")[0] for p in problems] == [
        "bpmn/vacation.bpmn:6: service task 'Activity_fetch'", "bpmn/vacation.bpmn:7: business rule task "
        "'Activity_rule'", "bpmn/vacation.bpmn:8: task 'Activity_pay'"]
    assert "integration: {vacation: {topics: {Activity_fetch: TOPIC}}}" in problems[0]


def test_a_spiff_arena_operators_result_variable_is_its_declared_output():
    facts = read_bpmn("v.bpmn", parse_xml("v.bpmn", BARE)[0])
    assert facts.processes["vacation"].nodes["Activity_pay"].external.outputs == ("payRate",)
