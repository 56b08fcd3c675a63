"""Multi-instance user tasks as Camunda Modeler writes them: a collection named as
${list} (read as the list's name), a JUEL cardinality, and a completion condition;
validation checks each, and the runner makes one READY task per item."""

from __future__ import annotations

from datetime import datetime, timezone

from engine.methodology.bpmn_source import parse_xml, read_bpmn
from engine.runtime.workflow import ProcessRunner

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


def process(loop: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs" targetNamespace="http://dealflow.test">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="Approve">
      {loop}
    </bpmn:userTask>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="Approve"/>
    <bpmn:sequenceFlow id="f2" sourceRef="Approve" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
""".encode()


def problems_of(data: bytes) -> list[str]:
    tree, problems = parse_xml("p.bpmn", data)
    return [str(p) for p in problems + read_bpmn("p.bpmn", tree).problems]


def test_a_collection_written_as_juel_runs_one_task_per_item():
    data = process('<bpmn:multiInstanceLoopCharacteristics camunda:collection="${approvers}" '
                   'camunda:elementVariable="approver"/>')
    assert problems_of(data) == []
    runner = ProcessRunner.from_files({"p.bpmn": data}, {}, "p")
    state, result = runner.start({"approvers": ["anna", "jan", "ewa"]}, T0)
    assert [t.node_id for t in result.ready] == ["Approve"] * 3
    for task in result.ready:
        state, result = runner.complete(state, task.task_id, {"ok": True}, T0)
        assert result.error is None
    assert result.finished


def test_a_juel_cardinality_is_translated_and_a_method_call_collection_is_named():
    data = process('<bpmn:multiInstanceLoopCharacteristics isSequential="true">'
                   '<bpmn:loopCardinality xsi:type="bpmn:tFormalExpression">${reviewers}</bpmn:loopCardinality>'
                   '</bpmn:multiInstanceLoopCharacteristics>')
    runner = ProcessRunner.from_files({"p.bpmn": data}, {}, "p")
    state, result = runner.start({"reviewers": 2}, T0)
    done = 0
    while result.ready:
        state, result = runner.complete(state, result.ready[0].task_id, {}, T0)
        done += 1
    assert (done, result.finished) == (2, True)
    bad = process('<bpmn:multiInstanceLoopCharacteristics camunda:collection="${training.getWeekdays()}"/>')
    assert problems_of(bad) == [
        "p.bpmn:8: multi-instance task 'Approve' runs over collection '${training.getWeekdays()}', which is "
        "not a variable name: Dealflow runs a task once per item of a list in the task data; compute the list "
        "in a form field or a script task and name it, e.g. camunda:collection=\"weekdays\""]
