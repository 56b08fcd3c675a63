"""Turning a BPMN file from another tool into a starting methodology, pure: the
file's bytes in, the files to write and what the designer still has to decide out.

One stage at the start event, one per user task in the order a token first
reaches them (the tasks between a parallel split and its join share one stage: a
deal is in one stage at a time), a won stage at the end events whose id or name says
won, a lost stage at those that say lost (disqualified, nurtured, rejected…), and
for every other end event a stage whose outcome is a TODO that validation refuses:
the importer never guesses "won". A routing skeleton with one role per lane,
candidate group and user, and a proposed worker topic for every service task that
runs another engine's code (a delegate, class, expression or connector), marked as a
proposal to review.
"""

from __future__ import annotations

import dataclasses
import re
from collections import deque
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from engine.errors import BpmnImportError
from engine.methodology.bpmn_source import fresh_id, parse_xml, read_bpmn
from engine.methodology import data_objects, proposals
from engine.methodology.camunda_forms import read_form, read_forms
from engine.methodology.dmn_literals import translate_literals
from engine.methodology.dmn_source import read_dmn
from engine.methodology.crossref import assignment_names
from engine.methodology.model import BpmnProcess, FlowNode
from engine.methodology.gateway_proposals import propose_conditions
from engine.methodology.message_proposals import propose_messages
from engine.methodology.reserved_ids import rename_reserved
from engine.methodology.service_tasks import proposed_topic
from engine.methodology.variables import reads_and_sets
from engine.methodology.zeebe import candidates

_LOST = re.compile(r"lost|los[st]|reject|refus|cancel|declin|abort|fail|not.?qualif|disqualif|unqualif|nurtur"
                   r"|abandon|dropped|no.?deal|verlor|abgelehnt|ablehn|storn|utracon|odrzuc|dyskwalif"
                   r"|rezygn|anulow|porzuc", re.IGNORECASE)
# An end event counts as won only when its id or name says so.
_WON = re.compile(r"(?<![a-z])(won|win|sold)(?![a-z])|closed.?won|success|signed|(?<![a-z])order|contract"
                  r"|deal.?closed|purchase|gewonnen|auftrag|wygran|podpisan|zam[oó]wien|sprzedan|umow",
                  re.IGNORECASE)
_BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_MANAGER = re.compile(r"manag|approv|boss|head|lead|director|supervis|kierown|leiter", re.IGNORECASE)


@dataclass
class ImportPlan:
    methodology: str
    process: str
    files: dict[str, bytes] = field(default_factory=dict)  # path relative to the methodologies folder
    routing_lines: str = ""  # what to add to an existing routing file, when none was written
    decide: list[str] = field(default_factory=list)  # one line each


def methodology_id_for(text: str) -> str:
    slug = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-_")
    slug = re.sub(r"^[^a-z]+", "", slug)[:63].rstrip("-_")
    return slug or "imported"


def _stage_id(text: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    base = re.sub(r"^[^a-z]+", "", base)[:50].rstrip("_") or "stage"
    return fresh_id(base, taken)


def plan_import(file_name: str, data: bytes, *, companions: dict[str, bytes], existing: dict[str, bytes],
                methodology: str | None = None, schemas: str = "../../engine/methodology/schemas") -> ImportPlan:
    """``companions``: other files in the BPMN file's folder (name -> bytes): the called
    processes' BPMN files, DMN and Camunda Forms;
    ``existing``: the methodologies folder's files (relative path -> bytes);
    ``schemas``: where the JSON Schemas are, seen from the folder a YAML file is
    written to (for the editor's ``$schema`` line)."""
    companions, translated = _translated_dmn(companions)
    data, prepared = _prepared_bpmn(file_name, data)
    companions, prepared_in = _prepared_companions(file_name, companions)
    tree, problems = parse_xml(file_name, data)
    if tree is None:
        raise BpmnImportError(f"{file_name} is not a BPMN file: {problems[0].message}")
    facts = read_bpmn(file_name, tree)
    if not facts.processes:
        reason = facts.problems[0].message if facts.problems else "it defines no process"
        raise BpmnImportError(f"{file_name} is not a BPMN file Dealflow can import: {reason}")
    process = _main_process(facts.processes)
    executable = None if process.executable else _executable(data, process.id)
    if executable is not None:  # descriptive models (Signavio, bpmn.io) leave the box unticked
        data = executable
        tree, _ = parse_xml(file_name, data)
        facts = read_bpmn(file_name, tree)
        process = facts.processes[process.id]
    data, dropped = data_objects.drop_unfilled(data, tree.getroot(), _file_sets(facts))
    if dropped:  # drawn for Camunda, which ignores them; SpiffWorkflow would stop the deal
        tree, _ = parse_xml(file_name, data)
        facts = read_bpmn(file_name, tree)
        process = facts.processes[process.id]
    ended = _with_end_event(data, tree, process)
    if ended is not None:  # BPMN ends a path where it stops; the stage table needs an event there
        data, end_id, after = ended
        tree, _ = parse_xml(file_name, data)
        facts = read_bpmn(file_name, tree)
        process = facts.processes[process.id]
    mid = methodology or methodology_id_for(PurePosixPath(file_name).name.split(".")[0] or process.id)
    if not re.fullmatch(r"[a-z][a-z0-9_-]{0,62}", mid):
        raise BpmnImportError(f"'{mid}' cannot be a methodology id: use lowercase letters, digits, '-' and '_', "
                           "starting with a letter")
    plan = ImportPlan(methodology=mid, process=process.id)
    bpmn_path = f"bpmn/{mid}.bpmn"
    stages_path = f"stages/{mid}.yaml"
    _refuse_clashes(existing, mid, process.id, (bpmn_path, stages_path))
    if dropped:
        plan.decide.append(f"{bpmn_path}: data object(s) {', '.join(dropped)} were associated with tasks that set "
                           "nothing of their id; Camunda ignores data associations, SpiffWorkflow would stop the deal: "
                           "the copy drops those associations (set the variable and draw them again to keep them)")
    if executable is not None:
        plan.decide.append(f"{bpmn_path}: process '{process.id}' was not marked executable (isExecutable); the copy "
                           "marks it so, as Camunda Modeler's 'Executable' box does: import-bpmn imports it to run")
    plan.files[bpmn_path] = _with_proposals(plan, bpmn_path, data, tree, facts, process, companions)
    if ended is not None:
        plan.decide.append(f"{bpmn_path}: the process has no end event (BPMN ends it where a path stops: after "
                           f"{', '.join(after)}); import-bpmn drew end event '{end_id}' there, in the copy: say "
                           "in its stage whether a deal that ends there is won or lost")
    others = [p for p in facts.processes if p != process.id]
    if others:
        plan.decide.append(f"{bpmn_path}: the file also holds process(es) {', '.join(others)}, which "
                           f"no stage table uses; process '{process.id}' was imported")
    called = _companion_bpmn(plan, file_name, facts, companions, existing)
    _companion_dmn(plan, facts.decision_refs + [r for f in called for r in f.decision_refs], companions, existing)
    for path, notes in [(bpmn_path, prepared)] + [(f"bpmn/{n}", r) for n, r in sorted(prepared_in.items())]:
        plan.decide += [f"{path}: {note}" for note in notes if path in plan.files]
    for name, count in sorted(translated.items()):
        if f"bpmn/{name}" in plan.files:
            plan.decide.append(f"bpmn/{name}: {count} rule cell(s) written in FEEL (true, false, null) are "
                               "written True, False, None in the copy, as Dealflow's expressions write them")
    _companion_forms(plan, facts.form_refs + [r for f in called for r in f.form_refs], companions, existing)
    table, end_stages = _stage_table(plan, process, file_name, schemas)
    plan.files[stages_path] = table.encode("utf-8")
    _routing(plan, process, _proposed_topics([*facts.processes.values(),  # the called processes' tasks too
                                              *(p for f in called for p in f.processes.values())]),
             existing, schemas)
    _scenarios(plan, process, end_stages, existing, schemas)
    return plan


def _translated_dmn(companions: dict[str, bytes]) -> tuple[dict[str, bytes], dict[str, int]]:
    """The companions with their DMN files' FEEL literals translated (engine.methodology.
    dmn_literals), and how many cells of each changed."""
    result, counts = dict(companions), {}
    for name, blob in companions.items():
        if name.endswith(".dmn"):
            result[name], count = translate_literals(name, blob)
            if count:
                counts[name] = count
    return result, counts


def _prepared_bpmn(name: str, data: bytes) -> tuple[bytes, list[str]]:
    """A BPMN file as import-bpmn copies it: ids the workflow engine reserves renamed
    (engine.methodology.reserved_ids), conditions proposed for each exclusive gateway
    drawn without any (engine.methodology.gateway_proposals) and a message for each
    message element that names none (engine.methodology.message_proposals); a note on
    each change."""
    notes = []
    data, renames = rename_reserved(name, data)
    if renames:
        notes.append(", ".join(f"'{old}'" for old in renames) + " are ids the workflow engine reserves: the copy "
                     "names them " + ", ".join(f"'{new}'" for new in renames.values()) + " (and every reference)")
    data, gateways = propose_conditions(name, data)
    for gateway, variable, labels in gateways:
        notes.append(f"exclusive gateway '{gateway}' names no condition: the copy chooses by {variable} (a choice: "
                     + ", ".join(labels) + "), one condition per way out (marked PROPOSAL); check the name and "
                     "who answers it")
    data, messages = propose_messages(name, data)
    if messages:
        notes.append("message(s) proposed for what named none (marked PROPOSAL): " + ", ".join(
            f"'{node}' -> {message}" for node, message in messages) + "; check each name: it is what a sender "
            "(POST /api/v1/messages, another deal's throw) names")
    return data, notes


def _prepared_companions(source: str, companions: dict[str, bytes]) -> tuple[dict[str, bytes], dict]:
    """The companions' BPMN files prepared like the imported one; file name -> notes."""
    result, notes = dict(companions), {}
    for name, blob in companions.items():
        if name.lower().endswith((".bpmn", ".xml")) and name != PurePosixPath(source).name:
            result[name], notes[name] = _prepared_bpmn(name, blob)
    return result, notes


def _with_proposals(plan: ImportPlan, bpmn_path: str, data: bytes, tree, facts, process: BpmnProcess,
                    companions: dict[str, bytes]) -> bytes:
    """The file with form fields proposed for what it reads and nothing sets
    (engine.methodology.proposals), each listed in what is left to decide: for the
    imported process and for the file's other processes (a collaboration's other
    pools), which validation checks as well."""
    callers = {ref: task for ref, _, task in facts.decision_refs}
    forms, _ = read_forms({name: blob for name, blob in companions.items() if name.endswith(".form")})
    decided, decision_sites = set(), []
    for name, blob in sorted(companions.items()):
        dmn_tree, _ = parse_xml(name, blob) if name.endswith(".dmn") else (None, [])
        if dmn_tree is None:
            continue
        dmn = read_dmn(name, dmn_tree)
        if not set(dmn.decisions) & set(callers):
            continue
        decided |= dmn.outputs
        for site in dmn.expressions:
            decision = re.search(r"decision '([^']+)'", site.where)
            if decision and decision.group(1) in callers:
                decision_sites.append(dataclasses.replace(site, node=callers[decision.group(1)]))
    found: dict[str, list] = {}
    for each in [process, *(p for p in facts.processes.values() if p.id != process.id)]:
        sites = [site for site in [*facts.expressions, *decision_sites] if site.node in each.nodes]
        also_set = set(facts.sets) | decided | {f.id for form in forms.values() for f in form.fields} | {
            name for n in each.nodes.values() if n.external for name in n.external.outputs}
        proposed = proposals.propose(each, sites, also_set, proposals.form_keys_of(tree.getroot()))
        for node_id, fields in proposed.items():
            node = each.nodes[node_id]
            where = (f"the start event {node_id}, asked when a deal is opened (a start form: a token reaches the "
                     "read before any user task)" if node.kind == "startEvent" else
                     f"user task {node_id} ('{node.name}'), whose form Dealflow cannot see (an external formKey "
                     "form, or none)")
            plan.decide.append(f"{bpmn_path}: nothing in the file sets " + ", ".join(map(proposals.describe, fields))
                               + f"; import-bpmn proposes form fields for them on {where}: check label, type and "
                               "choices, or set the values another way (a script, a worker's declared output)")
        found.update(proposed)
    return proposals.write_proposals(data, found) if found else data


def _file_sets(facts) -> set[str]:
    """What the file itself sets: form fields, scripts' assignments, workers' declared
    outputs, multi-instance items (for data objects: named after a variable)."""
    nodes = [n for p in facts.processes.values() for n in p.nodes.values()]
    return set(facts.sets) | {f.variable for n in nodes for f in n.form} | {
        name for n in nodes if n.external for name in n.external.outputs} | {
        name for site in facts.expressions for name in reads_and_sets(site)[1]}


def _executable(data: bytes, process_id: str) -> bytes | None:
    """The file with the process's start tag saying isExecutable="true" (None: not found)."""
    tag = re.search(rb'<(?:[\w.-]+:)?process\b[^>]*?\bid="' + re.escape(process_id.encode("utf-8")) + rb'"[^>]*>',
                    data)
    if tag is None:
        return None
    opening = tag.group(0)
    marked = re.sub(rb'\bisExecutable="[^"]*"', b'isExecutable="true"', opening)
    if marked == opening:
        marked = re.sub(rb"^(<(?:[\w.-]+:)?process\b)", rb'\1 isExecutable="true"', opening)
    return data[:tag.start()] + marked + data[tag.end():]


def _main_process(processes: dict[str, BpmnProcess]) -> BpmnProcess:
    """The executable process with the most user tasks (a collaboration's other
    pools are often drawn as black boxes)."""
    return max(processes.values(), key=lambda p: (p.executable, len(p.user_tasks), len(p.nodes)))


def _with_end_event(data: bytes, tree, process: BpmnProcess) -> tuple[bytes, str, list[str]] | None:
    """For a process without an end event (BPMN ends a path at a node that has no
    outgoing flow): the file with one drawn after each such node, written on the line
    of the process's first flow element so that no other line moves, and (file, the
    end event's id, the nodes it follows). None when the process has an end event."""
    if any(n.kind == "endEvent" and n.parent is None for n in process.nodes.values()):
        return None
    sources = {f.source for f in process.flows}
    order = _flow_order(process)
    stops = [n.id for n in order if n.parent is None and n.id not in sources and n.kind != "startEvent"]
    element = next((el for el in tree.getroot().iter(f"{{{_BPMN}}}process") if el.get("id") == process.id), None)
    first = next((child for child in (element if element is not None else ())
                  if child.get("id") in process.nodes or _local_name(child) == "sequenceFlow"), None)
    if not stops or first is None or not first.sourceline:
        return None
    taken = set(process.nodes) | {f.id for f in process.flows}
    end_id = next(ident for n in range(1, 1000) if (ident := f"EndEvent_import{'' if n == 1 else n}") not in taken)
    tag = (first.prefix + ":" if first.prefix else "")
    drawn = f'<{tag}endEvent id="{end_id}" name="End"/>' + "".join(
        f'<{tag}sequenceFlow id="Flow_{end_id}_{i}" sourceRef="{stop}" targetRef="{end_id}"/>'
        for i, stop in enumerate(stops, 1))
    lines = data.split(b"\n")
    # lxml gives the line where the start tag ends: it may begin a few lines above.
    opening = re.compile(rb"<" + re.escape(f"{tag}{_local_name(first)}".encode()) + rb"(?=[\s/>]|$)")
    for row in range(first.sourceline - 1, max(-1, first.sourceline - 51), -1):
        found = list(opening.finditer(lines[row])) if row < len(lines) else []
        if found:
            at = found[-1].start()
            lines[row] = lines[row][:at] + drawn.encode() + lines[row][at:]
            return b"\n".join(lines), end_id, stops
    return None


def _local_name(el) -> str:
    return el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""


def _refuse_clashes(existing: dict[str, bytes], mid: str, process_id: str, paths: tuple[str, ...]) -> None:
    for path in paths:
        if path in existing:
            raise BpmnImportError(f"{path} already exists; choose another id with --methodology or remove it")
    for path, data in existing.items():
        if path.startswith("stages/") and re.search(rb"^methodology:\s*['\"]?" + re.escape(mid.encode()) +
                                                    rb"['\"]?\s*$", data, re.MULTILINE):
            raise BpmnImportError(f"methodology '{mid}' is already defined in {path}; choose another id with "
                               "--methodology")
        if path.startswith("bpmn/") and path.endswith((".bpmn", ".xml")):
            tree, _ = parse_xml(path, data)
            if tree is not None and process_id in read_bpmn(path, tree).processes:
                raise BpmnImportError(f"process '{process_id}' is already defined in {path}; process ids "
                                   "must be unique: rename one of them")


def _companion_bpmn(plan: ImportPlan, source: str, facts, companions: dict[str, bytes], existing: dict[str, bytes]) -> list:
    """The BPMN files beside the imported one that define the processes its call
    activities call (and those they call in turn), copied under bpmn/ with their
    names: a called process runs within the same deal. Returns their facts."""
    defined = {}  # process id -> (file name, bytes, facts)
    for name, data in sorted(companions.items()):
        if not name.lower().endswith((".bpmn", ".xml")) or name == PurePosixPath(source).name:
            continue
        tree, _ = parse_xml(name, data)
        if tree is None:
            continue
        other = read_bpmn(name, tree)
        for pid in other.processes:
            defined.setdefault(pid, (name, data, other))
    copied: list = []

    def called_by(other) -> list[str]:  # a process chosen by an expression: each it could name
        return [ref for ref, _, _ in other.call_refs] + [
            pid for _, expression, _, _ in other.expression_calls for pid in candidates(expression, defined)]

    wanted = deque(called_by(facts))
    seen = set(facts.processes)
    while wanted:
        pid = wanted.popleft()
        if pid in seen:
            continue
        seen.add(pid)
        if pid not in defined:
            tasks = ", ".join(sorted(t for r, _, t in facts.call_refs + [x for f in copied for x in f.call_refs]
                                     if r == pid))
            plan.decide.append(f"call activity {tasks} calls process '{pid}': copy the BPMN file that defines "
                               "it into bpmn/")
            continue
        name, data, other = defined[pid]
        path = f"bpmn/{name}"
        if path in plan.files:
            continue
        if path in existing:
            raise BpmnImportError(f"{path} already exists; remove it or rename the BPMN file it calls")
        plan.files[path] = data
        copied.append(other)
        seen.update(other.processes)
        wanted.extend(called_by(other))
    return copied


def _companion_dmn(plan: ImportPlan, refs, companions: dict[str, bytes], existing: dict[str, bytes]) -> None:
    wanted = {ref for ref, _, _ in refs}
    found: set[str] = set()
    for name, data in sorted(companions.items()):
        if not name.endswith(".dmn"):
            continue
        tree, _ = parse_xml(name, data)
        decisions = set(read_dmn(name, tree).decisions) if tree is not None else set()
        if decisions & wanted:
            path = f"bpmn/{name}"
            if path in existing:
                raise BpmnImportError(f"{path} already exists; remove it or rename the DMN file")
            plan.files[path] = data
            found |= decisions
    for ref, _, task in refs:
        if ref not in found:
            plan.decide.append(f"business rule task '{task}' calls decision '{ref}': copy the DMN file "
                               "that defines it into bpmn/")


def _companion_forms(plan: ImportPlan, refs, companions: dict[str, bytes], existing: dict[str, bytes]) -> None:
    """The Camunda Forms (``.form``) the process's user tasks name by formId."""
    wanted = {form_id for _, form_id, _ in refs if not form_id.startswith("#")}
    found: set[str] = set()
    for name, data in sorted(companions.items()):
        if not name.endswith(".form"):
            continue
        form = read_form(name, data)
        if form.id in wanted and form.id not in found:
            path = f"bpmn/{name}"
            if path in existing:
                raise BpmnImportError(f"{path} already exists; remove it or rename the form file")
            plan.files[path] = data
            found.add(form.id)
    for form_id in sorted(wanted - found):
        tasks = ", ".join(sorted(t for t, f, _ in refs if f == form_id))
        plan.decide.append(f"user task(s) {tasks} show Camunda Form '{form_id}': copy the .form file that "
                           "defines it into bpmn/")


def _successors(process: BpmnProcess) -> dict[str, list[str]]:
    """Where a token goes next from each node. A subprocess leads into its own start
    events, and its end events lead on to where the subprocess's flows go, so that
    what follows a subprocess comes after what is inside it."""
    inner_ends: dict[str, list[str]] = {}
    for node in process.nodes.values():
        if node.parent and node.kind == "endEvent":
            inner_ends.setdefault(node.parent, []).append(node.id)
    successors: dict[str, list[str]] = {}
    for flow in process.flows:
        for source in inner_ends.get(flow.source, [flow.source]):
            successors.setdefault(source, []).append(flow.target)
    for node in process.nodes.values():
        if node.attached_to:
            successors.setdefault(node.attached_to, []).append(node.id)
        if node.parent and node.kind == "startEvent":
            successors.setdefault(node.parent, []).insert(0, node.id)
    return successors


def _flow_order(process: BpmnProcess) -> list[FlowNode]:
    """Nodes in the order a token first reaches them from the top-level start events."""
    successors = _successors(process)
    starts = [n.id for n in process.nodes.values() if n.kind == "startEvent" and n.parent is None]
    seen, order, queue = set(starts), [], deque(starts)
    while queue:
        node_id = queue.popleft()
        if node_id not in process.nodes:
            continue
        order.append(process.nodes[node_id])
        for nxt in successors.get(node_id, ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return order


_FORKING = ("parallelGateway", "inclusiveGateway")


def _parallel_blocks(process: BpmnProcess) -> dict[str, str]:
    """user task id -> the parallel (or inclusive) split whose block it is in, the
    outermost one: the nodes between a split and its matching join run at once."""
    successors = _successors(process)
    incoming: dict[str, int] = {}
    for flow in process.flows:
        incoming[flow.target] = incoming.get(flow.target, 0) + 1
    block_of: dict[str, str] = {}
    for split in (n for n in process.nodes.values()
                  if n.kind in _FORKING and len(successors.get(n.id, ())) > 1):
        seen: set[tuple[str, int]] = set()
        stack = [(nxt, 1) for nxt in successors[split.id]]
        while stack:
            node_id, depth = stack.pop()
            node = process.nodes.get(node_id)
            # A split inside a loop would open one more level on every pass: no
            # block nests deeper than there are nodes, so stop there (else: no end).
            if node is None or (node_id, depth) in seen or depth > len(process.nodes):
                continue
            seen.add((node_id, depth))
            if node.kind in _FORKING and incoming.get(node_id, 0) > 1:
                depth -= 1  # a join closes the innermost open split
                if depth == 0:
                    continue
            if node.kind in _FORKING and len(successors.get(node_id, ())) > 1:
                depth += 1
            if node.kind == "userTask":
                block_of.setdefault(node_id, split.id)
            stack += [(nxt, depth) for nxt in successors.get(node_id, ())]
    return block_of


def _yaml_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _stage_table(plan: ImportPlan, process: BpmnProcess, file_name: str,
                 schemas: str) -> tuple[str, dict[str, tuple[str, str]]]:
    """The stage table's text, and for each top-level end event (stage id, outcome)."""
    order = _flow_order(process)
    reached = {n.id for n in order}
    taken: set[str] = set()
    stages: list[tuple[str, str, str, list[str], str]] = []  # id, name, outcome, nodes, comment
    starts = [n for n in order if n.kind == "startEvent" and n.parent is None]
    if starts:
        stages.append((_stage_id(starts[0].name if starts[0].name != starts[0].id else "new", taken),
                       starts[0].name if starts[0].name != starts[0].id else "New", "open",
                       [starts[0].id], "# TODO: probability of winning at this stage (0-100)"))
    blocks = _parallel_blocks(process)
    done_blocks: set[str] = set()
    for task in (n for n in order if n.kind == "userTask"):
        block = blocks.get(task.id)
        if block is None:
            stages.append((_stage_id(task.name, taken), task.name, "open", [task.id],
                           "# TODO: probability of winning at this stage (0-100)"))
        elif block not in done_blocks:
            done_blocks.add(block)
            together = [n for n in order if blocks.get(n.id) == block]
            name = " + ".join(n.name for n in together)
            stages.append((_stage_id(name, taken), name, "open", [n.id for n in together],
                           "# TODO: probability (0-100); these tasks run at the same time"))
    unreached = [t.id for t in process.user_tasks if t.id not in reached]
    if unreached:
        plan.decide.append(f"user task(s) {', '.join(unreached)} cannot be reached from the start event, "
                           "so they have no stage: draw a sequence flow to them or delete them")
    ends = [n for n in order if n.kind == "endEvent" and n.parent is None]
    lost = [n for n in ends if _LOST.search(n.id) or _LOST.search(n.name)]
    won = [n for n in ends if n not in lost and (_WON.search(n.id) or _WON.search(n.name))]
    unknown = [n for n in ends if n not in lost and n not in won]
    stages_path = f"stages/{plan.methodology}.yaml"
    if won:
        stages.append((_stage_id("won", taken), "Won", "won", [n.id for n in won],
                       "# a won stage always gives 100"))
    elif unknown:
        plan.decide.append(f"{stages_path}: no end event says the deal is won: make one of the TODO "
                           "stages 'outcome: won'")
    else:
        stages.append((_stage_id("won", taken), "Won", "won", ["TODO_won_end_event"],
                       "# TODO: TODO_won_end_event is a placeholder: draw the end event of a won deal"))
        plan.decide.append(f"{stages_path}: the process has no end event for a won deal: draw one and put "
                           "its id in stage 'won' (now the placeholder TODO_won_end_event)")
    if lost:
        stages.append((_stage_id("lost", taken), "Lost", "lost", [n.id for n in lost],
                       "# a lost stage always gives 0"))
    else:
        # Deals can always be closed as lost by hand; a stage entered at no node is for that.
        stages.append((_stage_id("lost", taken), "Lost", "lost", [],
                       "# entered when someone closes a deal as lost by hand"))
        plan.decide.append(f"{stages_path}: the process has no end event for a lost deal (none is named "
                           "lost, rejected or cancelled), so deals are lost only when closed by hand; to lose "
                           "them in the process too, draw one and put its id in stage 'lost'")
    for end in unknown:
        name = end.name if end.name != end.id else f"End {end.id}"
        stages.append((_stage_id(name, taken), name, "TODO", [end.id],
                       "# TODO: won or lost? (outcome: won or outcome: lost)"))
        plan.decide.append(f"{stages_path}: end event {end.id}"
                           + (f" ('{end.name}')" if end.name != end.id else "")
                           + " says neither won nor lost: write 'outcome: won' or 'outcome: lost' in its "
                           "stage (now TODO, which cannot be deployed)")
    open_count = sum(1 for s in stages if s[2] == "open")
    plan.decide.append(f"{stages_path}: set the probability of each of the {open_count} open stages "
                       "(marked TODO), and check their names and order")
    lines = [
        f"# yaml-language-server: $schema={schemas}/stages.schema.json",
        f"# Imported by 'dealflow import-bpmn' from {PurePosixPath(file_name).name}.",
        f"methodology: {plan.methodology}",
        'version: "0.1"',
        f"name: {_yaml_text(process.name)}",
        f"process: {process.id}",
        "stages:",
    ]
    end_ids = {n.id for n in ends}
    end_stages = {node: (ident, outcome) for ident, _, outcome, nodes, _ in stages for node in nodes
                  if node in end_ids}
    for ident, name, outcome, nodes, comment in stages:
        probability = {"won": 100, "lost": 0}.get(outcome, 0)  # a TODO outcome: the designer decides
        lines += [f"  - id: {ident}", f"    name: {_yaml_text(name)}",
                  f"    probability: {probability}  {comment}",
                  f"    outcome: {outcome}", f"    entered_at: [{', '.join(nodes)}]", ""]
    return "\n".join(lines).rstrip("\n") + "\n", end_stages


def _path_to(process: BpmnProcess, target: str) -> list[FlowNode]:
    """The user tasks on the shortest way from the start to ``target``."""
    successors = _successors(process)
    starts = [n.id for n in process.nodes.values() if n.kind == "startEvent" and n.parent is None]
    before: dict[str, str | None] = {s: None for s in starts}
    queue = deque(starts)
    while queue and target not in before:
        node_id = queue.popleft()
        for nxt in successors.get(node_id, ()):
            if nxt not in before:
                before[nxt] = node_id
                queue.append(nxt)
    path, node_id = [], target if target in before else None
    while node_id is not None:
        path.append(node_id)
        node_id = before[node_id]
    # The shortest way takes one branch of a parallel block; a deal has to do them all.
    blocks, order = _parallel_blocks(process), _flow_order(process)
    tasks: list[FlowNode] = []
    for node_id in reversed(path):
        node = process.nodes.get(node_id)
        if node is None or node.kind != "userTask" or node in tasks:
            continue
        block = blocks.get(node_id)
        tasks += [n for n in order if n.kind == "userTask" and blocks.get(n.id) == block] if block else [node]
    return tasks


def _scenarios(plan: ImportPlan, process: BpmnProcess, end_stages: dict[str, tuple[str, str]],
               existing: dict[str, bytes], schemas: str) -> None:
    """One scenario per end event (``dealflow test``), as a starting point: the user
    tasks on the shortest way there, and what must hold at the end. Which answers
    lead there is the designer's to write."""
    written = []
    for end_id, (stage_id, outcome) in end_stages.items():
        end = process.nodes[end_id]
        path = f"scenarios/{plan.methodology}-{_stage_id(end.name if end.name != end.id else end.id, set())}.yaml"
        if path in existing or path in plan.files:
            continue
        lines = [f"# yaml-language-server: $schema={schemas}/scenario.schema.json",
                 f"# Written by 'dealflow import-bpmn': the user tasks on the shortest way to {end_id}.",
                 "# TODO: give each task the answers (values: {field: value}) that lead there.",
                 f"scenario: {_yaml_text(f'{process.name} ends at {end.name}')}",
                 f"methodology: {plan.methodology}"]
        tasks = _path_to(process, end_id)
        lines.append("steps:" if tasks else "steps: []  # no user task on the way")
        lines += [f"  - answer: {{task: {task.id}}}" for task in tasks]
        lines.append("expect:")
        lines.append(f"  status: {outcome}" if outcome in ("won", "lost") else f"  stage: {stage_id}")
        plan.files[path] = ("\n".join(lines) + "\n").encode("utf-8")
        written.append(path)
    if written:
        plan.decide.append(f"scenarios/: {len(written)} scenario(s), one per end event: give each task the "
                           "answers that lead to its end, then run 'dealflow test'")


def _proposed_topics(processes) -> list[str]:
    """``key: topic  # PROPOSAL ...`` lines for the routing's integration section: one
    per implementation another engine would run (every process of the file, as
    validation checks them all), the tasks that run it named in the comment."""
    proposals: dict[str, tuple[str, str, list[str]]] = {}  # key -> (topic, how, task ids)
    for process in processes:
        for node in process.nodes.values():
            proposal = proposed_topic(node.external, node.name) if node.external is not None else None
            if proposal is not None:
                key, topic = proposal
                how = node.external.how if key != node.id or not node.external.value else \
                    f"{node.external.how}=\"{_one_line(node.external.value, 60)}\""
                proposals.setdefault(key, (topic, how, []))[2].append(node.id)
    return [f"      {_key(key)}: {topic}  # PROPOSAL: {how} of {', '.join(tasks)}"
            for key, (topic, how, tasks) in proposals.items()]


def _one_line(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _routing(plan: ImportPlan, process: BpmnProcess, topics: list[str], existing: dict[str, bytes],
             schemas: str) -> None:
    mid = plan.methodology
    if topics:
        plan.decide.append(
            f"integration: {len(topics)} worker topic(s) proposed for what the service tasks ran in the other "
            "engine (marked PROPOSAL): review each name, then write a worker that fetches it (docs/integration.md)")
    names = assignment_names(process)
    blocks: list[tuple[str, list[str]]] = []
    lanes = []
    for i, lane in enumerate(process.lanes):
        role = "owner_manager" if _MANAGER.search(lane) else ("owner" if i == 0 else "team_queue")
        lanes.append(f"    {_key(lane)}: {role}  # TODO: who works lane '{lane}'")
    if lanes:
        blocks.append(("lanes", lanes))
    for key, what in (("groups", "candidate group"), ("users", "user")):
        entries = []
        for name in sorted(names[key]):
            role = "owner_manager" if key == "groups" and _MANAGER.search(name) else (
                "team_queue" if key == "groups" else "owner")
            entries.append(f"    {_key(name)}: {role}  # TODO: who is {what} '{name}'")
        if entries:
            blocks.append((key, entries))
    routing_files = [p for p in existing if p.startswith("routing/") and p.endswith((".yaml", ".yml"))]
    if routing_files:
        target = sorted(routing_files)[0]
        text = [f"add to {target} (the engine reads one routing file):"]
        for key, entries in blocks:
            text += [f"  under '{key}:'", f"    {mid}:", *("  " + e for e in entries)]
        if topics:
            text += ["  under 'integration:'", f"    {mid}:", "      topics:", *("  " + t for t in topics)]
        text += ["  under 'segments:' (before the catch-all), a segment with", f"    methodology: {mid}"]
        plan.routing_lines = "\n".join(text)
        plan.decide.append(f"{target}: add this methodology's roles and a segment (lines printed above)")
        return
    lines = [f"# yaml-language-server: $schema={schemas}/routing.schema.json",
             "routing: default"]
    if not lanes:
        lines.append("lanes: {}  # the process has no lanes: its tasks name their groups and users")
    for key, entries in blocks:
        lines += [f"{key}:", f"  {mid}:", *entries]
    if topics:
        lines += ["integration:  # PROPOSALS by import-bpmn: review each topic; a worker fetches it (docs/integration.md)",
                  f"  {mid}:", "    topics:  # what the task ran in the other engine (or the task's id) -> topic",
                  *topics]
    lines += ["segments:", f"  - id: {mid}-all  # TODO: which opportunities follow this methodology",
              f"    name: {_yaml_text(process.name)}", f"    methodology: {mid}",
              "    team: sales  # TODO: the team that works these deals",
              "    assignment: round_robin  # or fewest_open_tasks, territory_map"]
    plan.files[f"routing/{mid}.yaml"] = ("\n".join(lines) + "\n").encode("utf-8")
    plan.decide.append(f"routing/{mid}.yaml: choose who works each lane, group and user (marked TODO), "
                       "and the segment's condition and team")


def _key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z_][\w.-]*", name) else _yaml_text(name)
