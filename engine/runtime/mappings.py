"""Input and output mappings run around an element (Camunda 8's ``zeebe:ioMapping``),
a decision's ``resultVariable``, and a call activity that gives back only its
outputs (``propagateAllChildVariables="false"``).

The mappings are Dealflow's own data (``Around``, one per element, kept in the spec
text beside the forms); nothing of them is in SpiffWorkflow's spec. The runner hangs
them on each task spec's events, which SpiffWorkflow emits at the right moments:

- ``update_event``, when a task takes its data from the one before it (before a call
  activity copies that data into the called process): the inputs are assigned;
- ``completed_event``, when the task has its final data (a form's values, a worker's
  variables, the called process's data, a decision's outputs) and before the next
  task takes it: the decision's result variable and the outputs are assigned, and
  every input goes back to what it was before the element — unless the element
  changed it — as an input is the element's own variable in Camunda 8.

Every source is FEEL (checked at validation; the script engine translates it into
Dealflow's language and reads a missing field as null, as FEEL does) or an expression
of Dealflow's language, evaluated by the workflow's script engine: never Python.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass

from SpiffWorkflow.dmn.specs.business_rule_task_mixin import BusinessRuleTaskMixin
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask

__all__ = ["Around", "attach"]

_INPUTS = "dealflow_inputs"  # task.internal_data: top-level variable -> the value the inputs gave it


@dataclass(frozen=True)
class Around:
    """What runs around one element. Sources are Dealflow expressions."""

    inputs: tuple[tuple[str, str], ...] = ()
    outputs: tuple[tuple[str, str], ...] = ()
    propagate: bool = True  # a call activity: False gives back only the outputs
    result_variable: str | None = None  # a business rule task: the decision's result, whole
    # Camunda 7's camunda:mapDecisionResult (collectEntries, singleEntry, singleResult,
    # resultList) shapes the result; None: Camunda 8's shape (_decision_result)
    result_map: str | None = None

    def to_dict(self) -> dict:
        return {"inputs": [list(i) for i in self.inputs], "outputs": [list(o) for o in self.outputs],
                "propagate": self.propagate, "result_variable": self.result_variable,
                "result_map": self.result_map}

    @classmethod
    def from_dict(cls, dct: dict) -> Around:
        return cls(tuple(tuple(i) for i in dct["inputs"]), tuple(tuple(o) for o in dct["outputs"]),
                   dct["propagate"], dct["result_variable"], dct.get("result_map"))


def attach(specs, around: dict[str, dict[str, Around]]) -> list:
    """Hang ``around`` (spec name -> node id -> Around) on the task specs of ``specs``
    (the process spec and its subprocess specs); returns the callbacks, which the
    caller keeps as long as the specs."""
    callbacks = []
    for spec in specs:
        for node_id, what in around.get(spec.name, {}).items():
            task_spec = spec.task_specs.get(node_id)
            if task_spec is None:
                continue
            before, after = _before(what), _after(what)
            task_spec.update_event.connect(before)
            task_spec.completed_event.connect(after)
            callbacks += [before, after]
    return callbacks


def _before(what: Around):
    def assign_inputs(workflow, task) -> None:
        if not what.inputs:
            return
        # In order, each seeing the ones before it (Camunda 8 reads its inputs as one FEEL
        # context, whose entries see the earlier ones: a connector's url = baseUrl + "/query");
        # a failing one fails the step, whose workflow the runner throws away.
        for target, source in what.inputs:
            _assign(task.data, target, _evaluate(task, source))
        task.internal_data[_INPUTS] = {key: deepcopy(task.data.get(key))
                                       for key in dict.fromkeys(t.split(".")[0] for t, _ in what.inputs)}
    return assign_inputs


def _after(what: Around):
    def assign_outputs(workflow, task) -> None:
        if what.result_variable is not None and isinstance(task.task_spec, BusinessRuleTaskMixin):
            task.data[what.result_variable] = _decision_result(task, what.result_map)
        outputs = [(target, _evaluate(task, source)) for target, source in what.outputs]
        before = task.parent.data if task.parent is not None else {}
        if not what.propagate and isinstance(task.task_spec, SubWorkflowTask):
            task.data = deepcopy(before)  # the called process's data stays there
        for key, given in task.internal_data.pop(_INPUTS, {}).items():
            if task.data.get(key) == given:  # unchanged by the element: the input was its own
                if key in before:
                    task.data[key] = deepcopy(before[key])
                else:
                    task.data.pop(key, None)
        for target, value in outputs:
            _assign(task.data, target, value)
    return assign_outputs


def _evaluate(task, source: str):
    return task.workflow.script_engine.evaluate(task, source)


def _assign(data: dict, target: str, value) -> None:
    """``customer.name`` sets the field of a record, making the records on the way."""
    *path, name = target.split(".")
    for key in path:
        inner = data.get(key)
        if not isinstance(inner, dict):
            inner = data[key] = {}
        else:
            inner = data[key] = dict(inner)  # task data is shared between tasks: copy, never mutate
        data = inner
    data[name] = deepcopy(value)


def _decision_result(task, result_map: str | None = None):
    """The decision's result as Camunda 8 stores it in ``resultVariable``: the output
    value (one output) or a record of them, or for a COLLECT table a list of those;
    null when no rule matched. With Camunda 7's ``result_map``: collectEntries, the
    list of the (first) output's values; singleEntry, one value; singleResult, one
    record; resultList, the list of records."""
    table = task.task_spec.dmnEngine.decision_table
    names = [output.name for output in table.outputs]
    if result_map is not None:
        rows = _matched_rows(task, names, (table.hit_policy or "").upper() == "COLLECT")
        if result_map == "collectEntries":
            return [row[names[0]] for row in rows]
        if result_map == "singleEntry":
            return rows[0][names[0]] if rows else None
        if result_map == "singleResult":
            return rows[0] if rows else None
        return rows
    if (table.hit_policy or "").upper() == "COLLECT":
        columns = [task.data.get(name) or [] for name in names]
        rows = list(zip(*columns))
        return [row[0] for row in rows] if len(names) == 1 else [dict(zip(names, row)) for row in rows]
    if not any(name in task.data for name in names):
        return None
    return task.data.get(names[0]) if len(names) == 1 else {name: task.data.get(name) for name in names}


def _matched_rows(task, names: list[str], collect: bool) -> list[dict]:
    """One record (output name -> value) per rule that matched."""
    if collect:
        return [dict(zip(names, row)) for row in zip(*(task.data.get(name) or [] for name in names))]
    if not any(name in task.data for name in names):
        return []
    return [{name: task.data.get(name) for name in names}]
