"""Descriptive models (bpmn.io, Signavio, Bizagi; corpus S05, N01, N04): an exclusive
gateway whose ways out carry labels but no conditions, a process not ticked
executable, data objects associated with tasks that set nothing of their name.
``import-bpmn`` proposes the conditions (and, by the form-field proposals, the choice
on the task before) and marks the process executable in its copy; validation keeps
refusing the drawn file, and refuses a data association nothing fills at its line."""

from __future__ import annotations

from engine.methodology.bpmn_source import parse_xml, read_bpmn
from engine.methodology.gateway_proposals import propose_conditions
from engine.methodology.importer import plan_import
from tests.methodology.imported_files import problems_of, write_plan

DRAWN = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="http://x">
<bpmn:process id="review" isExecutable="false">
  <bpmn:startEvent id="start" />
  <bpmn:userTask id="check" name="Review action" />
  <bpmn:exclusiveGateway id="gw" />
  <bpmn:userTask id="done" name="Do it" />
  <bpmn:endEvent id="won" name="Order placed" />
  <bpmn:endEvent id="lost" name="Cancelled" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check" />
  <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="gw" />
  <bpmn:sequenceFlow id="f3" name="Approve" sourceRef="gw" targetRef="done">
    <bpmn:documentation>the usual way</bpmn:documentation>
  </bpmn:sequenceFlow>
  <bpmn:sequenceFlow id="f4" sourceRef="gw" targetRef="lost" />
  <bpmn:sequenceFlow id="f5" sourceRef="done" targetRef="won" />
</bpmn:process>
</bpmn:definitions>
"""


def test_a_gateway_without_conditions_gets_one_per_way_out_labelled_by_the_flow_or_its_target():
    written, proposed = propose_conditions("review.bpmn", DRAWN)
    assert proposed == [("gw", "review_action_outcome", ["Approve", "Cancelled"])]
    assert written.count(b"\n") == DRAWN.count(b"\n")
    assert (b"<bpmn:documentation>the usual way</bpmn:documentation>\n  <!-- PROPOSAL by dealflow import-bpmn: the "
            b"gateway named no condition --><bpmn:conditionExpression>${review_action_outcome == 'Approve'}"
            b"</bpmn:conditionExpression></bpmn:sequenceFlow>") in written
    assert (b'<bpmn:sequenceFlow id="f4" sourceRef="gw" targetRef="lost" ><!-- PROPOSAL by dealflow import-bpmn: '
            b"the gateway named no condition --><bpmn:conditionExpression>${review_action_outcome == 'Cancelled'}"
            b"</bpmn:conditionExpression></bpmn:sequenceFlow>") in written
    # A gateway with a condition somewhere, or a default and nothing else, is the designer's.
    assert propose_conditions("again.bpmn", written) == (written, [])


def test_a_default_way_keeps_no_condition():
    data = DRAWN.replace(b'<bpmn:exclusiveGateway id="gw" />', b'<bpmn:exclusiveGateway id="gw" default="f4" />')
    written, proposed = propose_conditions("review.bpmn", data)
    assert proposed == [("gw", "review_action_outcome", ["Approve"])]
    assert b'targetRef="lost" />' in written


def test_the_imported_copy_asks_the_choice_on_the_task_before_and_validates(tmp_path):
    plan = plan_import("review.bpmn", DRAWN, companions={}, existing={})
    assert any("process 'review' was not marked executable" in line for line in plan.decide)
    assert any("exclusive gateway 'gw' names no condition: the copy chooses by review_action_outcome (a choice: "
               "Approve, Cancelled)" in line for line in plan.decide)
    facts = read_bpmn("review.bpmn", parse_xml("review.bpmn", plan.files["bpmn/review.bpmn"])[0])
    assert facts.processes["review"].executable
    assert [(f.id, f.type, f.choices) for f in facts.processes["review"].nodes["check"].form] == [
        ("review_action_outcome", "enum", (("Approve", "Approve"), ("Cancelled", "Cancelled")))]
    root = write_plan(tmp_path / "m", plan.files)
    assert problems_of(root) == []
    (root / "bpmn" / "review.bpmn").write_bytes(DRAWN.replace(b'isExecutable="false"', b'isExecutable="true"'))
    assert [p.split(" leaves ")[0] for p in problems_of(root)] == [
        "review.bpmn:12: sequence flow 'f3'", "review.bpmn:15: sequence flow 'f4'"]


DATA = DRAWN.replace(b'<bpmn:userTask id="done" name="Do it" />', b"""<bpmn:userTask id="done" name="Do it">
    <bpmn:dataOutputAssociation id="out"><bpmn:targetRef>ref</bpmn:targetRef></bpmn:dataOutputAssociation>
  </bpmn:userTask>
  <bpmn:dataObjectReference id="ref" name="Status" dataObjectRef="status" />
  <bpmn:dataObject id="status" />""")


def test_a_data_object_nothing_sets_is_refused_at_its_association(tmp_path):
    plan = plan_import("review.bpmn", DATA, companions={}, existing={})
    root = write_plan(tmp_path / "m", plan.files)  # the copy, then the file as drawn (made executable)
    drawn = plan.files["bpmn/review.bpmn"].replace(b"<!-- import-bpmn: data association dropped -->",
                                                   b'<bpmn:dataOutputAssociation id="out"><bpmn:targetRef>ref'
                                                   b"</bpmn:targetRef></bpmn:dataOutputAssociation>")
    (root / "bpmn" / "review.bpmn").write_bytes(drawn)
    [problem] = problems_of(root)
    assert problem.endswith(": 'done' writes data object 'status' ('Status'), which SpiffWorkflow copies from the "
                            "task's variable of that id; nothing sets it: set a variable 'status' (a form field, a "
                            "script, a worker's declared output) or remove the data association (Camunda treats "
                            "data objects as documentation)")
    assert problem.startswith("review.bpmn:") and int(problem.split(":")[1]) > 0


def test_import_bpmn_drops_the_association_nothing_fills_and_says_so(tmp_path):
    plan = plan_import("review.bpmn", DATA, companions={}, existing={})
    written = plan.files["bpmn/review.bpmn"]
    assert b"dataOutputAssociation" not in written and b"<!-- import-bpmn: data association dropped -->" in written
    write_plan(tmp_path / "m", plan.files)
    assert any(line.startswith("bpmn/review.bpmn: data object(s) status were associated with tasks that set "
                               "nothing of their id") for line in plan.decide)
    assert problems_of(tmp_path / "m") == []
    # A task whose form sets the data object's variable keeps its association.
    filled = DATA.replace(b'<bpmn:userTask id="done" name="Do it">', b"""<bpmn:userTask id="done" name="Do it">
    <bpmn:extensionElements><camunda:formData xmlns:camunda="http://camunda.org/schema/1.0/bpmn">
      <camunda:formField id="status" label="Status" type="string" /></camunda:formData></bpmn:extensionElements>""")
    assert b"<bpmn:dataOutputAssociation" in plan_import("review.bpmn", filled, companions={},
                                                         existing={}).files["bpmn/review.bpmn"]
