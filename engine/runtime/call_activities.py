"""Call activities whose called process is an expression (Camunda 8's
``zeebe:calledElement processId="= &quot;phase_&quot; + variant"``), evaluated when the
call activity is reached.

The expression stays the task spec's ``spec`` (what SpiffWorkflow calls the called
process's name). The parser puts every process the expression could name among the
workflow's subprocess specs (``subprocess_names``); when the call activity is reached
the script engine evaluates the expression on the task's data (never Python), and a
value that names none of them fails the step like a failing script: the deal keeps
its state and shows the error on the call activity until someone retries it.
"""

from __future__ import annotations

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.defaults import CallActivity

from engine.expressions import feel
from engine.methodology.zeebe import candidates

__all__ = ["ExpressionCallActivity", "subprocess_names"]


def subprocess_names(called: str, process_ids) -> list[str]:
    """The processes a call activity's ``called`` (an id, or FEEL) may start."""
    if not feel.is_feel(called):
        return [called]
    return candidates(feel.translate(called, "called processes"), process_ids)


class ExpressionCallActivity(CallActivity):
    """A call activity; one whose called process is FEEL chooses it when reached."""

    def start_workflow(self, my_task):
        if not feel.is_feel(self.spec):
            return super().start_workflow(my_task)
        top = my_task.workflow.top_workflow
        name = my_task.workflow.script_engine.evaluate(my_task, self.spec)
        if not isinstance(name, str) or name not in top.subprocess_specs:
            known = ", ".join(sorted(top.subprocess_specs)) or "none"
            raise WorkflowTaskException(
                f"call activity '{self.bpmn_id}' calls process {name!r} ({self.spec.strip()}), which this "
                f"methodology does not deploy (its processes: {known}); correct the data it reads, or add "
                "that process's BPMN file to bpmn/, and retry", task=my_task)
        subworkflow = top.create_subprocess(my_task, name)
        subworkflow.completed_event.connect(self._on_subworkflow_completed, my_task)
        self.copy_data(my_task, subworkflow)
        subworkflow.get_next_task(spec_name="Start").run()
