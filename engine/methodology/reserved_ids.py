"""Flow node ids SpiffWorkflow keeps for itself (``Start``, ``End``…), renamed in the
copy ``dealflow import-bpmn`` writes. Pure.

Camunda does not mind a start event called ``Start``; SpiffWorkflow adds task specs of
those names to every process, so validation refuses them in a file a designer writes
(engine.methodology.bpmn_source). An imported file gets them renamed the way that
message suggests (``End`` -> ``EndEvent_End``), with every reference — flows, the
default flow of a gateway, a boundary event's activity, lanes, the diagram — so the
copy draws and runs as the original; "still to decide" lists each rename. Lines do not
move: only attribute values and a lane's ``flowNodeRef`` text change.
"""

from __future__ import annotations

import re

from lxml import etree

from engine.methodology.bpmn_source import FLOW_NODE_KINDS, RESERVED_IDS, RESERVED_SUFFIXES, fresh_id, parse_xml

_REFERENCES = ("id", "sourceRef", "targetRef", "bpmnElement", "attachedToRef", "default")


def rename_reserved(name: str, data: bytes) -> tuple[bytes, dict[str, str]]:
    """The file with each reserved flow node id renamed, and old id -> new id."""
    tree, _ = parse_xml(name, data)
    if tree is None:
        return data, {}
    root = tree.getroot()
    taken = {el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    renamed: dict[str, str] = {}
    for el in root.iter():
        if not isinstance(el.tag, str) or etree.QName(el).localname not in FLOW_NODE_KINDS:
            continue
        old = el.get("id") or ""
        if old not in RESERVED_IDS and not old.endswith(RESERVED_SUFFIXES):
            continue
        kind = etree.QName(el).localname
        renamed[old] = fresh_id(f"{kind[0].upper()}{kind[1:]}_{old.replace('.', '_')}", taken)
    for old, new in renamed.items():
        quoted = re.escape(old.encode("utf-8"))
        data = re.sub(rb'(\s(?:' + b"|".join(a.encode() for a in _REFERENCES) + rb')=")' + quoted + rb'"',
                      lambda m, new=new: m.group(1) + new.encode("utf-8") + b'"', data)
        data = re.sub(rb"(<(?:[\w.-]+:)?flowNodeRef>\s*)" + quoted + rb"(\s*</)",
                      lambda m, new=new: m.group(1) + new.encode("utf-8") + m.group(2), data)
    return data, renamed
