"""Data objects a task reads or writes through a data association. Pure.

SpiffWorkflow runs them: after a task, a data output association copies the task's
variable named like the data object (its id) into the data object, and a data input
association copies it back into a later task; a variable that is not there stops
the deal ("A data object could not be set"). Camunda treats data objects as
documentation, so files drawn for it (or in bpmn.io, Signavio) associate them with
tasks that set nothing of that name. Validation names each such association at its
line instead of the deal failing later.
"""

from __future__ import annotations

import re
from typing import Iterable


from engine.methodology.problems import Problem

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def associations(root) -> list[tuple[int, str, str, str, bool]]:
    """(line, element id, data object id, its name, writes?) for every data input or
    output association with a data object (data stores are ignored, as Camunda does)."""
    objects = {el.get("id"): el for el in root.iter(f"{{{BPMN}}}dataObject") if el.get("id")}
    references = {el.get("id"): (el.get("dataObjectRef"), el.get("name") or "")
                  for el in root.iter(f"{{{BPMN}}}dataObjectReference") if el.get("id")}
    found = []
    for kind, writes in (("dataInputAssociation", False), ("dataOutputAssociation", True)):
        for association in root.iter(f"{{{BPMN}}}{kind}"):
            ends = association.findall(f"{{{BPMN}}}{'targetRef' if writes else 'sourceRef'}")
            for end in ends:
                ref = (end.text or "").strip()
                object_id, name = references.get(ref, (ref if ref in objects else None, ""))
                if object_id in objects:
                    name = name or objects[object_id].get("name") or ""
                    owner = association.getparent()
                    found.append((association.sourceline or 1, owner.get("id", "") if owner is not None else "",
                                  object_id, name, writes))
    return found


def unset_problems(path: str, found: Iterable[tuple[int, str, str, str, bool]], sets: set[str]) -> list[Problem]:
    """An association with a data object nothing sets: no form field, script, decision
    or declared worker output of the data object's id (a worker's undeclared answer
    does not count: nobody names a variable after a data object's generated id)."""
    problems = []
    written = {object_id for _, _, object_id, _, writes in found if writes and object_id in sets}
    for line, owner, object_id, name, writes in found:
        if (object_id in sets) if writes else (object_id in written):
            continue
        label = f"'{object_id}'" + (f" ('{name}')" if name else "")
        what = ("writes data object " + label + ", which SpiffWorkflow copies from the task's variable of that id; "
                "nothing sets it" if writes else
                "reads data object " + label + ", which no task writes with a variable of that id")
        problems.append(Problem(path, line, (
            f"'{owner}' {what}: set a variable '{object_id}' (a form field, a script, a worker's declared output) "
            "or remove the data association (Camunda treats data objects as documentation)")))
    return problems


def drop_unfilled(data: bytes, root, sets: set[str]) -> tuple[bytes, list[str]]:
    """What ``dealflow import-bpmn`` copies: the file with each association that
    ``unset_problems`` would refuse replaced by a comment of as many lines (Camunda,
    which the file was drawn for, ignores data associations), and the data objects
    they named."""
    found = associations(root)
    lines_to_drop = {problem.line for problem in unset_problems("", found, sets)}
    if not lines_to_drop:
        return data, []
    text, dropped = data.decode("utf-8"), []
    for kind in ("dataInputAssociation", "dataOutputAssociation"):
        for association in root.iter(f"{{{BPMN}}}{kind}"):
            if association.sourceline not in lines_to_drop:
                continue
            start = _offset(text, association.sourceline)
            opening = re.compile(r"<(?:[\w.-]+:)?" + kind + r"\b")
            begin = opening.search(text, start)
            close = re.compile(r"</(?:[\w.-]+:)?" + kind + r"\s*>|/>")
            tag_end = text.index(">", begin.start())
            end = tag_end + 1 if text[tag_end - 1] == "/" else close.search(text, tag_end).end()
            span = text[begin.start():end]
            text = text[:begin.start()] + "<!-- import-bpmn: data association dropped -->" + \
                "\n" * span.count("\n") + text[end:]
            dropped += [object_id for line, _, object_id, _, _ in found if line == association.sourceline]
    return text.encode("utf-8"), sorted(set(dropped))


def _offset(text: str, line: int) -> int:
    at = 0
    for _ in range(line - 1):
        at = text.index("\n", at) + 1
    return at
