"""BPMN constructs from Camunda, Activiti and Flowable files: each one SpiffWorkflow
cannot run is named at its line; the ones with a well-defined meaning run."""

import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from engine.runtime.workflow import ProcessRunner
from engine.service.validation import load_methodologies
from tests.conftest import shared_corpus

HERE = Path(__file__).parent / "real_world"
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)

REFUSED = {
    "service_task.bpmn": [
        "6: task 'Task_Charge' runs camunda:class=\"com.acme.Charge\", code Dealflow does not run; map it to a "
        "topic a worker fetches in the routing file — integration: {METHODOLOGY: {topics: {\"com.acme.Charge\": "
        "TOPIC}}} — or write camunda:type=\"external\" camunda:topic=\"TOPIC\" (see docs/integration.md)"],
    "message_dangling_ref.bpmn": [
        "7: receive task 'Task_Receive' waits for message 'Message_Ordr', which no bpmn:message of this file "
        "declares (declared: Message_Order); fix messageRef or add <bpmn:message id=\"Message_Ordr\" "
        "name=\"...\"/>",
        "9: intermediate catch event 'Wait_Paid' waits for a message but names none; declare <bpmn:message "
        "id=\"Message_1\" name=\"order-confirmed\"/> and set messageRef=\"Message_1\""],
    # Signavio's "message start event" naming no message (the corpus's N01): refused, as Camunda does.
    "start_message_without_ref.bpmn": [
        "4: start event 'Start_Request' waits for a message but names none; declare <bpmn:message "
        "id=\"Message_1\" name=\"order-confirmed\"/> and set messageRef=\"Message_1\" — or, if someone opens "
        "the deal (by hand or POST /api/v1/opportunities), remove the messageEventDefinition: a plain start event"],
    "compensation.bpmn": [
        "7: boundary event 'Boundary_Undo' is a compensation event, and Dealflow does not run compensation; "
        "draw the undo steps as ordinary tasks after an exclusive gateway that checks what went wrong",
        "10: user task 'Task_Cancel' is a compensation handler, and Dealflow does not run compensation; "
        "draw the undo steps as ordinary tasks after an exclusive gateway that checks what went wrong"],
    # A worker may report the error on the service task (an external task), the person doing the user
    # task on the user task (engine.service.task_events); nobody on a manual task.
    "error_boundaries.bpmn": [
        "7: task 'Task_Check' runs camunda:delegateExpression=\"${creditCheck}\", code Dealflow does not run; map "
        "it to a topic a worker fetches in the routing file — integration: {METHODOLOGY: {topics: "
        "{\"${creditCheck}\": TOPIC}}} — or write camunda:type=\"external\" camunda:topic=\"TOPIC\" (see "
        "docs/integration.md)",
        "22: boundary event 'Boundary_Manual' waits for error 'No credit', which nothing in this file throws "
        "(Dealflow runs no code that could); throw it from an intermediate throw event or end event, or remove "
        "the catch"],
    "rule_without_decision.bpmn": [
        "6: business rule task 'Task_Rule' names no decision: set camunda:decisionRef to the id of a "
        "decision in a .dmn file under bpmn/, or, if a worker decides, map its id to a topic in the routing "
        "file — integration: {METHODOLOGY: {topics: {Task_Rule: TOPIC}}} (see docs/integration.md)"],
    "call_without_element.bpmn": [
        "6: call activity 'Call_1' names no process: set calledElement (or Camunda 8's zeebe:calledElement "
        "processId) to the id of a process in a .bpmn file under bpmn/"],
    "call_to_a_case.bpmn": [
        "6: call activity 'Call_1' calls the CMMN case 'credit-check' (camunda:caseRef); Dealflow runs BPMN "
        "processes only: draw the case's steps as a process in a .bpmn file under bpmn/ and name it in "
        "calledElement"],
    "multiple_outgoing_flows.bpmn": [
        "6: userTask 'Task_Offer' has 2 outgoing sequence flows ('Flow_Yes', 'Flow_No'); the engine follows "
        "one flow out of a task or event: put an exclusive gateway (to choose) or a parallel gateway (to do "
        "both) after it"],
    "conditional_event.bpmn": [
        "6: intermediate catch event 'Wait_1' is a conditional event, which Dealflow does not run; test the "
        "condition with an exclusive gateway after the step that changes the data"],
    "groovy_script.bpmn": [
        "6: script task 'Script_1' is written in groovy; Dealflow runs scripts in its own expression language "
        "(Python-like, e.g. discount = amount * 0.1): rewrite it and set scriptFormat=\"python\""],
    # evaluated from the task's data (tests/engine/test_bpmn_assignment.py), so checked like a condition
    "assignment_expression.bpmn": [
        "6: camunda:candidateGroups of user task 'Task_Approve' reads 'approverGroups', which nothing sets: no "
        "form field, script or decision of the methodology and no opportunity attribute a routing condition "
        "reads; add a form field 'approverGroups' to the user task before it (a form Camunda or Flowable kept "
        "outside the file, formKey, does not come along)"],
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_each_unsupported_construct_is_named_at_its_line_without_a_traceback(name, tmp_path):
    target = tmp_path / "bpmn" / name
    target.parent.mkdir()
    shutil.copy(HERE / name, target)
    problems = [str(p) for p in load_methodologies(str(tmp_path)).problems]
    assert problems == [f"{target}:{line}" for line in REFUSED[name]]


def _runner(*names: str, process: str) -> ProcessRunner:
    files = {n: (HERE / n).read_bytes() for n in names}
    return ProcessRunner.from_files({n: d for n, d in files.items() if n.endswith(".bpmn")},
                                    {n: d for n, d in files.items() if n.endswith(".dmn")}, process)


def test_a_sequence_flow_without_an_id_gets_one_and_leads_to_its_task():
    facts = load_methodologies(str(HERE / "flow_without_id.bpmn"))
    assert facts.problems == []
    _, step = _runner("flow_without_id.bpmn", process="flow_without_id").start({}, NOW)
    assert [t.node_id for t in step.ready] == ["Task_Call"]


@pytest.mark.parametrize("amount, task", [(5000, "Task_Manager"), (10, "Task_Rep")])
def test_the_second_decision_of_a_dmn_file_is_the_one_its_task_calls(amount, task):
    runner = _runner("second_decision.bpmn", "two_decisions.dmn", process="second_decision")
    state, step = runner.start({"amount": amount}, NOW)
    assert [t.node_id for t in step.ready] == [task]
    assert runner.data(state)["approver"] == ("manager" if amount >= 1000 else "rep")


# A data store is documentation, as in Camunda: ignored.
@pytest.mark.parametrize("name", ["send_and_receive_tasks.bpmn", "message_start_event.bpmn", "data_store.bpmn"])
def test_message_events_send_tasks_receive_tasks_and_data_stores_validate(name, tmp_path):
    (tmp_path / "bpmn").mkdir()
    shutil.copy(HERE / name, tmp_path / "bpmn" / name)
    assert load_methodologies(str(tmp_path)).problems == []


def test_a_dmn_file_with_two_decisions_validates(tmp_path):
    for name in ("second_decision.bpmn", "two_decisions.dmn"):
        (tmp_path / "bpmn").mkdir(exist_ok=True)
        shutil.copy(HERE / name, tmp_path / "bpmn" / name)
    assert load_methodologies(str(tmp_path)).problems == []


def test_activiti_form_properties_become_form_fields_with_types_choices_and_required():
    from engine.methodology.bpmn_source import parse_xml, read_bpmn

    path = str(HERE / "activiti_form_properties.bpmn")
    tree, _ = parse_xml(path, (HERE / "activiti_form_properties.bpmn").read_bytes())
    task = read_bpmn(path, tree).processes["vacation"].nodes["Task_Request"]
    assert [(f.id, f.label, f.type, f.required, f.default) for f in task.form] == [
        ("days", "Number of days", "long", True, None),
        ("start", "First day", "date", False, None),
        ("reason", "Reason", "string", False, "holiday"),
        ("vacationApproved", "Decision", "enum", False, None)]
    assert task.form[3].choices == (("approve", "Approve"), ("reject", "Reject"))
    assert task.candidate_groups == ("sales", "management")


@pytest.mark.parametrize("folder, expected", [
    ("D05", "boundary event 'BoundaryEvent_1n8ese5' is a compensation event"),
    ("P03", "task 'ServiceTask_1' runs camunda:class=\"org.camunda.bpm.example.invoice.service.ArchiveInvoice"),
    ("M03", "business rule task 'Activity_0v0xwro' names no decision"),
])
def test_corpus_files_are_refused_with_a_line_not_a_traceback(folder, expected):
    problems = [str(p) for p in load_methodologies(str(shared_corpus() / "bpmn" / folder)).problems]
    assert any(expected in p for p in problems), problems
    assert not any("SpiffWorkflow cannot load" in p for p in problems)


def test_the_corpus_spiffworkflow_decision_reference_is_read():
    """M02 names its decision with spiffworkflow:calledDecisionId: no KeyError any more."""
    problems = [str(p) for p in load_methodologies(str(shared_corpus() / "bpmn" / "M02")).problems]
    assert not any("decisionRef" in p or "names no decision" in p for p in problems), problems
