"""Service tasks that run another engine's code: ``dealflow import-bpmn`` proposes a
worker topic for each (as Camunda's 7-to-8 migration turns delegates into job types),
validation accepts what the routing maps — by implementation or by task id — and
still refuses what it does not map."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import load_methodologies, plan_import
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
