"""Camunda 8 (Zeebe) extension elements of a BPMN flow node, read into Dealflow's
facts. Pure: lxml elements in, facts and ``path:line`` problems out.

- ``zeebe:assignmentDefinition`` — assignee, candidateGroups, candidateUsers: names
  mapped by the routing file like Camunda 7's ``camunda:assignee`` (a FEEL text
  literal ``="sales"`` or list ``=["a", "b"]`` is a name too); other FEEL is an
  expression evaluated from the task's data when the task is reached, its names then
  mapped by the routing like written ones;
- ``zeebe:formDefinition formId="…"`` — a Camunda Forms ``.form`` file in the
  methodology folder (attached by ``camunda_forms``), or ``formKey="camunda-forms:bpmn:…"``
  naming a form embedded in the file (``zeebe:userTaskForm``);
- ``zeebe:ioMapping`` — input and output mappings of any task, event, call
  activity or subprocess, each FEEL source translated here (``facts.io_mappings``)
  and run around the element by engine.runtime.mappings; with
  ``propagateAllChildVariables="false"`` a call activity gives back only its outputs;
- ``zeebe:taskHeaders`` — kept as data;
- ``zeebe:subscription correlationKey`` — checked and kept per message
  (``facts.correlation_keys``), evaluated when a catch begins to wait;
- ``zeebe:calledDecision decisionId="…" resultVariable="…"`` — the decision a
  business rule task evaluates, like ``camunda:decisionRef``; its result is also
  stored under ``resultVariable`` (``facts.result_variables``);
- ``zeebe:calledElement processId="…"`` — the called process, like BPMN's own
  ``calledElement`` (``called_process``); a process id given by a FEEL expression
  (``= "phase_" + variant``) is evaluated when the call activity is reached.
"""

from __future__ import annotations

import ast
import dataclasses
import re

from lxml import etree

from engine.errors import ExpressionError
from engine.expressions import feel
from engine.methodology.camunda_forms import CamundaForm, read_form
from engine.methodology.model import INITIATOR, ExpressionSite, IoMapping, frozen_map
from engine.methodology.problems import Problem

__all__ = ["ZEEBE", "assignment", "attach_forms", "called_decision", "called_element", "called_process", "candidates",
           "check_subscriptions",
           "read_extensions"]

ZEEBE = "http://camunda.org/schema/zeebe/1.0"
EMBEDDED_PREFIX = "camunda-forms:bpmn:"
_DECISION_NAMESPACES = ("http://camunda.org/schema/1.0/bpmn", "http://activiti.org/bpmn", "http://flowable.org/bpmn")
_FEEL_TEXT = re.compile(r'^\s*=\s*"([^"\\]*)"\s*$')
_FEEL_LIST = re.compile(r'^\s*=\s*\[\s*("[^"\\]*"\s*(?:,\s*"[^"\\]*"\s*)*)?\]\s*$')
_INITIATOR = re.compile(r"^\s*=\s*(?:initiator|processInitiator)\s*$")


def _z(name: str) -> str:
    return f"{{{ZEEBE}}}{name}"


_EXTENSION_ELEMENTS = "{http://www.omg.org/spec/BPMN/20100524/MODEL}extensionElements"


def extension(el, tag: str):
    """``el.find("bpmn:extensionElements/" + tag)`` — the first such child of any of
    its extensionElements — without ElementPath's cost (called for every flow node)."""
    for extensions in el.iterchildren(_EXTENSION_ELEMENTS):
        for found in extensions.iterchildren(tag):
            return found
    return None


def _extension(el, name: str):
    return extension(el, _z(name))


def _extensions(el) -> dict:
    """tag -> the first element of that tag in any of ``el``'s extensionElements:
    ``extension`` for several tags, in one look at the children."""
    found: dict = {}
    for extensions in el.iterchildren(_EXTENSION_ELEMENTS):
        for child in extensions:
            found.setdefault(child.tag, child)
    return found


def assignment(facts, el, node_id: str):
    """(assignee, candidate users, candidate groups, expressions) of a user task's
    ``zeebe:assignmentDefinition``, or None when it has none. Names (``sales``,
    ``="sales"``, ``=["a", "b"]``) go to the routing; any other FEEL (``= accountManager``)
    is an expression evaluated from the task's data when it is reached, as Camunda 8
    does (engine.runtime.assignments), translated and checked here like a condition."""
    definition = _extension(el, "assignmentDefinition")
    if definition is None:
        return None
    values: dict[str, tuple[str, ...]] = {}
    computed: list[tuple[str, str]] = []
    for attribute in ("assignee", "candidateUsers", "candidateGroups"):
        value = definition.get(attribute)
        if value is None or not value.strip():
            continue
        names = _names(value)
        if names is not None:
            values[attribute] = names
        elif feel.is_feel(value):
            where = f"zeebe:assignmentDefinition {attribute} of user task '{node_id}'"
            before = len(facts.problems)
            _feel_problem(facts, definition.sourceline, value, where, "assignments")
            if len(facts.problems) == before:
                computed.append((attribute, value.strip()))
                facts.expressions.append(ExpressionSite(facts.path, definition.sourceline, where, value.strip(),
                                                        node=node_id))
        else:
            facts.problems.append(Problem(
                facts.path, definition.sourceline,
                f"user task '{node_id}': zeebe:assignmentDefinition {attribute}=\"{value}\" mixes names and an "
                "expression; write names the routing file maps ('groups:' or 'users:'), or one FEEL expression "
                "such as = accountManager"))
    assignee = values.get("assignee", ())
    return (assignee[0] if assignee else None, values.get("candidateUsers", ()), values.get("candidateGroups", ()),
            tuple(computed))


def _names(value: str) -> tuple[str, ...] | None:
    """The names an assignment attribute gives, or None for an expression."""
    if _INITIATOR.match(value):
        return (INITIATOR,)
    text = _FEEL_TEXT.match(value)
    if text:
        return (text.group(1).strip(),)
    listed = _FEEL_LIST.match(value)
    if listed:
        return tuple(n.strip() for n in re.findall(r'"([^"\\]*)"', listed.group(1) or "") if n.strip())
    if feel.is_feel(value) or "{" in value:
        return None
    return tuple(n.strip() for n in value.split(",") if n.strip())


def called_element(el) -> str | None:
    """The process id of a call activity's ``zeebe:calledElement``, as written."""
    called = _extension(el, "calledElement")
    return None if called is None else (called.get("processId") or "").strip()


def embedded_forms(path: str, root) -> dict[str, CamundaForm]:
    """Forms embedded in the file (``zeebe:userTaskForm id="…"``), by ``#id``, with
    their lines counted in the BPMN file."""
    result = {}
    for embedded in root.iter(_z("userTaskForm")):
        form = read_form(path, (embedded.text or "").encode("utf-8"))
        offset = (embedded.sourceline or 1) - 1
        form.fields = tuple(dataclasses.replace(f, line=f.line + offset) for f in form.fields)
        form.problems = [Problem(p.path, p.line + offset, p.message) for p in form.problems
                         if "has no \"id\"" not in p.message]
        form.expressions = [dataclasses.replace(e, line=e.line + offset) for e in form.expressions]
        result["#" + embedded.get("id", "")] = form
    return result


def attach_forms(facts, forms: dict[str, CamundaForm], embedded: bool = False) -> list[Problem]:
    """Give each user task of ``facts`` the fields of the form it names: ``forms`` are
    the Camunda Forms of the methodology folder by id or, with ``embedded``, the forms
    embedded in the file by ``#id``. A form nobody has is a problem at the task's
    ``zeebe:formDefinition``. Returns the problems; ``facts`` is updated."""
    problems = []
    by_node = {}
    for node_id, form_id, line in facts.form_refs:
        if form_id.startswith("#") != embedded:
            continue
        form = forms.get(form_id)
        if form is None:
            shown = form_id.lstrip("#")
            known = sorted(k for k in forms if not k.startswith("#"))
            missing = "the file does not embed (zeebe:userTaskForm)" if embedded else \
                "no .form file in the methodology folder defines"
            listed = f" (forms here: {', '.join(known)})" if known else ""
            problems.append(Problem(facts.path, line, (
                f"user task '{node_id}' shows form '{shown}', which {missing}{listed}; copy the form Camunda "
                "Modeler saved (a .form file with that \"id\") beside the BPMN file")))
            continue
        by_node[node_id] = form
    for pid, process in list(facts.processes.items()):
        nodes = {nid: dataclasses.replace(node, form=by_node[nid].fields) if nid in by_node else node
                 for nid, node in process.nodes.items()}
        facts.processes[pid] = dataclasses.replace(process, nodes=frozen_map(nodes))
    return problems


def read_extensions(facts, el, kind: str, node_id: str) -> None:
    """Record the ``zeebe:`` facts of one flow node on ``facts`` (a ``BpmnFacts``)."""
    path = facts.path
    extensions = _extensions(el)
    form = extensions.get(_z("formDefinition"))
    if form is not None and kind == "userTask":
        form_id, key = (form.get("formId") or "").strip(), (form.get("formKey") or "").strip()
        if form_id:
            facts.form_refs.append((node_id, form_id, form.sourceline))
        elif key.startswith(EMBEDDED_PREFIX):
            facts.form_refs.append((node_id, "#" + key[len(EMBEDDED_PREFIX):], form.sourceline))
        elif key:
            facts.problems.append(Problem(path, form.sourceline, (
                f"user task '{node_id}': formKey \"{key}\" names a form outside the process (a custom UI), "
                "which Dealflow cannot show; save the form with Camunda Modeler as a .form file in the "
                "methodology folder and link it with formId")))
    headers = extensions.get(_z("taskHeaders"))
    if headers is not None:
        facts.task_headers[node_id] = tuple((h.get("key", ""), h.get("value", "")) for h in headers.iter(_z("header")))
    mapping = extensions.get(_z("ioMapping"))
    called = extensions.get(_z("calledElement")) if kind == "callActivity" else None
    propagate = called is None or (called.get("propagateAllChildVariables") or "true").strip() != "false"
    if mapping is not None or not propagate:
        _io_mapping(facts, mapping if mapping is not None else (), kind, node_id, propagate)
    decision = extensions.get(_z("calledDecision")) if kind == "businessRuleTask" else None
    if decision is not None and _no_decision_ref(el):
        decision_id = (decision.get("decisionId") or "").strip()
        if not decision_id or feel.is_feel(decision_id):
            facts.problems.append(Problem(path, decision.sourceline, (
                f"business rule task '{node_id}' names no decision: write the id of a decision in a .dmn file "
                f"under bpmn/ as zeebe:calledDecision decisionId=\"…\"" + (
                    f" (Dealflow does not evaluate the expression {decision_id})" if decision_id else ""))))
        result = (decision.get("resultVariable") or "").strip()
        if decision_id and not feel.is_feel(decision_id) and result:
            facts.result_variables[node_id] = result
            facts.sets.add(result)
    if kind == "callActivity":
        _call(facts, el, node_id)


def called_decision(el) -> str | None:
    """The decision id of a business rule task's ``zeebe:calledDecision``, as written."""
    decision = _extension(el, "calledDecision")
    decision_id = "" if decision is None else (decision.get("decisionId") or "").strip()
    return decision_id if decision_id and not feel.is_feel(decision_id) else None


def called_process(el) -> str | None:
    """The process a call activity calls, as written: BPMN's ``calledElement`` or,
    without it, Camunda 8's ``zeebe:calledElement processId`` (None: it names none)."""
    called = (el.get("calledElement") or "").strip() or (called_element(el) or "")
    return called or None


def _call(facts, el, node_id: str) -> None:
    """Record the process a call activity calls (``facts.call_refs``). A target chosen
    by a FEEL expression (``processId="= \"phase_\" + variant"``) is evaluated when the
    call activity is reached (engine.runtime.call_activities): it is checked here as
    FEEL and recorded in ``facts.expression_calls``; the processes of bpmn/ are what it
    may name (engine.service.validation wants at least one it could)."""
    called = called_process(el)
    if called is None:
        return  # engine.methodology.constructs: "names no process"
    definition = _extension(el, "calledElement")
    line = definition.sourceline if definition is not None and not (el.get("calledElement") or "").strip() \
        else el.sourceline
    if feel.is_feel(called):
        where = f"called process of '{node_id}'"
        try:
            expression = feel.translate(called, "called processes")
        except ExpressionError as err:
            facts.problems.append(Problem(facts.path, line, f"{where}: {err.message}"))
            return
        facts.expressions.append(ExpressionSite(facts.path, line, where, expression, node=node_id))
        facts.expression_calls.append((called, expression, line, node_id))
        return
    if "{" in called:
        facts.problems.append(Problem(facts.path, line, (
            f"call activity '{node_id}' chooses the process it calls with {called}, which is not FEEL: "
            "write the called process's id (processId=\"…\"), or a FEEL expression giving it "
            "(= \"phase_\" + variant)")))
        return
    facts.call_refs.append((called, el.sourceline, node_id))


def candidates(expression: str, process_ids) -> list[str]:
    """The processes of ``process_ids`` that a call activity's expression could name:
    those starting with the text the expression starts with (``"phase_" + variant``:
    every ``phase_…``), all of them when it starts with a variable."""
    fixed = ""
    try:
        node = ast.parse(expression, mode="eval").body
    except SyntaxError:
        return sorted(process_ids)
    while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        node = node.left
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        fixed = node.value
    return sorted(pid for pid in process_ids if pid.startswith(fixed))


def _no_decision_ref(el) -> bool:
    return not any((el.get(f"{{{ns}}}decisionRef") or "").strip() for ns in _DECISION_NAMESPACES)


def check_subscriptions(facts, root) -> None:
    """The correlation key of each message (``zeebe:subscription``), checked FEEL kept
    in ``facts.correlation_keys``: a catch waiting for the message evaluates it on its
    data when it begins to wait, and a message sent with that correlation key reaches
    it (engine.runtime.messages, as Camunda 8 correlates)."""
    for subscription in root.iter(_z("subscription")):
        key = subscription.get("correlationKey")
        message = subscription.getparent().getparent()
        name = message.get("name") or message.get("id") or ""
        if key is None or not key.strip() or not name:
            continue
        before = len(facts.problems)
        _feel_problem(facts, subscription.sourceline, key, f"correlation key of message '{name}'",
                      "correlation keys")
        if len(facts.problems) == before:
            facts.correlation_keys.setdefault(name, key.strip())


_TARGET = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def _io_mapping(facts, mapping, kind: str, node_id: str, propagate: bool = True) -> None:
    """Record an element's input and output mappings (``facts.io_mappings``), each
    source as an expression the runtime evaluates: FEEL (``= …``) as written (checked
    here by translating it; the script engine runs the translation with FEEL's reading
    of a missing field, null), any other text a text value, a missing source null. They run around the element
    (engine.runtime.mappings)."""
    directions: dict[str, list] = {"input": [], "output": []}
    for entry in mapping:
        direction = etree.QName(entry).localname if isinstance(entry.tag, str) else ""
        if direction not in directions:
            continue
        target, source = (entry.get("target") or "").strip(), entry.get("source")
        where = f"{direction} mapping '{target}' of '{node_id}'"
        if not _TARGET.match(target) or target.split(".")[0].startswith("_"):
            facts.problems.append(Problem(facts.path, entry.sourceline, (
                f"{where}: the target must be a variable name or a path of names (customer.name)")))
            continue
        if source is None or not source.strip():
            expression = "None"
        elif feel.is_feel(source):
            try:
                expression = feel.translate(source, f"{direction} mappings")
            except ExpressionError as err:
                facts.problems.append(Problem(facts.path, entry.sourceline + (err.line - 1 if err.line else 0),
                                              f"{where}: {err.message}"))
                continue
            facts.expressions.append(ExpressionSite(facts.path, entry.sourceline, where, expression, node=node_id))
            expression = source  # run as FEEL (a missing field is null): the runtime translates it again
        else:
            expression = repr(source)
        directions[direction].append((target, expression))
        facts.sets.add(target.split(".")[0])
    if any(directions.values()) or not propagate:
        facts.io_mappings[node_id] = IoMapping(tuple(directions["input"]), tuple(directions["output"]), propagate)


def _feel_problem(facts, line: int, text: str, where: str, what: str = "conditions") -> None:
    if not feel.is_feel(text):
        return
    try:
        feel.translate(text, what)
    except ExpressionError as err:
        facts.problems.append(Problem(facts.path, line + (err.line - 1 if err.line else 0), f"{where}: {err.message}"))
