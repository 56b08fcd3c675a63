"""Turning BPMN and DMN documents into SpiffWorkflow workflow specs.

This is the only place that calls SpiffWorkflow's parser. Its errors come back as
``SpecProblem`` values — the file, the offending element's id and, where
SpiffWorkflow knows it, the line — so that the validator can report them as
``path:line: message`` and the rest of Dealflow never sees a SpiffWorkflow type.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import SpiffWorkflow.bpmn.parser as spiff_parser
from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.specs.defaults import ManualTask
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.parser.task_spec import CamundaTaskParser
from SpiffWorkflow.bpmn.parser.task_parsers import CallActivityParser
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.exceptions import SpiffWorkflowException

from engine.methodology.bpmn_source import (BPMN, CAMUNDA, decision_ref_of, missing_flow_ids,
                                       multi_instance_collection)
from engine.methodology.service_tasks import END_JOB_SUFFIX, JOB_EVENTS, is_external
from engine.methodology.zeebe import called_process
from engine.runtime.adhoc import AdHocParser, AdHocTask
from engine.runtime.call_activities import ExpressionCallActivity, subprocess_names
from engine.runtime.messages import plain_messages


def bpmn_schema_folder() -> Path:
    """The folder of the OMG's BPMN 2.0 XSD files (BPMN20.xsd, Semantic.xsd...) that
    SpiffWorkflow ships: the methodology checks validate every file against them."""
    return Path(spiff_parser.__file__).parent / "schema"


@dataclass(frozen=True)
class SpecProblem:
    path: str
    message: str
    element_id: str = ""
    line: int | None = None


class _Parser(CamundaParser):
    """Camunda's parser, with every service task an external task: a task that waits,
    like a user task, until a worker completes it (engine.runtime.external); nothing
    runs in it. Send and business-rule tasks with an external implementation arrive
    here rewritten as service tasks (``_as_spiff_reads_it``). Ad-hoc subprocesses run
    as Camunda 8 runs them (engine.runtime.adhoc)."""

    OVERRIDE_PARSER_CLASSES = {**CamundaParser.OVERRIDE_PARSER_CLASSES,
                               full_tag("serviceTask"): (CamundaTaskParser, ManualTask),
                               full_tag("callActivity"): (CallActivityParser, ExpressionCallActivity),
                               full_tag("adHocSubProcess"): (AdHocParser, AdHocTask)}

    def get_subprocess_specs(self, name, specs=None, require_call_activity_specs=True):
        """SpiffWorkflow's, with a call activity choosing its process by an expression
        bringing every process it could name (engine.runtime.call_activities)."""
        used = specs if specs is not None else {}
        for task_spec in self.get_spec(name).task_specs.values():
            if not isinstance(task_spec, SubWorkflowTask):
                continue
            for called in subprocess_names(task_spec.spec, self.get_process_ids()):
                if called not in used:
                    used[called] = self.get_spec(called, required=require_call_activity_specs)
                    if used[called] is not None:
                        self.get_subprocess_specs(called, used, require_call_activity_specs)
        return used


class ProcessSpecs:
    """BPMN and DMN documents loaded into one SpiffWorkflow parser."""

    def __init__(self):
        # Validation against the XSD happens before, in the methodology checks,
        # where every violation (not just the first) is reported.
        self._parser = _Parser(validator=None)
        self.problems: list[SpecProblem] = []

    def add_bpmn(self, path: str, root) -> bool:
        """Add one parsed BPMN document; False (and a problem) if SpiffWorkflow refuses it."""
        return self._guard(path, lambda: self._parser.add_bpmn_xml(_as_spiff_reads_it(root), filename=path))

    def add_dmn(self, path: str, root) -> bool:
        """Add one DMN document; one with several decisions goes in as one document
        per decision (SpiffWorkflow reads only the first and then fails)."""
        return all(self._guard(path, lambda part=part: self._parser.add_dmn_xml(_for_spiffworkflow(part),
                                                                                 filename=path))
                   for part in _one_per_decision(root))

    def check_process(self, process_id: str, path: str) -> bool:
        """Build the spec of ``process_id`` (and what it calls); False with problems if that fails."""
        return self._guard(path, lambda: self.workflow_spec(process_id))

    def workflow_spec(self, process_id: str):
        """(spec, subprocess_specs) for ``BpmnWorkflow`` — for engine/runtime use only."""
        spec = self._parser.get_spec(process_id)
        subprocess_specs = self._parser.get_subprocess_specs(process_id)
        plain_messages(spec, *subprocess_specs.values())
        return spec, subprocess_specs

    def _guard(self, path: str, action) -> bool:
        try:
            action()
            return True
        except ValidationException as err:
            self.problems.append(SpecProblem(
                path=err.file_name or path, message=_first_line(err),
                element_id=getattr(err, "id", "") or "",
                line=err.line_number if isinstance(err.line_number, int) else None))
        except (SpiffWorkflowException, KeyError, AttributeError, ValueError, TypeError) as err:
            # SpiffWorkflow 3.2 lets some malformed input escape as bare Python
            # errors (a KeyError for a business rule task without decisionRef).
            self.problems.append(SpecProblem(
                path=path, message=f"SpiffWorkflow cannot load this file: {type(err).__name__}: {err}"))
        return False


def _as_spiff_reads_it(root):
    """A copy of the document with what SpiffWorkflow would drop made explicit: an
    id for each sequence flow written without one, the decision of a business rule
    task (Activiti/Flowable namespace, SpiffWorkflow's calledDecisionId, Camunda 8's
    zeebe:calledDecision) as camunda:decisionRef, the process of a call activity named
    the Camunda 8 way (zeebe:calledElement) as calledElement, no data stores (ignored, as
    Camunda does), a message's id as the name of a message that has none, and a
    multi-instance collection written ${name} (or under
    another vendor's namespace) as the plain camunda:collection name SpiffWorkflow
    reads. Element lines stay as they were."""
    flows = missing_flow_ids(root)
    rules = [el for el in root.iter(f"{{{BPMN}}}businessRuleTask")
             if el.get(f"{{{CAMUNDA}}}decisionRef") is None and decision_ref_of(el)]
    loops = {el: name for el in root.iter(f"{{{BPMN}}}multiInstanceLoopCharacteristics")
             if (name := multi_instance_collection(el)) is not None and el.get(f"{{{CAMUNDA}}}collection") != name}
    external = [el for kind in ("sendTask", "businessRuleTask", *JOB_EVENTS) for el in root.iter(f"{{{BPMN}}}{kind}")
                if is_external(el)]
    stores = _data_stores(root)
    unnamed = [el for el in root.iter(f"{{{BPMN}}}message") if el.get("id") and not (el.get("name") or "").strip()]
    calls = {el: called for el in root.iter(f"{{{BPMN}}}callActivity")
             if not (el.get("calledElement") or "").strip() and (called := called_process(el))}
    if not flows and not rules and not loops and not external and not stores and not unnamed and not calls:
        return root
    copied = copy.deepcopy(root)
    originals = list(root.iter())
    twin = dict(zip(originals, copied.iter()))
    for el, ident in flows.items():
        twin[el].set("id", ident)
    for el in rules:
        twin[el].set(f"{{{CAMUNDA}}}decisionRef", decision_ref_of(el))
    for el in external:  # done by a worker, like a service task
        _as_service_task(twin[el])
    for el, name in loops.items():  # ${items} or an Activiti/Flowable attribute: the plain name
        twin[el].set(f"{{{CAMUNDA}}}collection", name)
    for el in stores:
        twin[el].getparent().remove(twin[el])
    for el in unnamed:  # Camunda Modeler leaves the name out: senders name the message by its id
        twin[el].set("name", el.get("id"))
    for el, called in calls.items():  # Camunda 8's zeebe:calledElement processId
        twin[el].set("calledElement", called)
    return copied


def _as_service_task(el) -> None:
    """A send or business-rule task, or a Camunda 8 message throw with a job type,
    becomes the service task SpiffWorkflow makes wait for a worker; a message end
    event with a job type keeps its place and gets that service task in front of it
    (``<id>__job``, engine.methodology.service_tasks), so that the process ends there
    once the worker is done."""
    kind = etree.QName(el).localname
    for definition in el.findall(f"{{{BPMN}}}messageEventDefinition"):
        el.remove(definition)
    if kind != "endEvent":
        el.tag = f"{{{BPMN}}}serviceTask"
        return
    job_id = el.get("id") + END_JOB_SUFFIX
    process = el.getparent()
    for flow in process.iter(f"{{{BPMN}}}sequenceFlow"):
        if flow.get("targetRef") == el.get("id"):
            flow.set("targetRef", job_id)
    for incoming in el.findall(f"{{{BPMN}}}incoming"):
        el.remove(incoming)
    etree.SubElement(process, f"{{{BPMN}}}serviceTask", id=job_id, name=el.get("name") or el.get("id"))
    etree.SubElement(process, f"{{{BPMN}}}sequenceFlow", id=f"{job_id}_flow", sourceRef=job_id,
                     targetRef=el.get("id"))


def _data_stores(root) -> list:
    """The data stores and the data associations that read or write them: Camunda
    ignores them at run time and so does Dealflow (SpiffWorkflow would want an
    implementation for each)."""
    references = {el.get("id") for el in root.iter(f"{{{BPMN}}}dataStoreReference")}
    found = list(root.iter(f"{{{BPMN}}}dataStore"))
    for kind, end in (("dataInputAssociation", "sourceRef"), ("dataOutputAssociation", "targetRef")):
        for association in root.iter(f"{{{BPMN}}}{kind}"):
            if any((ref.text or "").strip() in references for ref in association.iter(f"{{{BPMN}}}{end}")):
                found.append(association)
    return found


_DMN_TABLE_PARTS = ("input", "output", "rule", "inputEntry", "outputEntry")


def _for_spiffworkflow(root):
    """``root`` as SpiffWorkflow's DMN parser reads it right: its decision tables'
    inputs, outputs, rules and entries each with an id (DMN makes them optional, and
    Camunda's own invoice example leaves empty entries without one; the parser raises
    KeyError('id')), and hit policy RULE ORDER as COLLECT — every matched rule's
    output, in rule order, which is what RULE ORDER means (SpiffWorkflow would take
    only the first)."""
    def missing(tree) -> list:
        return [el for el in tree.iter() if isinstance(el.tag, str)
                and etree.QName(el).localname in _DMN_TABLE_PARTS and not el.get("id")]

    rule_order = [el for el in root.iter() if isinstance(el.tag, str)
                  and etree.QName(el).localname == "decisionTable" and el.get("hitPolicy") == "RULE ORDER"]
    if not missing(root) and not rule_order:
        return root
    root = copy.deepcopy(root)  # the caller's document stays as written
    for table in root.iter(*{el.tag for el in rule_order}):
        if table.get("hitPolicy") == "RULE ORDER":
            table.set("hitPolicy", "COLLECT")
    taken = set(root.xpath("//@id"))
    for n, el in enumerate(missing(root)):
        ident = f"{etree.QName(el).localname}_{n + 1}"
        while ident in taken:
            ident += "_"
        taken.add(ident)
        el.set("id", ident)
    return root


def _one_per_decision(root) -> list:
    decisions = [el for el in root if isinstance(el.tag, str) and etree.QName(el).localname == "decision"]
    if len(decisions) < 2:
        return [root]
    parts = []
    for keep in range(len(decisions)):
        part = copy.deepcopy(root)
        mine = [el for el in part if isinstance(el.tag, str) and etree.QName(el).localname == "decision"]
        for i, el in enumerate(mine):
            if i != keep:
                part.remove(el)
        parts.append(part)
    return parts


def _first_line(err: Exception) -> str:
    text = str(err.args[0]) if err.args else str(err)
    return text.strip().splitlines()[0] if text.strip() else type(err).__name__
