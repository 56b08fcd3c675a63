"""import-bpmn's planning on a process whose loop passes through a parallel split
(corpus Z08, message-receiver.bpmn, has one): it ends, instead of opening one more
level of parallel block on every pass round the loop until memory runs out."""

from __future__ import annotations

from engine.methodology.importer import plan_import

LOOP = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="http://x">
<bpmn:process id="p" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:exclusiveGateway id="again" />
  <bpmn:parallelGateway id="split" />
  <bpmn:userTask id="Call" name="Call" />
  <bpmn:userTask id="Mail" name="Mail" />
  <bpmn:exclusiveGateway id="done" />
  <bpmn:endEvent id="won" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="again" />
  <bpmn:sequenceFlow id="f2" sourceRef="again" targetRef="split" />
  <bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="Call" />
  <bpmn:sequenceFlow id="f4" sourceRef="split" targetRef="Mail" />
  <bpmn:sequenceFlow id="f5" sourceRef="Call" targetRef="done" />
  <bpmn:sequenceFlow id="f6" sourceRef="Mail" targetRef="done" />
  <bpmn:sequenceFlow id="f7" sourceRef="done" targetRef="again"><bpmn:conditionExpression>retry</bpmn:conditionExpression></bpmn:sequenceFlow>
  <bpmn:sequenceFlow id="f8" sourceRef="done" targetRef="won" />
</bpmn:process>
</bpmn:definitions>
"""


def test_a_loop_through_a_parallel_split_is_planned_without_running_forever():
    plan = plan_import("loop.bpmn", LOOP, companions={}, existing={})
    stages = plan.files["stages/loop.yaml"].decode()
    assert "entered_at: [Call, Mail]" in stages  # one stage: the two tasks run at the same time
