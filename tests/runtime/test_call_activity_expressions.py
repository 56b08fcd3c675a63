"""A call activity choosing its process with a FEEL expression (Camunda 8's
``processId="= &quot;phase_&quot; + variant"``), on real SpiffWorkflow through the stored
spec text: the expression is evaluated when the call activity is reached; a value
naming no deployed process is a step error on the call activity, which a retry runs
again once the data is right."""

from __future__ import annotations

from engine.runtime.workflow import ProcessRunner
from tests.runtime.test_io_mappings import HEAD, T0
MAIN = HEAD + '''<bpmn:process id="main" isExecutable="true">
<bpmn:startEvent id="S" />
<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="Call" />
<bpmn:callActivity id="Call">
  <bpmn:extensionElements>
    <zeebe:calledElement processId="= &quot;phase_&quot; + variant" />
  </bpmn:extensionElements>
</bpmn:callActivity>
<bpmn:sequenceFlow id="F2" sourceRef="Call" targetRef="E" />
<bpmn:endEvent id="E" />
</bpmn:process>
</bpmn:definitions>
'''


def phase(name: str) -> bytes:
    return (HEAD + f'''<bpmn:process id="phase_{name}" isExecutable="true">
<bpmn:startEvent id="S_{name}" />
<bpmn:sequenceFlow id="G1_{name}" sourceRef="S_{name}" targetRef="Work_{name}" />
<bpmn:userTask id="Work_{name}" />
<bpmn:sequenceFlow id="G2_{name}" sourceRef="Work_{name}" targetRef="E_{name}" />
<bpmn:endEvent id="E_{name}" />
</bpmn:process>
</bpmn:definitions>
''').encode()


def runner() -> ProcessRunner:
    built = ProcessRunner.from_files({"main.bpmn": MAIN.encode(), "a.bpmn": phase("A"), "b.bpmn": phase("B")},
                                     {}, "main")
    return ProcessRunner.from_spec_text(built.spec_text())  # what a deployed version runs


def test_the_expression_chooses_the_called_process_when_the_call_activity_is_reached():
    for variant in ("A", "B"):
        run = runner()
        state, result = run.start({"variant": variant}, T0)
        assert result.error is None and [t.node_id for t in result.ready] == [f"Work_{variant}"]
        # another runner: what survives the database runs
        state, result = runner().complete(state, result.ready[0].task_id, {"done": True}, T0)
        assert result.error is None and result.finished and result.ended_at == ("E",)


def test_a_value_naming_no_deployed_process_is_an_error_on_the_call_activity_that_a_retry_runs_again():
    run = runner()
    state, result = run.start({"variant": "C"}, T0)
    assert result.error is not None and result.error.node_id == "Call"
    assert "calls process 'phase_C'" in result.error.message
    assert "its processes: phase_A, phase_B" in result.error.message
    assert not result.finished and result.ready == ()
    state, result = run.retry(state, T0)
    assert result.error is not None and result.error.node_id == "Call"
    state, result = run.retry(run.with_data(state, {"variant": "B"}), T0)
    assert result.error is None and [t.node_id for t in result.ready] == ["Work_B"]
