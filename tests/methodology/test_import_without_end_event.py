"""A process drawn without an end event (BPMN ends a path where it stops):
``dealflow import-bpmn`` draws one in its copy, after every node where a path stops,
without moving any other line, and asks the designer whether a deal ending there is
won or lost — instead of a stage entered at a placeholder that cannot deploy."""

from __future__ import annotations

from engine import plan_import
from engine.methodology.bpmn_source import parse_xml, read_bpmn

SOURCE = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="test">
  <process id="no_end" isExecutable="true">
    <startEvent id="start" />
    <sequenceFlow id="f1" sourceRef="start" targetRef="choose" />
    <exclusiveGateway id="choose" default="f3" />
    <sequenceFlow id="f2" sourceRef="choose" targetRef="call"><conditionExpression>amount &gt; 10</conditionExpression></sequenceFlow>
    <sequenceFlow id="f3" sourceRef="choose" targetRef="mail" />
    <userTask id="call" name="Call the customer" />
    <userTask id="mail" name="Mail the customer" />
  </process>
</definitions>
"""


def test_an_end_event_is_drawn_after_each_node_where_a_path_stops_and_no_other_line_moves():
    plan = plan_import("no_end.bpmn", SOURCE, companions={}, existing={})
    copied = plan.files["bpmn/no_end.bpmn"]
    before, after = SOURCE.split(b"\n"), copied.split(b"\n")
    assert len(after) == len(before)
    assert [i for i, (a, b) in enumerate(zip(before, after)) if a != b] == [3]
    assert after[3] == (b'    <endEvent id="EndEvent_import" name="End"/>'
                        b'<sequenceFlow id="Flow_EndEvent_import_1" sourceRef="call" targetRef="EndEvent_import"/>'
                        b'<sequenceFlow id="Flow_EndEvent_import_2" sourceRef="mail" targetRef="EndEvent_import"/>'
                        b'<startEvent id="start" />')
    process = read_bpmn("no_end.bpmn", parse_xml("no_end.bpmn", copied)[0]).processes["no_end"]
    assert process.nodes["EndEvent_import"].kind == "endEvent"
    table = plan.files["stages/no_end.yaml"].decode()
    assert "    outcome: TODO\n    entered_at: [EndEvent_import]" in table
    assert "TODO_won_end_event" not in table
    assert any(line.startswith("bpmn/no_end.bpmn: the process has no end event (BPMN ends it where a path stops: "
                               "after call, mail); import-bpmn drew end event 'EndEvent_import' there")
               for line in plan.decide)


def test_a_process_with_an_end_event_is_copied_as_it_is():
    with_end = SOURCE.replace(b'<userTask id="mail" name="Mail the customer" />',
                              b'<userTask id="mail" name="Mail the customer" /><endEvent id="won" />'
                              b'<sequenceFlow id="f4" sourceRef="mail" targetRef="won" />')
    assert plan_import("no_end.bpmn", with_end, companions={}, existing={}).files["bpmn/no_end.bpmn"] == with_end


def test_a_start_tag_written_over_several_lines_gets_the_end_event_on_its_first_line():
    spread = SOURCE.replace(b'    <startEvent id="start" />', b'    <startEvent\n      id="start"\n    />')
    copied = plan_import("no_end.bpmn", spread, companions={}, existing={}).files["bpmn/no_end.bpmn"]
    assert copied.split(b"\n")[3].startswith(b'    <endEvent id="EndEvent_import" name="End"/>')
    assert copied.split(b"\n")[3].endswith(b"<startEvent")
    assert len(copied.split(b"\n")) == len(spread.split(b"\n"))
