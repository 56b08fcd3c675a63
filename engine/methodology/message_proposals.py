"""Messages ``dealflow import-bpmn`` proposes for the message elements a file draws
without naming one. Pure.

bpmn.io, Signavio and Bizagi let a modeler draw a receive task, a send task or a
message event (a message start event too) without a ``messageRef``; Camunda Modeler
then asks for a message, and validation refuses the element at its line. A Camunda user
fixes it by declaring ``<bpmn:message>`` and pointing the element at it; the importer
does that in its copy: one message per element, named after the element
(``Receive customer request`` -> ``receive-customer-request``, else its id), declared
before the diagram with a comment marking them as proposals, and listed in "still to
decide". Lines do not move: the reference is added inside the element's start tag and
the declarations on the diagram's first line.
"""

from __future__ import annotations

import re

from lxml import etree

from engine.methodology.bpmn_source import fresh_id, parse_xml
from engine.methodology.service_tasks import is_external, readable_name

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def unnamed_message_elements(root) -> list:
    """(element carrying messageRef, the flow node) of each send or receive task and
    message event that names no message (those a worker does are external tasks)."""
    found = []
    for el in root.iter(f"{{{BPMN}}}sendTask", f"{{{BPMN}}}receiveTask"):
        if not is_external(el) and not (el.get("messageRef") or "").strip():
            found.append((el, el))
    for definition in root.iter(f"{{{BPMN}}}messageEventDefinition"):
        event = definition.getparent()
        if not is_external(event) and not (definition.get("messageRef") or "").strip():
            found.append((definition, event))
    return found


def propose_messages(name: str, data: bytes) -> tuple[bytes, list[tuple[str, str]]]:
    """The file with a message declared and referenced for each element that names none,
    and (element id, message name) for each."""
    tree, _ = parse_xml(name, data)
    if tree is None:
        return data, []
    root = tree.getroot()
    unnamed = unnamed_message_elements(root)
    if not unnamed:
        return data, []
    ids = {el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    names = {el.get("name") for el in root.iter(f"{{{BPMN}}}message") if el.get("name")}
    lines, declared, proposed = data.split(b"\n"), [], []
    for carrier, node in unnamed:
        node_id = node.get("id") or "message"
        message_id = fresh_id(f"Message_{re.sub(r'[^A-Za-z0-9_.-]', '_', node_id)}", ids)
        label = " ".join((node.get("name") or "").split())
        message_name = fresh_id(readable_name(label or node_id, node_id), names)
        if not _add_reference(lines, carrier, message_id):
            continue
        declared.append(f'<{_prefix(root)}message id="{message_id}" name="{message_name}"/>')
        proposed.append((node_id, message_name))
    if not proposed:
        return data, []
    block = ("<!-- PROPOSAL by dealflow import-bpmn: a message for each element that named none; review each "
             "name (what a sender names) -->" + "".join(declared)).encode("utf-8")
    _insert_declarations(lines, root, block)
    return b"\n".join(lines), proposed


def _prefix(root) -> str:
    return f"{root.prefix}:" if root.prefix else ""


def _add_reference(lines: list[bytes], carrier, message_id: str) -> bool:
    """Write messageRef into the carrier's start tag, on the line it starts (lxml may
    report a later line of a tag that spans several)."""
    tag = etree.QName(carrier).localname.encode()
    opening = re.compile(rb"<(?:[\w.-]+:)?" + tag + rb"(?=[\s/>])")
    ident = carrier.get("id")
    for row in range(min(carrier.sourceline or 1, len(lines)) - 1, max(-1, (carrier.sourceline or 1) - 21), -1):
        found = [m for m in opening.finditer(lines[row])
                 if ident is None or f'id="{ident}"'.encode() in lines[row][m.end():m.end() + 400].split(b">")[0]]
        if found:
            at = found[0].end()
            lines[row] = lines[row][:at] + f' messageRef="{message_id}"'.encode() + lines[row][at:]
            return True
    return False


def _insert_declarations(lines: list[bytes], root, block: bytes) -> None:
    """Before the diagram (the schema puts root elements first), else before the end."""
    for pattern in (rb"<(?:[\w.-]+:)?BPMNDiagram\b", rb"</(?:[\w.-]+:)?definitions\s*>"):
        for row in range(len(lines)):
            match = re.search(pattern, lines[row])
            if match:
                lines[row] = lines[row][:match.start()] + block + lines[row][match.start():]
                return
