"""What ``dealflow import-bpmn`` proposes for the variables a process reads and
nothing in its file sets. Pure: the file's facts in, form fields per flow node out,
and the file's bytes with them written in.

Camunda and Flowable processes read data that their external forms (``formKey``),
Camunda Tasklist's generic form or the variables an instance is started with
provide; none of that comes along with the file. For each such variable the
importer proposes a form field where the data evidently comes from:

- on the nearest user task before the read whose form Dealflow cannot see (it
  names a ``formKey``, or has no form at all);
- on the start event — the process's start form, asked when a deal is opened —
  when a token can reach the read from the start without passing a user task.

The field's type follows how the process reads it: compared with text, a choice
of those texts (in the order the file writes them); with True/False, yes/no; with
numbers, or in arithmetic other than ``+`` (which joins texts too), a number; the
date a timer waits until (``timeDate``), a date. Each proposal is required (the process cannot go on without
it) and written as Camunda's ``camunda:formData`` — Dealflow's own form format —
with a comment asking the designer to review it.
"""

from __future__ import annotations

import ast
import re
from collections import deque
from dataclasses import dataclass, field

from engine.methodology import field_paths
from engine.methodology.model import BpmnProcess, ExpressionSite
from engine.methodology.variables import ALWAYS_SET, FEEL_LITERALS, reads_and_sets

CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_VENDORS = ("http://camunda.org/schema/1.0/bpmn", "http://activiti.org/bpmn", "http://flowable.org/bpmn")
_TIMER = re.compile(r"timer (timeDuration|timeDate|timeCycle) of ")
_NUMERIC = (ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)
_EMPTY_FORM_DATA = re.compile(rb"<camunda:formData\s*/>")


@dataclass
class Proposal:
    """A form field proposed for one variable: ``type`` is a Camunda form type."""

    variable: str
    type: str = "string"
    choices: list[str] = field(default_factory=list)
    read_at: int = 0  # the line of its first read
    workers: list[str] = field(default_factory=list)  # external tasks before the read that may set it too
    record: bool = False  # read in a way no form field can give (a list's item, a computed key)


def propose(process: BpmnProcess, sites: list[ExpressionSite], also_set: set[str],
            form_keys: dict[str, str]) -> dict[str, list[Proposal]]:
    """Flow node id -> the fields proposed for it. ``sites``: the expressions the
    process evaluates (with their nodes; a decision's cells under the business rule
    task that calls it); ``also_set``: what the file's other parts set (decision
    outputs, multi-instance items, workers' declared outputs); ``form_keys``: user
    task id -> its formKey."""
    ids = {f.id for node in process.nodes.values() for f in node.form} | set(also_set)
    known = set(ALWAYS_SET) | {name for name in ids if "." not in name}
    filled = {name for name in ids if "." in name}  # the records' fields forms fill
    for site in sites:
        known |= reads_and_sets(site)[1]
    before = _predecessors(process)
    starts = [n.id for n in process.nodes.values() if n.kind == "startEvent" and n.parent is None]
    proposed: dict[str, dict[str, Proposal]] = {}
    for site in sorted(sites, key=lambda s: s.line):
        missing = sorted(reads_and_sets(site)[0] - known - set(FEEL_LITERALS))  # validation names those
        if not missing or site.node not in process.nodes:
            continue
        tree = field_paths.expression_tree(site)
        wanted = {}
        for name in missing:
            targets = field_paths.read_paths(tree, name) if tree is not None else [name]
            fields = [f for f in filled if f.split(".", 1)[0] == name]
            if fields:  # a record some form fills: only the paths none of its fields gives
                targets = [t for t in targets or () if not field_paths.covered(t, fields)]
                if not targets:
                    continue
            wanted[name] = targets
        home, workers = _home(process, site.node, before, starts, form_keys) if wanted else (None, [])
        if home is None:
            continue
        for name, targets in wanted.items():
            for target in targets or [name]:
                proposal = proposed.setdefault(home, {}).setdefault(target, Proposal(target, read_at=site.line))
                proposal.workers += [w for w in workers if w not in proposal.workers]
                proposal.record = proposal.record or targets is None
                _learn_type(proposal, site, tree)
    # A variable read as a value somewhere and as a record elsewhere (auction, auction.endDate):
    # its fields are proposed; the value it is read as is the record they fill.
    paths = {p.variable for fields in proposed.values() for p in fields.values() if "." in p.variable}
    found = {node: [p for p in fields.values() if not p.record
                    and not any(other.startswith(p.variable + ".") for other in paths)]
             for node, fields in proposed.items()}
    return {node: fields for node, fields in found.items() if fields}


def _predecessors(process: BpmnProcess) -> dict[str, list[str]]:
    """Where a token can come from, for each node: flows' sources, the activity a
    boundary event is attached to, a subprocess for its start events and its end
    events for the subprocess (what follows it comes after what is inside it)."""
    before: dict[str, list[str]] = {}
    for flow in process.flows:
        before.setdefault(flow.target, []).append(flow.source)
    for node in process.nodes.values():
        if node.attached_to:
            before.setdefault(node.id, []).append(node.attached_to)
        if node.parent and node.kind == "startEvent":
            before.setdefault(node.id, []).append(node.parent)
        if node.parent and node.kind == "endEvent":
            before.setdefault(node.parent, []).insert(0, node.id)
    return before


def _home(process: BpmnProcess, node_id: str, before, starts, form_keys) -> tuple[str | None, list[str]]:
    """(The start event when the start reaches ``node_id`` without passing a user task,
    else the nearest user task before it whose form Dealflow cannot see, else None;
    the names of the external tasks declaring no outputs passed on the way)."""
    seen, queue, tasks, workers = {node_id}, deque([node_id]), [], []
    while queue:
        current = queue.popleft()
        node = process.nodes.get(current)
        if node is None:
            continue
        if current != node_id and node.kind == "userTask":
            tasks.append(node)
            continue
        if node.external is not None and not node.external.outputs:
            workers.append(f"'{node.name}' ({node.external.value})")
        if current in starts:
            return current, workers
        for previous in before.get(current, ()):
            if previous not in seen:
                seen.add(previous)
                queue.append(previous)
    for task in tasks:
        if task.id in form_keys or not task.form:
            return task.id, workers
    return None, workers


def _learn_type(proposal: Proposal, site: ExpressionSite, tree: ast.Expression | None) -> None:
    """Read the site's comparisons of the variable (or record field): text, True/False or numbers."""
    target = proposal.variable
    timer = _TIMER.match(site.where)
    if timer and timer.group(1) == "timeDate" and \
            re.sub(r"^\$\{\s*|\s*\}$|^=\s*", "", site.source.strip()) == target:
        proposal.type = "date"  # the timer waits until the date the variable holds
    if tree is None or timer:
        return
    # A decision's input expression and output cells are values, not conditions: only
    # its rule cells (comparisons) say what the variable holds.
    dmn_value = site.path.endswith(".dmn") and not site.where.startswith("rule ")
    for node in ast.walk(tree) if not dmn_value else ():  # read as a condition of its own: yes/no
        alone = [node.body] if isinstance(node, ast.Expression) else node.values if isinstance(
            node, ast.BoolOp) else [node.operand] if isinstance(node, ast.UnaryOp) and isinstance(
            node.op, ast.Not) else []
        if any(field_paths.dotted(o) == target for o in alone) and proposal.type == "string":
            proposal.type = "boolean"
    for arithmetic in (n for n in ast.walk(tree) if isinstance(n, ast.BinOp) and isinstance(n.op, _NUMERIC)):
        if proposal.type == "string" and any(field_paths.dotted(o) == target for o in (arithmetic.left, arithmetic.right)):
            proposal.type = "decimal"  # divided, multiplied, subtracted: a number ('+' joins texts too)
    for compare in (n for n in ast.walk(tree) if isinstance(n, ast.Compare)):
        operands = [compare.left, *compare.comparators]
        if not any(field_paths.dotted(o) == target for o in operands):
            continue
        for other in operands:
            if not isinstance(other, ast.Constant):
                continue
            value = other.value
            if isinstance(value, bool):
                proposal.type = "boolean"
            elif isinstance(value, str) and proposal.type in ("string", "enum"):
                proposal.type = "enum"
                if value not in proposal.choices:
                    proposal.choices.append(value)
            elif isinstance(value, (int, float)) and proposal.type == "string":
                proposal.type = "long" if isinstance(value, int) else "decimal"
            elif isinstance(value, float) and proposal.type == "long":
                proposal.type = "decimal"


def form_keys_of(root) -> dict[str, str]:
    """User task id -> its formKey (Camunda, Activiti or Flowable)."""
    found = {}
    for task in root.iter(f"{{{BPMN}}}userTask"):
        for namespace in _VENDORS:
            key = task.get(f"{{{namespace}}}formKey")
            if key is not None and task.get("id"):
                found[task.get("id")] = key
    return found


def write_proposals(data: bytes, proposals: dict[str, list[Proposal]]) -> bytes:
    """The BPMN file with each proposal written as a ``camunda:formField`` of its node,
    inside its ``extensionElements`` (added where the schema puts it: after its
    documentation). The rest of the file stays byte for byte as it was."""
    for node_id, fields in proposals.items():
        data = _insert_form(data, node_id, fields)
    return data


def _insert_form(data: bytes, node_id: str, fields: list[Proposal]) -> bytes:
    opening = re.search(rb'<(?P<prefix>[\w.-]+:)?(?P<tag>userTask|startEvent)\b[^>]*?\bid="'
                        + re.escape(node_id.encode("utf-8")) + rb'"[^>]*?(?P<empty>/?)>', data)
    if opening is None:
        return data
    prefix = (opening.group("prefix") or b"").decode("utf-8")
    line_start = data.rfind(b"\n", 0, opening.start()) + 1
    indent = re.match(rb"[ \t]*", data[line_start:opening.start()]).group(0).decode("utf-8") + "  "
    lines = [f'<camunda:formData xmlns:camunda="{CAMUNDA}">',
             "  <!-- Proposed by dealflow import-bpmn: the process reads these and nothing in the file sets "
             "them. Review each field (label, type, choices). -->"]
    for proposal in fields:
        lines.append(f'  <camunda:formField id="{proposal.variable}" label="{_attr(field_paths.label_of(proposal.variable))}" '
                     f'type="{proposal.type}">')
        lines.append('    <camunda:validation><camunda:constraint name="required" /></camunda:validation>')
        lines += [f'    <camunda:value id="{_attr(c)}" name="{_attr(c)}" />' for c in proposal.choices]
        lines.append("  </camunda:formField>")
    lines.append("</camunda:formData>")
    tag = prefix + opening.group("tag").decode("utf-8")
    if opening.group("empty"):
        block = "\n".join([f"{indent}<{prefix}extensionElements>", *(indent + "  " + x for x in lines),
                           f"{indent}</{prefix}extensionElements>"])
        closed = data[opening.start():opening.end() - 2].rstrip() + b">\n" + block.encode("utf-8") + \
            f"\n{indent[:-2]}</{tag}>".encode("utf-8")
        return data[:opening.start()] + closed + data[opening.end():]
    closing = data.find(f"</{tag}>".encode("utf-8"), opening.end())
    if closing < 0:
        return data
    inside = data[opening.end():closing]
    existing = re.search(rb"<" + re.escape(prefix.encode("utf-8")) + rb"extensionElements\b[^>]*?(/?)>", inside)
    if existing is not None and existing.group(1):  # <extensionElements />: open it
        at, end = opening.end() + existing.start(), opening.end() + existing.end()
        block = "\n".join([f"<{prefix}extensionElements>", *(indent + "  " + x for x in lines),
                           f"{indent}</{prefix}extensionElements>"])
        return data[:at] + block.encode("utf-8") + data[end:]
    if existing is not None:
        at = opening.end() + existing.end()
        closing_ext = inside.find(f"</{prefix}extensionElements>".encode("utf-8"), existing.end())
        empty = _EMPTY_FORM_DATA.search(inside, existing.end(), closing_ext if closing_ext >= 0 else len(inside))
        if empty is not None:  # Camunda Modeler's empty <camunda:formData />: the proposal takes its place
            start, end = opening.end() + empty.start(), opening.end() + empty.end()
            block = lines[0] + "".join("\n" + indent + "  " + x for x in lines[1:])
            return data[:start] + block.encode("utf-8") + data[end:]
        block = "".join("\n" + indent + "  " + x for x in lines)
    else:
        documented = inside.rfind(f"</{prefix}documentation>".encode("utf-8"))
        at = opening.end() + (documented + len(f"</{prefix}documentation>") if documented >= 0 else 0)
        block = "\n".join(["", f"{indent}<{prefix}extensionElements>", *(indent + "  " + x for x in lines),
                           f"{indent}</{prefix}extensionElements>"])
    return data[:at] + block.encode("utf-8") + data[at:]


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def describe(proposal: Proposal) -> str:
    """``vacationApproved (a choice: Reject, Approve)`` for the importer's to-do list."""
    kind = {"enum": "a choice: " + ", ".join(proposal.choices), "boolean": "yes/no", "long": "a whole number",
            "decimal": "a number", "date": "a date"}.get(proposal.type, "text")
    workers = (f"; a worker may set it instead — {', '.join(proposal.workers)} before the read declare(s) no "
               "outputs: if so, declare it as the task's output and delete the proposed field"
               if proposal.workers else "")
    return f"{proposal.variable} ({kind}; read at line {proposal.read_at}{workers})"
