"""Form fields whose id is a dotted path: ``auction.endDate`` fills the field
``endDate`` of the record ``auction`` in the deal's data. Pure.

Camunda Forms bind a key written as a path (``user.info.age``) to nested data, and a
group's ``path`` prefixes its children's keys; Dealflow reads a Camunda 7
``camunda:formField`` id with dots the same way (Camunda 7 itself would store one
variable whose name holds the dots, which no expression could read — a process that
reads ``${auction.endDate}`` means the record). What a path may be, the clashes
between fields of one process, and the label a path reads as when a form gives none.
"""

from __future__ import annotations

import ast
import re
from typing import Iterable

from engine.errors import ExpressionError
from engine.expressions import feel, juel
from engine.methodology.model import DEAL_VARIABLES, BpmnProcess, ExpressionSite, FormField
from engine.methodology.problems import Problem

__all__ = ["clash_problems", "clashes", "covered", "dotted", "expression_tree", "label_of", "path_problem", "read_paths"]

_TIMER = re.compile(r"timer (timeDuration|timeDate|timeCycle) of ")
_PART = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
MAX_DEPTH = 8  # records inside records a form may fill; deeper data comes from a worker


def path_problem(field_id: str) -> str | None:
    """What is wrong with a dotted field id (None for a good one, or one without dots)."""
    if "." not in field_id:
        return None
    parts = field_id.split(".")
    bad = next((p for p in parts if not _PART.fullmatch(p)), None)
    if bad is not None:
        shown = repr(bad) if bad else "an empty name"
        return (f"the path '{field_id}' has {shown} in it: write the record's name and its fields as names of "
                "letters, digits and '_' joined by dots, e.g. auction.endDate")
    if len(parts) > MAX_DEPTH:
        return f"the path '{field_id}' goes {len(parts)} records deep; a form fills at most {MAX_DEPTH}"
    if parts[0] in DEAL_VARIABLES:
        return (f"the path '{field_id}' would make the deal's own '{parts[0]}' a record; name the record "
                "otherwise, e.g. " + ".".join([parts[0] + "Details", *parts[1:]]))
    return None


def clashes(fields: Iterable[FormField]) -> list[tuple[FormField, FormField]]:
    """Pairs (field, earlier field) where one holds a value that the other's path
    makes a record (``auction`` and ``auction.endDate``): one of them is wrong."""
    found, seen = [], {}
    for field in fields:
        for other_id, other in seen.items():
            if field.id != other_id and (field.id.startswith(other_id + ".") or other_id.startswith(field.id + ".")):
                found.append((field, other))
                break
        seen.setdefault(field.id, field)
    return found


def label_of(field_id: str) -> str:
    """A label for a field written without one: ``numberOfBids`` -> ``Number of bids``,
    ``auction.endDate`` -> ``Auction: end date``; a plain id stays as written."""
    if "." not in field_id:
        return field_id
    parts = [" ".join(w.lower() if not w.isupper() or len(w) == 1 else w for w in _WORDS.findall(p)) or p
             for p in field_id.split(".")]
    text = ": ".join(parts)
    return text[:1].upper() + text[1:]


def clash_problems(process: BpmnProcess) -> list[Problem]:
    """A problem for each form field of ``process`` whose value another field's path
    makes a record, at the later field's node (a value cannot also hold fields)."""
    owned = [(node, f) for node in process.nodes.values() for f in node.form]
    where = {id(f): node for node, f in owned}
    problems = []
    for later, earlier in clashes(f for _, f in owned):
        record, value = (later, earlier) if later.id.startswith(earlier.id + ".") else (earlier, later)
        node, other = where[id(later)], where[id(earlier)]
        problems.append(Problem(process.path, node.line, (
            f"form field '{value.id}' holds a value and form field '{record.id}' fills a field of it as a "
            f"record (forms of '{other.id}' and '{node.id}'): rename one of them, e.g. '{record.variable}Details."
            f"{'.'.join(record.path[1:])}'")))
    return problems


def expression_tree(site: ExpressionSite) -> ast.Expression | None:
    """The site's expression as Dealflow's (JUEL and FEEL translated), parsed; None for
    a script or text that does not translate."""
    if site.is_script:
        return None
    source, what = site.source, "timers" if _TIMER.match(site.where) else "conditions"
    try:
        if juel.is_juel(source):
            source = juel.translate(source, "decision tables" if site.path.endswith(".dmn") else what)
        elif feel.is_feel(source):
            source = feel.translate(source, what)
        return ast.parse(source.strip(), mode="eval")
    except (ExpressionError, SyntaxError, ValueError):
        return None


def read_paths(tree: ast.Expression, name: str) -> list[str] | None:
    """What a form could give for ``name`` as ``tree`` reads it: ``[name]`` when it is
    read as a value; its fields' dotted paths when it is read as a record
    (``auction.endDate``, ``auction["endDate"]``); None when some read is neither (a
    position in a list, a computed key, a method): no form field can hold that."""
    parents = {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    paths: list[str] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Name) and node.id == name):
            continue
        path, current = [name], node
        while True:
            parent = parents.get(id(current))
            if isinstance(parent, ast.Attribute) and parent.value is current:
                path.append(parent.attr)
            elif isinstance(parent, ast.Subscript) and parent.value is current:
                key = parent.slice
                if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                    return None
                path.append(key.value)
            else:
                break
            current = parent
        if isinstance(parent, ast.Call) and parent.func is current:
            return None
        dotted = ".".join(path)
        if path_problem(dotted):
            return None
        if dotted not in paths:
            paths.append(dotted)
    records = [p for p in paths if "." in p]
    if not records:
        return paths or [name]
    return [p for p in records if not any(other.startswith(p + ".") for other in records)]


def dotted(node) -> str | None:
    """``auction.endDate`` for the read of a variable or of a record's field, else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = dotted(node.value)
        return f"{inner}.{node.attr}" if inner is not None else None
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        inner = dotted(node.value)
        return f"{inner}.{node.slice.value}" if inner is not None else None
    return None


def covered(path: str, field_ids: Iterable[str]) -> bool:
    """Whether reading ``path`` finds what the fields ``field_ids`` fill: one of them, or
    a record (or a value inside one) they fill."""
    return any(path == f or f.startswith(path + ".") or path.startswith(f + ".") for f in field_ids)
