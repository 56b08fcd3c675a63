"""Message elements drawn without a message (bpmn.io, Signavio; corpus P07, N01, N04):
``import-bpmn`` declares one per element in its copy, named after it and marked as a
proposal; validation keeps refusing such an element in a hand-written file."""

from __future__ import annotations

from engine import load_methodologies
from engine.methodology.importer import plan_import
from engine.methodology.message_proposals import propose_messages
from tests.methodology.imported_files import problems_of, write_plan

DRAWN = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" id="d" targetNamespace="http://x">
<process id="service" isExecutable="true">
  <startEvent id="start" name="Receive customer&#10;request">
    <messageEventDefinition id="md1"/>
  </startEvent>
  <receiveTask id="wait" name="Receive the parts" />
  <endEvent id="won" name="Order done" />
  <sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
  <sequenceFlow id="f2" sourceRef="wait" targetRef="won" />
</process>
<bpmndi:BPMNDiagram id="di"><bpmndi:BPMNPlane id="plane" bpmnElement="service" /></bpmndi:BPMNDiagram>
</definitions>
"""


def test_each_element_gets_a_message_named_after_it_and_no_line_moves():
    written, proposed = propose_messages("service.bpmn", DRAWN)
    assert proposed == [("wait", "receive-the-parts"), ("start", "receive-customer-request")]
    assert written.count(b"\n") == DRAWN.count(b"\n")
    assert b'<receiveTask messageRef="Message_wait" id="wait"' in written
    assert b'<messageEventDefinition messageRef="Message_start" id="md1"/>' in written
    assert (b'<!-- PROPOSAL by dealflow import-bpmn: a message for each element that named none; review each '
            b'name (what a sender names) --><message id="Message_wait" name="receive-the-parts"/>'
            b'<message id="Message_start" name="receive-customer-request"/><bpmndi:BPMNDiagram') in written
    assert propose_messages("again.bpmn", written) == (written, [])


def test_the_imported_copy_validates_and_the_drawn_file_is_refused_at_each_element(tmp_path):
    plan = plan_import("service.bpmn", DRAWN, companions={}, existing={})
    assert any("message(s) proposed for what named none (marked PROPOSAL): 'wait' -> receive-the-parts, "
               "'start' -> receive-customer-request" in line for line in plan.decide)
    root = write_plan(tmp_path / "m", plan.files)
    assert problems_of(root) == []
    (root / "bpmn" / "service.bpmn").write_bytes(DRAWN)
    assert [(p.line, p.message.split(" but ")[0]) for p in load_methodologies(str(root)).problems] == [
        (5, "start event 'start' waits for a message"), (8, "receive task 'wait' waits for a message")]
