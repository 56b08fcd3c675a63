"""FEEL's ``true``, ``false`` and ``null`` in a DMN file's rule cells, written the way
Dealflow's expression language writes them (``True``, ``False``, ``None``). Pure.

Camunda (7 and 8) writes decision tables in FEEL, so an output cell ``true`` is the
boolean; Dealflow evaluates rule cells in its own language, where ``true`` is the name
of a variable nothing sets. ``dealflow import-bpmn`` copies the DMN files a process
calls with these cells translated (a translation, not a guess: nothing else is
touched, byte for byte), and says how many it translated; validation refuses the
FEEL spelling in a hand-written file at the cell's line (engine.methodology.variables).
"""

from __future__ import annotations

import re

from lxml import etree

from engine.methodology.bpmn_source import parse_xml
from engine.methodology.variables import FEEL_LITERALS

_ENTRIES = ("inputEntry", "outputEntry")
_CELL = re.compile(rb"(<(?:[\w.-]+:)?text>)\s*(true|false|null)\s*(</(?:[\w.-]+:)?text>)")


def translate_literals(name: str, data: bytes) -> tuple[bytes, int]:
    """The DMN file with each rule cell that is exactly ``true``, ``false`` or ``null``
    written as ``True``, ``False`` or ``None``, and how many cells changed."""
    tree, _ = parse_xml(name, data)
    if tree is None:
        return data, 0
    lines = {text.sourceline for text in tree.getroot().iter("{*}text")
             if text.getparent() is not None and etree.QName(text.getparent()).localname in _ENTRIES
             and (text.text or "").strip() in FEEL_LITERALS}
    if not lines:
        return data, 0
    rows, changed = data.split(b"\n"), 0
    for line in sorted(lines):
        rows[line - 1], count = _CELL.subn(
            lambda m: m.group(1) + FEEL_LITERALS[m.group(2).decode()].encode() + m.group(3), rows[line - 1])
        changed += count
    return b"\n".join(rows), changed
