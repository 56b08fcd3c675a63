"""The BPMN 2.0 XSD check: every violation of the OMG's schema, each at its line.

Pure: the XSD files are given as a folder holding ``BPMN20.xsd`` (and the
``Semantic.xsd`` it includes). Dealflow validates with the copy SpiffWorkflow ships,
whose folder ``engine.runtime.specs.bpmn_schema_folder`` names; the loader
(engine.service.validation) brings the two together, so this side never imports
SpiffWorkflow. We validate ourselves so that every violation is reported, not only
the first, in words a designer reads (``bpmn:userTask``, not ``{namespace}userTask``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree

from engine.methodology.bpmn_source import BPMN, VENDORS
from engine.methodology.problems import Problem, did_you_mean

__all__ = ["BpmnSchema", "check_bpmn_xsd", "load_bpmn_schema"]

XS = "http://www.w3.org/2001/XMLSchema"


@dataclass(frozen=True)
class BpmnSchema:
    """The compiled BPMN 2.0 XSD and the names of the elements it declares."""

    schema: etree.XMLSchema
    element_names: frozenset[str]


@lru_cache(maxsize=4)
def load_bpmn_schema(folder: Path) -> BpmnSchema:
    """The schema from ``folder``'s BPMN20.xsd and Semantic.xsd (compiled once per folder)."""
    folder = Path(folder)
    semantic = etree.parse(str(folder / "Semantic.xsd"))
    names = semantic.getroot().xpath("/xs:schema/xs:element/@name", namespaces={"xs": XS})
    return BpmnSchema(etree.XMLSchema(etree.parse(str(folder / "BPMN20.xsd"))), frozenset(names))


def check_bpmn_xsd(path: str, tree: etree._ElementTree, schema: BpmnSchema) -> list[Problem]:
    """Every violation of the BPMN 2.0 XSD, each at its line."""
    if schema.schema.validate(tree):
        return []
    problems = []
    for entry in schema.schema.error_log:
        message = _short(entry.message)
        message = message.replace("This element is not expected.", "this element is not allowed here.")
        message = _xsd_hint(message, schema.element_names)
        problems.append(Problem(path, entry.line or 1, f"BPMN schema: {message}"))
    return problems


def _short(text: str) -> str:
    """Error text with namespaces as a designer sees them in the file."""
    text = text.replace("{%s}" % BPMN, "bpmn:")
    for namespace, prefix in VENDORS.items():
        text = text.replace("{%s}" % namespace, prefix + ":")
    return re.sub(r"\{[^}]*\}", "", text)


def _xsd_hint(message: str, element_names: frozenset[str]) -> str:
    """What to write instead, where libxml2's message only says what is wrong."""
    unknown = re.match(r"Element 'bpmn:(\w+)': this element is not allowed here\.", message)
    if unknown and unknown.group(1) not in element_names:
        # libxml2 lists what may come next, which hides the point: the name is misspelled.
        name = unknown.group(1)
        hint = did_you_mean(name, element_names).replace("'", "'bpmn:", 1)
        return f"Element 'bpmn:{name}': BPMN 2.0 has no element '{name}'{hint}"
    if "the atomic type 'xs:boolean'" in message:
        return message + " Write true or false."
    return message
