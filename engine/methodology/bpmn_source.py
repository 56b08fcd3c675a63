"""Reading BPMN 2.0 files: XML syntax and the facts Dealflow
needs (processes, flow nodes with their lanes and lines, sequence flows, forms,
and every expression written in them).

Files are untrusted, so the XML parser resolves no entities and fetches nothing.
Every fact keeps its ``sourceline`` so later checks can say ``path:line``. The check
against the BPMN XSD is ``bpmn_schema``; DMN files are read by ``dmn_source``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from lxml import etree

from engine.methodology.model import (INITIATOR, BpmnProcess, ExpressionSite, FlowNode, FormField, IoMapping,
                                      SequenceFlow, frozen_map)
from engine.methodology import adhoc, camunda_io, data_objects, due_dates, field_paths, zeebe
from engine.methodology.constructs import catches_messages, check_constructs, prefix_in_file, script_language_problem
from engine.methodology.problems import Problem, did_you_mean
from engine.methodology.service_tasks import implementation_of
from engine.methodology.variables import reads_and_sets

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
ACTIVITI = "http://activiti.org/bpmn"
FLOWABLE = "http://flowable.org/bpmn"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
# Camunda 7 grew out of Activiti, and Flowable out of Activiti too: the same
# attributes and form elements under three namespaces.
VENDORS = {CAMUNDA: "camunda", ACTIVITI: "activiti", FLOWABLE: "flowable"}
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"

FLOW_NODE_KINDS = frozenset({
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent",
    "boundaryEvent", "task", "userTask", "manualTask", "scriptTask", "serviceTask",
    "sendTask", "receiveTask", "businessRuleTask", "callActivity", "subProcess",
    "transaction", "exclusiveGateway", "parallelGateway", "inclusiveGateway",
    "eventBasedGateway", "complexGateway", adhoc.KIND,
})
CONTAINER_KINDS = frozenset({"subProcess", "transaction", adhoc.KIND})

# SpiffWorkflow names its own task specs like this; a flow node with the same id
# silently replaces one of them and the process never leaves its start.
RESERVED_IDS = frozenset({"Start", "End", "Root", "StartEventSplit", "StartEventJoin"})
RESERVED_SUFFIXES = (".EndJoin", ".BoundaryEventSplit", ".BoundaryEventJoin")


def _xml_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, remove_comments=True)


def parse_xml(path: str, data: bytes) -> tuple[etree._ElementTree | None, list[Problem]]:
    """The parsed document, or ``None`` and the syntax error at its line.

    A DOCTYPE is refused: modelers never write one, and although its entities are
    never expanded here, an entity reference left in element text breaks libxml2's
    schema validation ("Internal error in XML Schema validation") and hides text
    from every later check."""
    try:
        tree = etree.fromstring(data, _xml_parser()).getroottree()
    except etree.XMLSyntaxError as err:
        line = err.lineno or 1
        message = err.msg or str(err)
        message = re.sub(r",? line \d+, column \d+$", "", message)
        unclosed = re.match(r"Opening and ending tag mismatch: (\S+) line (\d+) and (\S+)", message)
        if unclosed and int(unclosed.group(2)) > 0:
            # libxml2 notices at the parent's end tag; the mistake is where the tag opened.
            tag, opened, closing = unclosed.groups()
            tag, closing = _as_written(data, tag), _as_written(data, closing)
            return None, [Problem(path, int(opened),
                                  f"XML syntax error: <{tag}> is never closed (line {line} closes "
                                  f"<{closing}> first); end it with '/>' or add </{tag}>")]
        return None, [Problem(path, line, f"XML syntax error: {message}")]
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        declared = re.search(rb"<!DOCTYPE", data)
        line = data.count(b"\n", 0, declared.start()) + 1 if declared else 1
        return None, [Problem(path, line, "a DOCTYPE (<!DOCTYPE ...>) is not allowed in BPMN and DMN files: "
                                          "remove it, and write any entity (&name;) as the text it stands for")]
    _drop_spiff_arena_leftovers(tree.getroot())
    return tree, []


def _drop_spiff_arena_leftovers(root) -> None:
    """spiff-arena's modeler writes a ``messageRef`` attribute on a message start event
    itself (often ``"[object Object]"``), which the BPMN schema does not allow; the
    event's messageEventDefinition says which message it waits for, so the attribute
    is dropped, unambiguously."""
    for event in root.iter(f"{{{BPMN}}}startEvent"):
        if event.get("messageRef") is not None and event.find(f"{{{BPMN}}}messageEventDefinition") is not None:
            del event.attrib["messageRef"]


def _as_written(data: bytes, local: str) -> str:
    """``bpmn:endEvent`` for libxml2's ``endEvent``: the tag with the prefix the file uses."""
    found = re.search(rb"<([\w.-]+:)?" + re.escape(local.encode()) + rb"[\s/>]", data)
    return (found.group(1) or b"").decode("utf-8", "replace") + local if found else local


@dataclass
class BpmnFacts:
    """What one BPMN file defines."""

    path: str
    processes: dict[str, BpmnProcess] = field(default_factory=dict)
    expressions: list[ExpressionSite] = field(default_factory=list)
    decision_refs: list[tuple[str, int, str]] = field(default_factory=list)  # (decision id, line, task id)
    call_refs: list[tuple[str, int, str]] = field(default_factory=list)  # (called process id, line, call activity id)
    # (FEEL as written, its Dealflow expression, line, call activity id): the process chosen when reached
    expression_calls: list[tuple[str, str, int, str]] = field(default_factory=list)
    result_variables: dict[str, str] = field(default_factory=dict)  # business rule task -> its resultVariable
    # business rule task -> Camunda 7's camunda:mapDecisionResult (its resultVariable's shape)
    result_maps: dict[str, str] = field(default_factory=dict)
    io_mappings: dict[str, IoMapping] = field(default_factory=dict)  # node id -> zeebe:ioMapping
    problems: list[Problem] = field(default_factory=list)
    sets: set[str] = field(default_factory=set)  # variables set besides forms (multi-instance items)
    form_refs: list[tuple[str, str, int]] = field(default_factory=list)  # (task id, Camunda Form id, line)
    task_headers: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)  # zeebe:taskHeaders
    reads: set[str] = field(default_factory=set)  # variables read besides expressions (collections)
    catches_messages: bool = False  # a message from outside may set any variable the process reads
    # message name -> its zeebe:subscription correlationKey as written (FEEL, or a fixed text)
    correlation_keys: dict[str, str] = field(default_factory=dict)
    # (line, element id, data object id, name, writes?) of each association with a data object
    data_associations: list[tuple[int, str, str, str, bool]] = field(default_factory=list)


def _local(el) -> str:
    tag = el.tag  # etree.QName(el).localname, without building a QName for every element
    return tag[tag.rfind("}") + 1:] if isinstance(tag, str) else ""


def _bpmn(el, name):
    return list(el.iterchildren(f"{{{BPMN}}}{name}"))  # el.findall(...), without ElementPath


def read_bpmn(path: str, tree: etree._ElementTree) -> BpmnFacts:
    facts = BpmnFacts(path=path)
    root = tree.getroot()
    if root.tag != f"{{{BPMN}}}definitions":
        facts.problems.append(Problem(path, root.sourceline or 1,
                                      f"not a BPMN 2.0 file: the root element is <{etree.QName(root).localname}>, "
                                      "expected <bpmn:definitions>"))
        return facts
    flow_ids = missing_flow_ids(root)
    facts.problems += check_constructs(path, root)
    facts.catches_messages = catches_messages(root)
    for process in _bpmn(root, "process"):
        pid = process.get("id")
        if not pid:
            continue  # the XSD already reports the missing id
        lanes = _lanes(process)
        nodes: dict[str, FlowNode] = {}
        flows: list[SequenceFlow] = []
        _walk(facts, process, None, None, lanes, nodes, flows, flow_ids)
        facts.processes[pid] = BpmnProcess(
            id=pid, name=process.get("name") or pid, path=path, line=process.sourceline,
            executable=process.get("isExecutable", "false") == "true",
            nodes=frozen_map(nodes), flows=tuple(flows),
            lanes=tuple(dict.fromkeys(lanes.values())))
    facts.data_associations = data_objects.associations(root)
    zeebe.check_subscriptions(facts, root)
    embedded = zeebe.embedded_forms(path, root)
    for form in embedded.values():
        facts.problems += form.problems
        facts.expressions += form.expressions
    facts.problems += zeebe.attach_forms(facts, embedded, embedded=True)
    if facts.processes:
        reads = frozenset(facts.reads).union(*(reads_and_sets(site)[0] for site in facts.expressions))
        facts.processes = {pid: replace(p, reads=reads) for pid, p in facts.processes.items()}
    return facts


def _lanes(process) -> dict[str, str]:
    """flow node id -> lane name, for every (nested) lane of the process."""
    result = {}
    for lane in process.iter(f"{{{BPMN}}}lane"):
        name = lane.get("name") or lane.get("id")
        for ref in _bpmn(lane, "flowNodeRef"):
            if ref.text:
                result[ref.text.strip()] = name
    return result


def missing_flow_ids(root) -> dict:
    """A stable id for every sequence flow written without one (element -> id).

    SpiffWorkflow drops such a flow silently, and with it whatever it leads to; the
    engine gives it ``Flow_<source>_<target>`` before parsing, so it runs."""
    unnamed = [el for el in root.iter(f"{{{BPMN}}}sequenceFlow") if not el.get("id")]
    if not unnamed:
        return {}
    taken = set(root.xpath("//@id"))
    result = {}
    for el in unnamed:
        result[el] = fresh_id(re.sub(r"[^\w.-]", "_", f"Flow_{el.get('sourceRef', '')}_{el.get('targetRef', '')}"),
                              taken)
    return result


def fresh_id(base: str, taken: set) -> str:
    """``base``, or ``base_2``, ``base_3``… whichever ``taken`` lacks; added to it."""
    ident, n = base, 1
    while ident in taken:
        n += 1
        ident = f"{base}_{n}"
    taken.add(ident)
    return ident


def _walk(facts: BpmnFacts, container, parent_id, parent_lane, lanes, nodes, flows, flow_ids) -> None:
    for el in container:
        kind = _local(el)
        if kind == "sequenceFlow":
            flows.append(_sequence_flow(facts, el, flow_ids.get(el)))
        elif kind in FLOW_NODE_KINDS and el.get("id"):
            # Lanes list top-level nodes; what is inside a subprocess runs in its lane.
            if el.get("id") in RESERVED_IDS or el.get("id").endswith(RESERVED_SUFFIXES):
                facts.problems.append(Problem(
                    facts.path, el.sourceline,
                    f"the id '{el.get('id')}' is reserved by the workflow engine; rename it "
                    f"(e.g. '{kind[0].upper() + kind[1:]}_{el.get('id')}')"))
            lane = lanes.get(el.get("id"), parent_lane)
            node = _flow_node(facts, el, kind, parent_id, lane)
            nodes[node.id] = node
            if kind in CONTAINER_KINDS:
                _walk(facts, el, node.id, lane, lanes, nodes, flows, flow_ids)


# A multi-instance task's collection is the name of a list in the task data; Camunda
# writes it as an expression, ${name}: that simple form is read as the name.
_COLLECTION_NAME = re.compile(r"^\s*[$#]\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\s*$")


def multi_instance_collection(loop) -> str | None:
    """The collection a multi-instance task runs over, as a variable name (or the
    attribute as written when it is not a plain name)."""
    for ns in VENDORS:
        value = loop.get(f"{{{ns}}}collection")
        if value is not None:
            match = _COLLECTION_NAME.match(value)
            return match.group(1) if match else value.strip()
    return None


def _multi_instance(facts: BpmnFacts, el, node_id: str) -> None:
    for loop in _bpmn(el, "multiInstanceLoopCharacteristics"):
        for part, what in (("loopCardinality", "loop cardinality"), ("completionCondition", "completion condition")):
            for expr in _bpmn(loop, part):
                facts.expressions.append(ExpressionSite(
                    facts.path, expr.sourceline, f"{what} of '{node_id}'", (expr.text or "").strip(), node=node_id))
        for ns in VENDORS:
            if loop.get(f"{{{ns}}}elementVariable"):
                facts.sets.add(loop.get(f"{{{ns}}}elementVariable"))
        collection = multi_instance_collection(loop)
        if collection is not None:
            facts.reads.add(collection)
        if collection is not None and not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", collection):
            facts.problems.append(Problem(
                facts.path, loop.sourceline,
                f"multi-instance task '{node_id}' runs over collection {collection!r}, which is not a variable "
                "name: Dealflow runs a task once per item of a list in the task data; compute the list in a "
                "form field or a script task and name it, e.g. camunda:collection=\"weekdays\""))


def _sequence_flow(facts: BpmnFacts, el, generated_id: str | None) -> SequenceFlow:
    flow_id = el.get("id") or generated_id or f"(line {el.sourceline})"
    condition = None
    for cond in _bpmn(el, "conditionExpression"):
        condition = (cond.text or "").strip()
        facts.expressions.append(ExpressionSite(
            facts.path, cond.sourceline, f"condition of sequence flow '{flow_id}'", condition,
            node=el.get("sourceRef") or None))
    return SequenceFlow(flow_id, el.get("sourceRef", ""), el.get("targetRef", ""),
                        el.sourceline, condition)


def _flow_node(facts: BpmnFacts, el, kind, parent_id, lane) -> FlowNode:
    node_id = el.get("id")
    docs = " ".join((d.text or "").strip() for d in _bpmn(el, "documentation")).strip()
    for timer in el.iter(f"{{{BPMN}}}timerEventDefinition"):
        if not any(_bpmn(timer, part) for part in ("timeDuration", "timeDate", "timeCycle")):
            facts.problems.append(Problem(facts.path, timer.sourceline or el.sourceline, (
                f"timer of '{node_id}' names no time: give it a timeDuration (how long to wait, e.g. P3D), a "
                "timeDate (until when) or a timeCycle")))
        for part in ("timeDuration", "timeDate", "timeCycle"):
            for expr in _bpmn(timer, part):
                facts.expressions.append(ExpressionSite(
                    facts.path, expr.sourceline, f"timer {part} of '{node_id}'", (expr.text or "").strip(),
                    node=node_id))
    _multi_instance(facts, el, node_id)
    language = script_language_problem(facts.path, el, kind)
    if language is not None:
        facts.problems.append(language)
    elif kind == "scriptTask":
        for script in _bpmn(el, "script"):
            facts.expressions.append(ExpressionSite(
                facts.path, script.sourceline, f"script of '{node_id}'", script.text or "", is_script=True,
                node=node_id))
    due_date = el.get(f"{{{CAMUNDA}}}dueDate")
    if kind == "userTask" and due_date is not None:
        reason = due_dates.problem_with(due_date)
        if reason:
            facts.problems.append(Problem(facts.path, el.sourceline, f"user task '{node_id}': {reason}"))
    decision_ref = decision_ref_of(el)
    if kind == "businessRuleTask" and decision_ref:
        facts.decision_refs.append((decision_ref, el.sourceline, node_id))
        _camunda_7_result(facts, el, node_id)
    zeebe.read_extensions(facts, el, kind, node_id)
    camunda_io.read_mappings(facts, el, kind, node_id)
    external = implementation_of(el)
    if kind == adhoc.KIND:
        problems, expressions, sets = adhoc.check(facts.path, el)
        facts.problems += problems
        facts.expressions += expressions
        facts.sets |= sets
        # its worker gives what is read once the worker has run: its outputs, outputElement, completionCondition
        after = [site for site in facts.expressions if site.node == node_id and not site.where.startswith("input")]
        external = adhoc.job_of(el, frozenset().union(*(reads_and_sets(site)[0] for site in after)))
    assignee, users, groups, computed = (None, (), (), ())
    if kind == "userTask":
        assignee, users, groups, computed = zeebe.assignment(facts, el, node_id) or _assignment(facts, el, node_id)
    return FlowNode(
        id=node_id, kind=kind, name=el.get("name") or node_id, line=el.sourceline,
        lane=lane, parent=parent_id, documentation=docs,
        form=_checked_form(facts, el, node_id) if kind == "userTask" or (kind == "startEvent" and not parent_id)
        else (),
        attached_to=el.get("attachedToRef"), interrupting=el.get("cancelActivity", "true").strip() in ("true", "1"),
        decision_ref=decision_ref, due_date=due_date,
        assignee=assignee, candidate_users=users, candidate_groups=groups, assignment_expressions=computed,
        default_flow=el.get("default"),
        external=external)


_RESULT_MAPS = ("resultList", "collectEntries", "singleEntry", "singleResult")


def _camunda_7_result(facts: BpmnFacts, el, node_id: str) -> None:
    """``camunda:resultVariable`` of a business rule task: the decision's result also
    goes whole into that variable, shaped by ``camunda:mapDecisionResult`` (Camunda's
    default, resultList: a list of records, one per matched rule)."""
    found = vendor_attribute(el, "resultVariable")
    if found is None or not found[1].strip():
        return
    name = found[1].strip()
    mapped = vendor_attribute(el, "mapDecisionResult")
    shape = mapped[1].strip() if mapped else "resultList"
    if shape not in _RESULT_MAPS:
        facts.problems.append(Problem(facts.path, el.sourceline, (
            f"business rule task '{node_id}': {mapped[0]}=\"{shape}\" is not one of {', '.join(_RESULT_MAPS)}")))
        return
    facts.result_variables[node_id] = name
    facts.result_maps[node_id] = shape
    facts.sets.add(name)


def vendor_attribute(el, name: str) -> tuple[str, str] | None:
    """(``prefix:name`` as a designer reads it, value) of a Camunda, Activiti or
    Flowable attribute, whichever namespace the file uses."""
    for namespace in VENDORS:
        value = el.get(f"{{{namespace}}}{name}")
        if value is not None:
            return f"{prefix_in_file(el, namespace)}:{name}", value
    return None


def decision_ref_of(el) -> str | None:
    """The decision a business rule task calls: ``camunda:decisionRef`` (also under
    the Activiti/Flowable namespaces), SpiffWorkflow's ``calledDecisionId`` or Camunda 8's
    ``zeebe:calledDecision decisionId``."""
    found = vendor_attribute(el, "decisionRef")
    if found is not None:
        return found[1].strip() or None
    called = zeebe.extension(el, f"{{{SPIFF}}}calledDecisionId")
    if called is not None:
        return (called.text or "").strip() or None
    return zeebe.called_decision(el)


_INITIATOR = re.compile(r"^(?:[$#]\{\s*initiator\s*\}|\$INITIATOR)$")
# Items of a comma-separated list; an expression's own commas stay inside it.
_LIST_ITEM = re.compile(r"(?:[^,$#]|[$#]\{[^}]*\}?|[$#])+")
_EXPRESSION = re.compile(r"[$#]\{[^{}]*\}")


def _assignment(facts: BpmnFacts, el, node_id: str) -> tuple[str | None, tuple[str, ...], tuple[str, ...],
                                                              tuple[tuple[str, str], ...]]:
    """``assignee``, ``candidateUsers`` and ``candidateGroups`` of a user task:
    literal names (mapped by the routing file) or INITIATOR, and the expressions
    (``${approverGroups}``) evaluated from the task's data when it is reached, each
    checked like a condition (an ExpressionSite)."""
    values: dict[str, tuple[str, ...]] = {}
    computed: list[tuple[str, str]] = []
    for attribute in ("assignee", "candidateUsers", "candidateGroups"):
        found = vendor_attribute(el, attribute)
        if found is None:
            continue
        written, value = found
        items = [value.strip()] if attribute == "assignee" else [m.strip() for m in _LIST_ITEM.findall(value)]
        names = []
        for item in filter(None, items):
            if _INITIATOR.match(item):
                names.append(INITIATOR)
            elif _EXPRESSION.fullmatch(item):
                computed.append((attribute, item))
                facts.expressions.append(ExpressionSite(
                    facts.path, el.sourceline, f"{written} of user task '{node_id}'", item, node=node_id))
            elif "{" in item or item.startswith("$"):
                facts.problems.append(Problem(
                    facts.path, el.sourceline,
                    f"user task '{node_id}': {written}=\"{value}\" mixes names and an expression; write "
                    "either names the routing file maps ('groups:' or 'users:') or one expression "
                    "${...} per name, e.g. ${approverGroups}"))
            else:
                names.append(item)
        values[attribute] = tuple(names)
    assignee = values.get("assignee", ())
    return (assignee[0] if assignee else None, values.get("candidateUsers", ()),
            values.get("candidateGroups", ()), tuple(computed))


# Task data keys that SpiffWorkflow's serializer reads as its own markers.
RESERVED_FIELD_IDS = frozenset({"typename"})
QUESTIONNAIRE_FIELD_IDS = frozenset({"score", "score_class"})  # what an answered questionnaire sets


_VENDOR_ORDER = {namespace: i for i, namespace in enumerate(VENDORS)}
_FORM_TAGS = {name: {f"{{{namespace}}}{name}": i for namespace, i in _VENDOR_ORDER.items()}
              for name in ("formField", "formProperty")}


def _vendor_iter(el, name: str) -> list:
    """Every ``name`` element under ``el`` of each vendor's namespace in turn (Camunda's,
    then Activiti's, then Flowable's), each in document order — in one walk of ``el``."""
    order = _FORM_TAGS[name]
    return sorted(el.iter(*order), key=lambda found: order[found.tag])


def _namespace(el) -> str:
    tag = el.tag  # etree.QName(el).namespace, of an element whose tag has one
    return tag[1:tag.index("}")]


def _form(task, properties: list) -> tuple[FormField, ...]:
    fields = []
    for ff in _vendor_iter(task, "formField"):
        namespace = _namespace(ff)
        constraint, value = f"{{{namespace}}}constraint", f"{{{namespace}}}value"
        parts = list(ff.iter(constraint, value))  # both in one walk of the field
        constraints = {c.get("name"): c.get("config") for c in parts if c.tag == constraint}
        choices = tuple((v.get("id", ""), v.get("name") or v.get("id", ""))
                        for v in parts if v.tag == value)
        fields.append(FormField(
            id=ff.get("id", ""), label=ff.get("label") or field_paths.label_of(ff.get("id", "")),
            type=ff.get("type", "string"), line=ff.sourceline,
            default=ff.get("defaultValue"), required="required" in constraints,
            minimum=constraints.get("min", constraints.get("minlength")),
            maximum=constraints.get("max", constraints.get("maxlength")),
            choices=choices))
    fields += [_form_property(fp) for fp in properties]
    return tuple(fields)


def _form_property(fp) -> FormField:
    """An older Camunda/Activiti/Flowable ``formProperty``: the value is stored
    under ``variable`` when given, else under ``id``."""
    namespace = _namespace(fp)
    ident = fp.get("variable") or fp.get("id", "")
    choices = tuple((v.get("id", ""), v.get("name") or v.get("id", ""))
                    for v in fp.iter(f"{{{namespace}}}value"))
    return FormField(
        id=ident, label=fp.get("name") or field_paths.label_of(ident), type=fp.get("type", "string"), line=fp.sourceline,
        default=fp.get("default"), required=fp.get("required", "false").strip() == "true", choices=choices)


_MAY_SPLIT = frozenset({"exclusiveGateway", "parallelGateway", "inclusiveGateway",
                        "eventBasedGateway", "complexGateway", "startEvent"})


def check_flows(facts: BpmnFacts) -> list[Problem]:
    """Sequence flows the engine could not follow, named before SpiffWorkflow sees
    them (it reports a dangling flow as "perhaps a form has the same ID?", and
    several flows out of a task without saying which task)."""
    problems = []
    for process in facts.processes.values():
        outgoing: dict[str, list[str]] = {}
        conditions = {flow.id: flow.condition for flow in process.flows}
        lines = {flow.id: flow.line for flow in process.flows}
        for flow in process.flows:
            for end, ref in (("comes from", flow.source), ("goes to", flow.target)):
                if ref not in process.nodes:
                    problems.append(Problem(
                        facts.path, flow.line,
                        f"sequence flow '{flow.id}' {end} '{ref}', which process '{process.id}' "
                        f"does not have{did_you_mean(ref, process.nodes)}"))
            outgoing.setdefault(flow.source, []).append(flow.id)
        for node_id, flows in outgoing.items():
            node = process.nodes.get(node_id)
            if node is not None and len(flows) > 1 and node.kind not in _MAY_SPLIT:
                problems.append(Problem(
                    facts.path, node.line,
                    f"{node.kind} '{node_id}' has {len(flows)} outgoing sequence flows "
                    f"({', '.join(repr(f) for f in flows)}); the engine follows one flow out of a "
                    "task or event: put an exclusive gateway (to choose) or a parallel gateway "
                    "(to do both) after it"))
            if node is not None and len(flows) > 1 and node.kind == "exclusiveGateway":
                for flow_id in flows:
                    if not conditions.get(flow_id) and flow_id != node.default_flow:
                        problems.append(Problem(
                            facts.path, lines[flow_id],
                            f"sequence flow '{flow_id}' leaves exclusive gateway '{node_id}' with no condition "
                            f"and is not its default, so the gateway could never choose it: give it a "
                            f"condition, or make it the default (default=\"{flow_id}\" on the gateway)"))
    return problems


def _checked_form(facts: BpmnFacts, el, node_id: str) -> tuple[FormField, ...]:
    properties = _vendor_iter(el, "formProperty")
    form = _form(el, properties)
    seen: set[str] = set()
    for form_field in form:
        if not form_field.id:
            facts.problems.append(Problem(facts.path, form_field.line, f"a form field of '{node_id}' has no id"))
        elif form_field.variable in RESERVED_FIELD_IDS or form_field.id.startswith("_"):
            facts.problems.append(Problem(facts.path, form_field.line,
                                          f"form field id '{form_field.id}' of '{node_id}' is reserved; rename it"))
        elif form_field.variable in QUESTIONNAIRE_FIELD_IDS:
            facts.problems.append(Problem(facts.path, form_field.line, (
                f"form field id '{form_field.id}' of '{node_id}' is reserved: a questionnaire's score and "
                "class are stored as score and score_class; rename it")))
        elif field_paths.path_problem(form_field.id):
            facts.problems.append(Problem(facts.path, form_field.line, f"form field of '{node_id}': "
                                          + field_paths.path_problem(form_field.id)))
        elif form_field.id in seen:
            facts.problems.append(Problem(facts.path, form_field.line,
                                          f"form field '{form_field.id}' appears twice in the form of '{node_id}'"))
        seen.add(form_field.id)
        if form_field.type == "enum" and not form_field.choices:
            facts.problems.append(Problem(facts.path, form_field.line,
                                          f"enum field '{form_field.id}' of '{node_id}' has no camunda:value choices"))
    for fp in properties:
        if fp.get("expression"):
            facts.problems.append(Problem(
                facts.path, fp.sourceline,
                f"form property '{fp.get('id', '')}' of '{node_id}' takes its value from the expression "
                f"{fp.get('expression')}, which Dealflow does not evaluate in forms; remove expression= "
                "(the field then shows and stores its own value)"))
    return form
