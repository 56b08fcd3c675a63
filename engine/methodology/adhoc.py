"""Ad-hoc subprocesses (``bpmn:adHocSubProcess``) as Camunda 8 defines them: what one
says, and what Dealflow refuses in one, at its line.

An ad-hoc subprocess holds activities no sequence flow leads into; which of them run
is decided while it runs (engine.runtime.adhoc): by ``zeebe:adHoc
activeElementsCollection`` — an expression giving the ids to activate when it is
entered — or by a job worker (``zeebe:taskDefinition``), whose job (an external
task, node ``<id>__adhoc_job``) is completed with Camunda's job result as variables:
``activateElements``, ``isCompletionConditionFulfilled``, ``isCancelRemainingInstances``.
``completionCondition`` and ``cancelRemainingInstances`` end it early;
``outputCollection``/``outputElement`` gather what each activation gave.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from engine.methodology.model import ExpressionSite, ExternalImplementation
from engine.methodology.problems import Problem

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
ZEEBE = "http://camunda.org/schema/zeebe/1.0"
KIND = "adHocSubProcess"
JOB_SUFFIX = "__adhoc_job"  # the node id of an ad-hoc subprocess's job: "<its id>__adhoc_job"
ACTIVATE, FULFILLED, CANCEL_REMAINING = "activateElements", "isCompletionConditionFulfilled", \
    "isCancelRemainingInstances"
JOB_RESULT = (ACTIVATE, FULFILLED, CANCEL_REMAINING)
_LITERAL_LIST = re.compile(r'^\s*=\s*\[\s*(?:"[^"]*"\s*(?:,\s*"[^"]*"\s*)*)?\]\s*$')
_NOT_ACTIVATED = frozenset({"boundaryEvent", "sequenceFlow", "association", "textAnnotation", "dataObject",
                            "dataObjectReference", "dataStoreReference", "group", "documentation",
                            "extensionElements", "completionCondition", "incoming", "outgoing", "laneSet",
                            "multiInstanceLoopCharacteristics", "standardLoopCharacteristics",
                            "ioSpecification", "dataInputAssociation", "dataOutputAssociation", "property"})


@dataclass(frozen=True)
class AdHocFacts:
    elements: tuple[str, ...]  # the ids it may activate: its flow nodes that no flow leads into
    job_type: str | None
    retries: int
    active_elements: str | None
    completion_condition: str | None
    cancel_remaining: bool
    output_collection: str | None
    output_element: str | None
    ordering: str


def _local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def ad_hoc_facts(el) -> AdHocFacts:
    """What the ad-hoc subprocess ``el`` says, as written."""
    targets = {flow.get("targetRef") for flow in el.findall(f"{{{BPMN}}}sequenceFlow")}
    elements = tuple(child.get("id") for child in el if isinstance(child.tag, str) and child.get("id")
                     and etree.QName(child).namespace == BPMN and _local(child) not in _NOT_ACTIVATED
                     and child.get("triggeredByEvent") != "true" and child.get("id") not in targets)
    ad_hoc = el.find(f"{{{BPMN}}}extensionElements/{{{ZEEBE}}}adHoc")
    definition = el.find(f"{{{BPMN}}}extensionElements/{{{ZEEBE}}}taskDefinition")
    condition = el.find(f"{{{BPMN}}}completionCondition")

    def attribute(node, name):
        value = node.get(name) if node is not None else None
        return value.strip() if value is not None and value.strip() else None

    retries = attribute(definition, "retries")
    return AdHocFacts(
        elements=elements,
        job_type=attribute(definition, "type"),
        retries=int(retries) if retries is not None and retries.isdigit() and int(retries) <= 100 else 3,
        active_elements=attribute(ad_hoc, "activeElementsCollection"),
        completion_condition=(condition.text or "").strip() or None if condition is not None else None,
        cancel_remaining=(el.get("cancelRemainingInstances") or "true").strip() != "false",
        output_collection=attribute(ad_hoc, "outputCollection"),
        output_element=attribute(ad_hoc, "outputElement"),
        ordering=(el.get("ordering") or "Parallel").strip())


def job_of(el, reads: frozenset[str] = frozenset()) -> ExternalImplementation | None:
    """The external task of an ad-hoc subprocess driven by a job worker, or None. Its
    worker may set the job result's variables, what the subprocess's output mappings
    set, and ``reads``: what is read after it ran (the output mappings' sources, the
    outputElement and completionCondition), which the worker or the variables it
    gives an activated element provide."""
    facts = ad_hoc_facts(el)
    if facts.job_type is None:
        return None
    outputs = [o.get("target") for o in el.findall(f"{{{BPMN}}}extensionElements/{{{ZEEBE}}}ioMapping/"
                                                     f"{{{ZEEBE}}}output")]
    return ExternalImplementation(el.get("id", "") + JOB_SUFFIX, el.sourceline or 1, "zeebe:taskDefinition type",
                                  facts.job_type, facts.job_type, facts.retries,
                                  tuple(dict.fromkeys((*JOB_RESULT, *(o.strip() for o in outputs if o),
                                                       *sorted(reads)))))


def check(path: str, el) -> tuple[list[Problem], list[ExpressionSite], set[str]]:
    """(problems, expressions to check, variables it sets) of the ad-hoc subprocess ``el``."""
    node_id = el.get("id", "")
    facts = ad_hoc_facts(el)
    line = el.sourceline or 1
    problems: list[Problem] = []
    expressions: list[ExpressionSite] = []
    name = f"ad-hoc subprocess '{node_id}'"
    if facts.ordering.lower() != "parallel":
        problems.append(Problem(path, line, f"{name} has ordering=\"{facts.ordering}\": Dealflow runs the "
                                            "activities of an ad-hoc subprocess side by side, as Camunda 8 "
                                            "does; leave ordering out (Parallel)"))
    for child in el:
        if _local(child) == "startEvent":
            problems.append(Problem(path, child.sourceline or line, (
                f"{name} contains start event '{child.get('id')}': nothing starts an ad-hoc subprocess's "
                "activities but its activeElementsCollection or its job worker; remove the start event")))
    if facts.job_type is None and facts.active_elements is None:
        problems.append(Problem(path, line, (
            f"{name} says neither which activities to run nor who decides: give it "
            "<zeebe:adHoc activeElementsCollection=\"=[&quot;TaskId&quot;]\"/> or a job worker "
            "(<zeebe:taskDefinition type=\"...\"/>, as Camunda's AI Agent)")))
    if facts.job_type is not None and facts.active_elements is not None:
        problems.append(Problem(path, line, (
            f"{name} has both a job worker (zeebe:taskDefinition) and an activeElementsCollection: with a "
            "job worker the worker decides what runs; remove one of them")))
    if facts.job_type is not None and facts.job_type.startswith("="):
        problems.append(Problem(path, line, (
            f"{name}: its job type {facts.job_type!r} is an expression: Dealflow's workers fetch tasks by a "
            "fixed topic; write the type itself")))
    if facts.output_element is not None and facts.output_collection is None:
        problems.append(Problem(path, line, (
            f"{name} has an outputElement but no outputCollection to gather it in: add "
            "outputCollection=\"results\" to its zeebe:adHoc")))
    if not facts.elements:
        problems.append(Problem(path, line, f"{name} holds no activity that could be activated (one that no "
                                            "sequence flow leads into)"))
    ad_hoc = el.find(f"{{{BPMN}}}extensionElements/{{{ZEEBE}}}adHoc")
    if facts.active_elements is not None and _LITERAL_LIST.match(facts.active_elements):
        for missing in [i for i in re.findall(r'"([^"]*)"', facts.active_elements) if i not in facts.elements]:
            problems.append(Problem(path, (ad_hoc.sourceline if ad_hoc is not None else None) or line, (
                f"{name}: its activeElementsCollection names '{missing}', which is not one of its activities "
                f"(those no flow leads into): {', '.join(facts.elements) or 'none'}")))
    condition = el.find(f"{{{BPMN}}}completionCondition")
    for text, where, at in ((facts.active_elements, "activeElementsCollection", ad_hoc),
                            (facts.output_element, "outputElement", ad_hoc),
                            (facts.completion_condition, "completionCondition", condition)):
        if text is not None:
            expressions.append(ExpressionSite(path, (at.sourceline if at is not None else None) or line,
                                              f"{where} of {name}", text, node=node_id))
    return problems, expressions, {facts.output_collection} if facts.output_collection else set()


def spec_owner(process, node) -> str | None:
    """The container whose workflow spec holds ``node``'s task spec: its embedded
    subprocess, or None for the process itself. An ad-hoc subprocess's elements are
    task specs of the process (or subprocess) around it."""
    owner = node.parent
    while owner is not None and process.nodes[owner].kind == KIND:
        owner = process.nodes[owner].parent
    return owner


def activatable(process, ad_hoc_id: str) -> frozenset[str]:
    """The ids of the activities ad-hoc subprocess ``ad_hoc_id`` of ``process`` may activate."""
    targets = {flow.target for flow in process.flows}
    return frozenset(n.id for n in process.nodes.values()
                     if n.parent == ad_hoc_id and n.kind != "boundaryEvent" and n.id not in targets)


def job_result_errors(process, node_id: str, variables) -> dict[str, str]:
    """Per variable, what is wrong with a worker's job result for the ad-hoc subprocess
    of ``process`` whose job is ``node_id`` — {} when it fits, or the task is no such job
    (of another process: the run checks it then)."""
    owner = process.nodes.get(node_id.removesuffix(JOB_SUFFIX)) if node_id.endswith(JOB_SUFFIX) else None
    if owner is None or owner.kind != KIND:
        return {}
    errors = {f"variables.{name}": "true or false" for name in (FULFILLED, CANCEL_REMAINING)
              if name in variables and not isinstance(variables[name], bool)}
    activate = variables.get(ACTIVATE)
    if activate is None:
        return errors
    if not isinstance(activate, list):
        errors[f"variables.{ACTIVATE}"] = 'a list of {"elementId": "...", "variables": {...}}'
        return errors
    elements = activatable(process, owner.id)
    for i, item in enumerate(activate):
        where = f"variables.{ACTIVATE}[{i}]"
        if not isinstance(item, dict) or set(item) - {"elementId", "variables"}:
            errors[where] = 'an object {"elementId": "...", "variables": {...}}'
        elif item.get("elementId") not in elements:
            errors[f"{where}.elementId"] = (f"{item.get('elementId')!r} is not an activity of ad-hoc subprocess "
                                            f"'{owner.id}'; it has {', '.join(sorted(elements))}")
        elif not isinstance(item.get("variables") or {}, dict):
            errors[f"{where}.variables"] = "an object: variable name -> value"
    return errors
