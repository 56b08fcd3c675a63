"""Conditions ``dealflow import-bpmn`` proposes for an exclusive gateway drawn without
any. Pure.

A descriptive model (bpmn.io, Signavio, Bizagi) labels the ways out of a decision —
"Approve", "Cancel" — and leaves the choice to whoever reads the diagram; an engine
has to be told. Camunda refuses such a gateway at deployment, as Dealflow's validation
does at its flows' lines, and a Camunda Modeler user fixes it by asking for the choice
in a form and writing a condition per flow. The importer does that in its copy: a
variable named after the gateway (else after the node before it, else ``choice``), a
condition ``${var == 'Approve'}`` per flow labelled by the flow's name (else its
target's), and then — by the ordinary form-field proposals (engine.methodology.
proposals) — a choice of those labels on the user task before the gateway or in the
start form. Only a gateway with two or more ways out, none of them conditioned, is
touched; its default way (if it has one) keeps no condition and is taken for any other
answer. Lines do not move.
"""

from __future__ import annotations

import re
from html import escape

from engine.methodology.bpmn_source import fresh_id, parse_xml

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def propose_conditions(name: str, data: bytes) -> tuple[bytes, list[tuple[str, str, list[str]]]]:
    """The file with a condition on each way out of every gateway drawn without any,
    and (gateway id, variable, the labels it chooses between) for each gateway."""
    tree, _ = parse_xml(name, data)
    if tree is None:
        return data, []
    root = tree.getroot()
    nodes = {el.get("id"): el for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    flows = [el for el in root.iter(f"{{{BPMN}}}sequenceFlow")]
    leaving: dict[str, list] = {}
    for flow in flows:
        leaving.setdefault(flow.get("sourceRef"), []).append(flow)
    variables: set[str] = set()
    lines, proposed = data.split(b"\n"), []
    for gateway in root.iter(f"{{{BPMN}}}exclusiveGateway"):
        every = leaving.get(gateway.get("id"), [])
        ways = [w for w in every if w.get("id") != gateway.get("default")]  # the default needs none
        if len(every) < 2 or not ways or any(w.find(f"{{{BPMN}}}conditionExpression") is not None for w in every):
            continue
        variable = fresh_id(_variable(gateway, flows, nodes), variables)
        labels: set[str] = set()
        chosen = [fresh_id(_label(way, nodes), labels) for way in ways]
        if any("'" in label and '"' in label for label in chosen):
            continue
        for way, label in zip(ways, chosen):
            quote = '"' if "'" in label else "'"
            _add_condition(lines, way, escape(f"${{{variable} == {quote}{label}{quote}}}", quote=False))
        proposed.append((gateway.get("id"), variable, chosen))
    return b"\n".join(lines), proposed


def _identifier(text: str) -> str:
    words = re.sub(r"[^0-9A-Za-z]+", "_", text).strip("_").lower()[:40].rstrip("_")
    return ("choice_" + words if words[:1].isdigit() else words) or ""


def _variable(gateway, flows, nodes) -> str:
    """From the gateway's name, else from the one node before it (``review_outcome``)."""
    named = _identifier(" ".join((gateway.get("name") or "").split()))
    if named:
        return named
    before = [f.get("sourceRef") for f in flows if f.get("targetRef") == gateway.get("id")]
    if len(before) == 1 and before[0] in nodes and (nodes[before[0]].get("name") or "").strip():
        return (_identifier(nodes[before[0]].get("name")) + "_outcome").lstrip("_")
    return "choice"


def _label(way, nodes) -> str:
    label = " ".join((way.get("name") or "").split())
    target = nodes.get(way.get("targetRef"))
    if not label and target is not None:
        label = " ".join((target.get("name") or "").split())
    return label or way.get("targetRef") or way.get("id")


def _add_condition(lines: list[bytes], flow, condition: str) -> None:
    """Inside the flow's element: its self-closing tag opened, else before its end tag."""
    prefix = f"{flow.prefix}:" if flow.prefix else ""
    element = (f"<!-- PROPOSAL by dealflow import-bpmn: the gateway named no condition -->"
               f"<{prefix}conditionExpression>{condition}</{prefix}conditionExpression>").encode("utf-8")
    start = re.compile(rb"<" + re.escape(prefix.encode()) + rb"sequenceFlow\b[^>]*?\bid=\""
                       + re.escape(flow.get("id").encode("utf-8")) + rb"\"[^>]*?(/?)>")
    end = re.compile(rb"</" + re.escape(prefix.encode()) + rb"sequenceFlow\s*>")
    for row in range(max(0, (flow.sourceline or 1) - 21), len(lines)):
        match = start.search(lines[row])
        if match is None:
            continue
        if match.group(1):
            at = match.end() - 2
            lines[row] = lines[row][:at] + b">" + element + f"</{prefix}sequenceFlow>".encode() + \
                lines[row][match.end():]
            return
        for later in range(row, len(lines)):
            closing = end.search(lines[later], match.end() if later == row else 0)
            if closing:
                lines[later] = lines[later][:closing.start()] + element + lines[later][closing.start():]
                return
        return
