"""Flow node ids the workflow engine reserves (``Start``, ``End``), as Camunda 8 files
use them (issue 14, corpus Z09): ``import-bpmn`` renames them in its copy, with every
reference, and says so; validation keeps refusing them in a hand-written file."""

from __future__ import annotations


from engine.methodology.importer import plan_import
from engine.methodology.reserved_ids import rename_reserved
from tests.methodology.imported_files import problems_of, write_plan

DRAWN = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" id="d" targetNamespace="http://x">
<bpmn:process id="letter" isExecutable="true">
  <bpmn:laneSet id="ls"><bpmn:lane id="sales" name="Sales"><bpmn:flowNodeRef>Start</bpmn:flowNodeRef>
    <bpmn:flowNodeRef>Check</bpmn:flowNodeRef><bpmn:flowNodeRef>End</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
  <bpmn:startEvent id="Start" name="Letter received"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
  <bpmn:userTask id="Check" name="Check the letter" />
  <bpmn:endEvent id="End" name="Order signed" />
  <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Check" />
  <bpmn:sequenceFlow id="f2" sourceRef="Check" targetRef="End" />
</bpmn:process>
<bpmndi:BPMNDiagram id="di"><bpmndi:BPMNPlane id="plane" bpmnElement="letter">
  <bpmndi:BPMNShape id="End_di" bpmnElement="End"><dc:Bounds x="1" y="1" width="36" height="36" /></bpmndi:BPMNShape>
</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>
"""


def test_reserved_ids_and_every_reference_are_renamed_and_no_line_moves():
    renamed, renames = rename_reserved("letter.bpmn", DRAWN)
    assert renames == {"Start": "StartEvent_Start", "End": "EndEvent_End"}
    assert renamed.count(b"\n") == DRAWN.count(b"\n")
    for old in (b'"Start"', b'"End"', b">Start<", b">End<"):
        assert old not in renamed
    assert b'<bpmn:flowNodeRef>EndEvent_End</bpmn:flowNodeRef>' in renamed
    assert b'bpmnElement="EndEvent_End"' in renamed and b'sourceRef="StartEvent_Start"' in renamed
    assert b'id="End_di"' in renamed  # other ids that merely start with it stay
    assert rename_reserved("plain.bpmn", renamed) == (renamed, {})


def test_import_bpmn_writes_the_renamed_copy_which_validates(tmp_path):
    plan = plan_import("letter.bpmn", DRAWN, companions={}, existing={})
    assert plan.files["bpmn/letter.bpmn"] == rename_reserved("letter.bpmn", DRAWN)[0]
    assert "bpmn/letter.bpmn: 'Start', 'End' are ids the workflow engine reserves: the copy names them " \
           "'StartEvent_Start', 'EndEvent_End' (and every reference)" in plan.decide
    assert "entered_at: [EndEvent_End]" in plan.files["stages/letter.yaml"].decode()
    root = write_plan(tmp_path / "m", plan.files)
    assert problems_of(root) == []
    # The designer's own file, as drawn, is still refused at each id's line.
    (root / "bpmn" / "letter.bpmn").write_bytes(DRAWN)
    assert problems_of(root)[:2] == [
        "letter.bpmn:7: the id 'Start' is reserved by the workflow engine; rename it (e.g. 'StartEvent_Start')",
        "letter.bpmn:9: the id 'End' is reserved by the workflow engine; rename it (e.g. 'EndEvent_End')"]
