"""Hit policy UNIQUE as DMN defines it: at most one rule may match.

SpiffWorkflow 3.2's DMN engine stops at the first matching rule of a UNIQUE table,
so two overlapping rules silently give the first one's output — a mistake in the
table that Camunda reports as an error. Dealflow checks every rule of a UNIQUE table
and fails the business rule task when more than one matches; the failure becomes the
deal's visible error state like any failing expression, and names the rules."""

from __future__ import annotations

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine
from SpiffWorkflow.dmn.specs.model import HitPolicy


class UniqueCheckingEngine(DMNEngine):
    """A DMN engine that tries every rule of a UNIQUE table and refuses overlaps."""

    def decide(self, task):
        table = self.decision_table
        if table.hit_policy != HitPolicy.UNIQUE.value:
            return super().decide(task)
        # SpiffWorkflow keeps its one-rule check private; it is the same test as its own.
        matched = [rule for rule in table.rules if self._DMNEngine__check_rule(rule, task)]
        if len(matched) > 1:
            rows = ", ".join(str(rule.row_number) for rule in matched)
            raise WorkflowTaskException(
                f"decision table '{table.id}' has hit policy UNIQUE but its rules {rows} all match; "
                "make the rules' conditions exclusive, or use hit policy FIRST to take the first match",
                task=task)
        return matched


def check_unique_hit_policy(specs) -> None:
    """Give every business rule task of ``specs`` (workflow specs) the checking engine."""
    for spec in specs:
        for task_spec in spec.task_specs.values():
            engine = getattr(task_spec, "dmnEngine", None)
            if engine is not None and type(engine) is DMNEngine:
                task_spec.dmnEngine = UniqueCheckingEngine(engine.decision_table)
