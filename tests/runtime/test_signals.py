"""Signals from outside on real SpiffWorkflow, through the stored spec text: which a
workflow waits for, and a broadcast reaching each waiting catch with its variables."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from engine.runtime.workflow import ProcessRunner

T0 = datetime(2026, 12, 5, 9, tzinfo=timezone.utc)
CANCEL = (Path(__file__).parents[1] / "methodology" / "real_world" / "signal_nobody_throws.bpmn").read_bytes()
HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/'
        '20100524/MODEL" id="D" targetNamespace="x">\n<bpmn:signal id="Sig_Price" name="price-list-changed" />\n')
# A non-interrupting catch beside the task, and a catch event the process waits at after it.
SIDE = HEAD + '''<bpmn:process id="p" isExecutable="true">
<bpmn:startEvent id="S" />
<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="Offer" />
<bpmn:userTask id="Offer" />
<bpmn:boundaryEvent id="Repriced" attachedToRef="Offer" cancelActivity="false">
  <bpmn:signalEventDefinition signalRef="Sig_Price" />
</bpmn:boundaryEvent>
<bpmn:sequenceFlow id="F2" sourceRef="Repriced" targetRef="Recheck" />
<bpmn:userTask id="Recheck" />
<bpmn:sequenceFlow id="F3" sourceRef="Recheck" targetRef="E2" />
<bpmn:endEvent id="E2" />
<bpmn:sequenceFlow id="F4" sourceRef="Offer" targetRef="Wait" />
<bpmn:intermediateCatchEvent id="Wait"><bpmn:signalEventDefinition signalRef="Sig_Price" /></bpmn:intermediateCatchEvent>
<bpmn:sequenceFlow id="F5" sourceRef="Wait" targetRef="E1" />
<bpmn:endEvent id="E1" />
</bpmn:process>
</bpmn:definitions>
'''


def _runner(bpmn: bytes, process: str) -> ProcessRunner:
    return ProcessRunner.from_spec_text(ProcessRunner.from_files({"p.bpmn": bpmn}, {}, process).spec_text())


def test_an_interrupting_signal_boundary_event_takes_the_token_off_its_task():
    runner = _runner(CANCEL, "Process_1")
    assert runner.signal_catches() == frozenset({"cancel"})
    state, result = runner.start({}, T0)
    assert [t.node_id for t in result.ready] == ["Task_Offer"]
    assert runner.waiting_signals(state, T0) == ("cancel",)
    assert runner.deliver_signal(state, "other", {}, T0) is None
    state, result = runner.deliver_signal(state, "cancel", {}, T0)
    assert result.error is None and result.finished and result.ended_at == ("End_2",)
    assert runner.waiting_signals(state, T0) == ()


def test_a_signal_reaches_each_waiting_catch_and_brings_its_variables():
    runner = _runner(SIDE.encode(), "p")
    state, _ = runner.start({}, T0)
    state, result = runner.deliver_signal(state, "price-list-changed", {"discount": 5}, T0)
    assert sorted(t.node_id for t in result.ready) == ["Offer", "Recheck"]  # non-interrupting: Offer stays
    offer = next(t for t in result.ready if t.node_id == "Offer")
    state, result = runner.complete(state, offer.task_id, {}, T0)
    assert runner.waiting_signals(state, T0) == ("price-list-changed",)  # now at Wait
    state, result = runner.deliver_signal(state, "price-list-changed", {"discount": 7}, T0)
    assert [t.node_id for t in result.ready] == ["Recheck"] and result.ended_at == ("E1",)
    recheck = result.ready[0]
    state, result = runner.complete(state, recheck.task_id, {}, T0)
    assert result.finished and result.ended_at == ("E2",)
    assert runner.data(state)["discount"] == 5  # the side branch, ended last, took the first signal's
