"""An ad-hoc subprocess's data (engine.runtime.adhoc), each step through the stored
spec and state text: what an activated element sets reaches the process, the
variables its activation gave it stay its own, and the outputCollection — the
subprocess's own variable in Camunda 8 — is gone once its output mappings ran."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from engine.runtime.workflow import ProcessRunner

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "adhoc" / "bpmn" / "discovery.bpmn"
NOW = datetime(2026, 12, 5, 9, 0, tzinfo=timezone.utc)


def test_what_the_elements_and_the_worker_set_reaches_the_process_and_the_collection_stays_inside():
    built = ProcessRunner.from_files({"discovery.bpmn": FIXTURE.read_bytes()}, {}, "discovery")
    runner = ProcessRunner.from_spec_text(built.spec_text())  # what a deployed version runs
    state, result = runner.start({}, NOW)
    for node, data in (("Email", {}), ("Call", {"budgetConfirmed": True})):
        task = next(t for t in result.ready if t.node_id == node)
        state, result = runner.complete(state, task.task_id, data, NOW)
    [job] = result.external
    assert (job.node_id, job.variables) == ("Research__adhoc_job", {"budgetConfirmed": True, "toolCallResults": []})
    state, result = runner.complete_external(state, job.task_id, {"activateElements": [
        {"elementId": "Tool_Lookup", "variables": {"toolCall": {"query": "ACME"}}}]}, NOW)
    [lookup] = result.external
    state, result = runner.complete_external(state, lookup.task_id, {"toolCallResult": "200 staff",
                                                                       "employees": 200}, NOW)
    [job] = result.external
    assert job.variables == {"budgetConfirmed": True, "toolCallResult": "200 staff", "employees": 200,
                             "toolCallResults": [{"query": "ACME", "content": "200 staff"}]}
    state, result = runner.complete_external(state, job.task_id, {"isCompletionConditionFulfilled": True,
                                                                   "agent": {"summary": "call Jane"}}, NOW)
    assert result.finished and result.error is None
    assert runner.data(state) == {"budgetConfirmed": True, "toolCallResult": "200 staff", "employees": 200,
                                  "agent": {"summary": "call Jane"}, "summary": "call Jane"}


NESTED = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs" targetNamespace="http://dealflow.test">
  <bpmn:process id="nested" isExecutable="true">
    <bpmn:startEvent id="Begin"/>
    <bpmn:sequenceFlow id="F1" sourceRef="Begin" targetRef="Stage"/>
    <bpmn:subProcess id="Stage">
      <bpmn:startEvent id="Stage_Begin"/>
      <bpmn:sequenceFlow id="F2" sourceRef="Stage_Begin" targetRef="Optional"/>
      <bpmn:adHocSubProcess id="Optional">
        <bpmn:extensionElements>
          <zeebe:adHoc activeElementsCollection="= if big then [&quot;Demo&quot;, &quot;Trial&quot;] else []"/>
          <zeebe:ioMapping><zeebe:input source="= amount &gt; 100" target="big"/></zeebe:ioMapping>
        </bpmn:extensionElements>
        <bpmn:userTask id="Demo"/>
        <bpmn:userTask id="Trial"/>
      </bpmn:adHocSubProcess>
      <bpmn:sequenceFlow id="F3" sourceRef="Optional" targetRef="Stage_End"/>
      <bpmn:endEvent id="Stage_End"/>
    </bpmn:subProcess>
    <bpmn:sequenceFlow id="F4" sourceRef="Stage" targetRef="Done"/>
    <bpmn:endEvent id="Done"/>
  </bpmn:process>
</bpmn:definitions>"""


def test_an_ad_hoc_subprocess_inside_an_embedded_one_runs_what_its_collection_names():
    """Nothing named: it is done at once."""
    runner = ProcessRunner.from_files({"nested.bpmn": NESTED}, {}, "nested")
    for amount, expected in ((50, []), (500, ["Demo", "Trial"])):
        state, result = runner.start({"amount": amount}, NOW)
        assert sorted(t.node_id for t in result.ready) == expected
        for task in result.ready:
            assert not result.finished
            state, result = runner.complete(state, task.task_id, {}, NOW)
        assert result.ready == ()
        assert result.finished and result.error is None
        assert "big" not in runner.data(state)  # an input mapping is the element's own


def test_an_element_the_subprocess_lacks_is_the_step_error_of_the_job():
    """The service refuses such a job result up front; in a called process (not checked
    there) the run refuses it, leaving the state as it was."""
    runner = ProcessRunner.from_files({"discovery.bpmn": FIXTURE.read_bytes()}, {}, "discovery")
    state, result = runner.start({}, NOW)
    for task in result.ready:
        state, result = runner.complete(state, task.task_id, {}, NOW)
    [job] = result.external
    after, failed = runner.complete_external(state, job.task_id, {"activateElements": [{"elementId": "Call"}]}, NOW)
    assert after == state
    assert (failed.error.node_id, failed.error.message) == (
        "Research__adhoc_job", "ad-hoc subprocess 'Research' has no element 'Call' to activate; it has "
                               "Tool_AskRep, Tool_Lookup")
