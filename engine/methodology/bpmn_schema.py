"""The BPMN 2.0 XSD check: every violation of the OMG's schema, each at its line.

Pure: the XSD files are given as a folder holding ``BPMN20.xsd`` (and the
``Semantic.xsd`` it includes). Dealflow validates with the copy SpiffWorkflow ships,
whose folder ``engine.runtime.specs.bpmn_schema_folder`` names; the loader
(engine.service.validation) brings the two together, so this side never imports
SpiffWorkflow. We validate ourselves so that every violation is reported, not only
the first, in words a designer reads (``bpmn:userTask``, not ``{namespace}userTask``).
"""

from __future__ import annotations

import copy
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
    """Every violation of the BPMN 2.0 XSD, each at its line.

    An id must be unique in a file; a data object declared twice identically (same
    id, same attributes, same place) is one data object, as spiff-arena reads it, and
    any other id used twice is named with both lines instead of libxml2's 'xs:ID'."""
    if schema.schema.validate(tree):
        return []  # the XSD checks ids are unique: a valid file has no duplicate to look for
    duplicates = _duplicate_ids(tree)
    problems = [Problem(path, lines[-1], f"id '{value}' is used twice (lines {lines[0]} and {lines[1]})"
                        if len(lines) == 2 else
                        f"id '{value}' is used {len(lines)} times (lines {', '.join(map(str, lines))})")
                for value, lines in duplicates.items()]
    checked = _without_repeated_data_objects(tree)
    if checked is not tree and schema.schema.validate(checked):  # else the log is the first validation's
        return problems
    for entry in schema.schema.error_log:
        if duplicates and _ID_TYPE.search(entry.message) and \
                any(f"'{value}' is not a valid" in entry.message for value in duplicates):
            continue  # named above, with both lines
        message = _short(entry.message)
        message = message.replace("This element is not expected.", "this element is not allowed here.")
        message = _xsd_hint(message, schema.element_names)
        problems.append(Problem(path, entry.line or 1, f"BPMN schema: {message}"))
    return problems


_ID_TYPE = re.compile(r"atomic type 'xs:ID'")
_DATA_OBJECT = f"{{{BPMN}}}dataObject"
_OMG = "{http://www.omg.org/spec/"  # BPMN's model and diagram elements, whose ids the XSD makes unique


def _same_declaration(a, b) -> bool:
    return a.tag == b.tag == _DATA_OBJECT and a.getparent() is b.getparent() and \
        dict(a.attrib) == dict(b.attrib) and etree.tostring(a, with_tail=False) == etree.tostring(b, with_tail=False)


def _by_id(tree) -> dict[str, list]:
    """The BPMN elements of each id (vendor extensions' ids are theirs: a form field's id may repeat)."""
    found: dict[str, list] = {}
    for el in tree.iter():
        if isinstance(el.tag, str) and el.tag.startswith(_OMG) and el.get("id") is not None:
            found.setdefault(el.get("id"), []).append(el)
    return found


def _duplicate_ids(tree) -> dict[str, list[int]]:
    """Each id used by more than one element (a repeated identical data object
    aside), with the lines of its elements."""
    duplicates = {}
    for value, elements in _by_id(tree).items():
        distinct = [el for i, el in enumerate(elements)
                    if not any(_same_declaration(el, earlier) for earlier in elements[:i])]
        if len(distinct) > 1:
            duplicates[value] = [el.sourceline or 1 for el in distinct]
    return duplicates


def _without_repeated_data_objects(tree):
    """``tree`` itself, or a copy without the repeats of a data object declared twice."""
    repeats = [(value, i) for value, elements in _by_id(tree).items() for i, el in enumerate(elements)
               if any(_same_declaration(el, earlier) for earlier in elements[:i])]
    if not repeats:
        return tree
    copied = copy.deepcopy(tree)  # keeps each element's line
    copies = _by_id(copied)
    for value, i in repeats:
        el = copies[value][i]
        el.getparent().remove(el)
    return copied


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
