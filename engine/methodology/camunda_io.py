"""Camunda 7's variable mappings of a flow node, read into the same facts as Camunda
8's ``zeebe:ioMapping`` (``facts.io_mappings``), so that one runtime runs both
(engine.runtime.mappings). Pure: an lxml element in, facts and ``path:line``
problems out.

- ``camunda:inputOutput``: ``camunda:inputParameter name="x"`` is an input of the
  element (its value ``${…}`` JUEL, translated, or plain text; none is null),
  ``camunda:outputParameter name="y"`` an output assigned after it ran. A list, map
  or script value is refused at its line.
- On a call activity, ``camunda:in source="a" target="b"`` (or ``sourceExpression``)
  gives the called process ``b``; ``camunda:out`` gives the caller the called
  process's value back. With a ``camunda:out`` that maps a variable and none with
  ``variables="all"``, only the mapped variables come back, as in Camunda 7; with no
  ``camunda:out`` at all the whole of the called process's data comes back, as
  Dealflow always did (Camunda 7 would give nothing back). ``variables="all"`` and
  ``businessKey`` are understood (the deal is the business key); ``local="true"`` is
  refused, Dealflow's mappings being the element's own already.
"""

from __future__ import annotations

import re

from lxml import etree

from engine.errors import ExpressionError
from engine.expressions import juel
from engine.methodology.model import ExpressionSite, IoMapping
from engine.methodology.problems import Problem

__all__ = ["read_mappings"]

CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
_TARGET = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_NESTED = ("list", "map", "script")


def _c(name: str) -> str:
    return f"{{{CAMUNDA}}}{name}"


def read_mappings(facts, el, kind: str, node_id: str) -> None:
    """Record the Camunda 7 mappings of one flow node on ``facts`` (a ``BpmnFacts``)."""
    extensions = [child for child in el if isinstance(tag := child.tag, str)  # in any namespace
                  and (tag == "extensionElements" or tag.endswith("}extensionElements"))]
    if not extensions:
        return
    inputs: list[tuple[str, str]] = []
    outputs: list[tuple[str, str]] = []
    propagate = True
    for block in extensions:
        # direct children only: a camunda:connector holds an inputOutput of its own (its call's settings)
        for io in (child for child in block if child.tag == _c("inputOutput")):
            for parameter in io:
                if parameter.tag in (_c("inputParameter"), _c("outputParameter")):
                    direction = "input" if parameter.tag == _c("inputParameter") else "output"
                    found = _parameter(facts, parameter, direction, node_id)
                    if found is not None:
                        (inputs if direction == "input" else outputs).append(found)
        if kind == "callActivity":
            for entry in block:
                if entry.tag in (_c("in"), _c("out")):
                    found = _call_mapping(facts, entry, node_id)
                    if found is not None:
                        (inputs if entry.tag == _c("in") else outputs).append(found)
            outs = [entry for entry in block if entry.tag == _c("out")]
            if any(entry.get("source") or entry.get("sourceExpression") for entry in outs) and not any(
                    (entry.get("variables") or "").strip() == "all" for entry in outs):
                propagate = False
    if not (inputs or outputs) and propagate:
        return
    if node_id in facts.io_mappings:
        facts.problems.append(Problem(facts.path, el.sourceline, (
            f"'{node_id}' has both Camunda 7 mappings (camunda:inputOutput, camunda:in/out) and Camunda 8's "
            "zeebe:ioMapping; keep the one of the engine the file was drawn for")))
        return
    facts.io_mappings[node_id] = IoMapping(tuple(inputs), tuple(outputs), propagate)


def _parameter(facts, parameter, direction: str, node_id: str) -> tuple[str, str] | None:
    target = (parameter.get("name") or "").strip()
    where = f"camunda:{direction}Parameter '{target}' of '{node_id}'"
    if not _target_ok(facts, parameter, target, where):
        return None
    nested = [child for child in parameter if isinstance(child.tag, str)]
    if nested:
        kind = etree.QName(nested[0]).localname
        facts.problems.append(Problem(facts.path, nested[0].sourceline, (
            f"{where}: a {kind} value ({'camunda:' + kind}) is not run by Dealflow; write one expression, "
            "e.g. ${[a, b]} for a list, or compute the value in a script task before the element")))
        return None
    return _expression(facts, parameter, target, (parameter.text or "").strip(), where, node_id, literal=True)


def _call_mapping(facts, entry, node_id: str) -> tuple[str, str] | None:
    name = etree.QName(entry).localname
    if (entry.get("local") or "").strip() == "true":
        facts.problems.append(Problem(facts.path, entry.sourceline, (
            f"camunda:{name} of call activity '{node_id}' is local=\"true\", which Dealflow does not run; "
            "remove it (the mapping is the call activity's own either way)")))
        return None
    if (entry.get("variables") or "").strip() == "all" or entry.get("businessKey") is not None:
        return None  # all variables pass by default; the deal is the business key
    target = (entry.get("target") or "").strip()
    where = f"camunda:{name} '{target}' of call activity '{node_id}'"
    if not _target_ok(facts, entry, target, where):
        return None
    source, expression = entry.get("source"), entry.get("sourceExpression")
    if (source is None) == (expression is None):
        facts.problems.append(Problem(facts.path, entry.sourceline, (
            f"{where}: give either source=\"variable\" or sourceExpression=\"${{…}}\"")))
        return None
    if source is not None:
        source = source.strip()
        if not _TARGET.match(source):
            facts.problems.append(Problem(facts.path, entry.sourceline, (
                f"{where}: source \"{source}\" is not a variable name; use sourceExpression=\"${{…}}\"")))
            return None
        return _expression(facts, entry, target, "${" + source + "}", where, node_id, literal=False)
    return _expression(facts, entry, target, expression.strip(), where, node_id, literal=False)


def _target_ok(facts, el, target: str, where: str) -> bool:
    if _TARGET.match(target) and not target.startswith("_"):
        return True
    facts.problems.append(Problem(facts.path, el.sourceline, f"{where}: the name must be a variable name"))
    return False


def _expression(facts, el, target: str, text: str, where: str, node_id: str, *, literal: bool):
    """(target, Dealflow expression) for ``text``: JUEL translated; other text, where
    ``literal``, that text as a value; nothing, null."""
    if not text:
        expression = "None"
    elif juel.is_juel(text):
        try:
            expression = juel.translate(text, "input and output mappings")
        except ExpressionError as err:
            facts.problems.append(Problem(facts.path, el.sourceline, f"{where}: {err.message}"))
            return None
        facts.expressions.append(ExpressionSite(facts.path, el.sourceline, where, expression, node=node_id))
    elif literal:
        expression = repr(text)
    else:
        facts.problems.append(Problem(facts.path, el.sourceline, f"{where}: write the expression as ${{…}}"))
        return None
    facts.sets.add(target)
    return target, expression
