"""Checks across files: stage -> BPMN node, lane -> role, questionnaire -> task or
stage, routing -> methodology, and that won and lost outcomes are reachable."""

from __future__ import annotations

from engine.methodology import due_dates
from engine.methodology.graph import reachable_nodes
from engine.methodology.model import INITIATOR, BpmnProcess, Methodology, Questionnaire, Routing, Stage
from engine.methodology.problems import Problem, did_you_mean, did_you_mean_or_known
from engine.methodology.yaml_source import YamlDocument


def check_stages(doc: YamlDocument, stages: tuple[Stage, ...], process: BpmnProcess,
                 *, outcomes: bool = True) -> list[Problem]:
    """Stage -> BPMN node checks; ``outcomes=False`` skips the won/lost reachability
    (for a stage table whose outcomes did not pass the schema)."""
    problems = []
    reachable = reachable_nodes(process)
    # With a flow to a node that does not exist (reported with the BPMN file),
    # what looks unreachable is only a consequence; say nothing about it.
    flows_complete = all(f.source in process.nodes and f.target in process.nodes for f in process.flows)
    owner: dict[str, str] = {}
    reachable_outcomes = set()
    for si, stage in enumerate(stages):
        # A lost stage without nodes is entered by closing a deal by hand, which is always possible.
        stage_reachable = not stage.entered_at and stage.outcome == "lost"
        for ni, node_id in enumerate(stage.entered_at):
            line = doc.line_of(("stages", si, "entered_at", ni))
            if node_id not in process.nodes:
                problems.append(Problem(
                    doc.path, line,
                    f"stage '{stage.id}' is entered at BPMN node '{node_id}', which process "
                    f"'{process.id}' does not have{did_you_mean(node_id, process.nodes)}"))
                continue
            if node_id in owner:
                problems.append(Problem(
                    doc.path, line,
                    f"BPMN node '{node_id}' already puts the opportunity in stage '{owner[node_id]}'; "
                    "a node can enter only one stage"))
            owner.setdefault(node_id, stage.id)
            if node_id in reachable or not flows_complete:
                stage_reachable = True
            else:
                problems.append(Problem(
                    doc.path, line,
                    f"stage '{stage.id}' can never be entered: BPMN node '{node_id}' cannot be "
                    f"reached from the start of process '{process.id}'; draw a sequence flow "
                    "to it from a node that runs"))
        if stage_reachable:
            reachable_outcomes.add(stage.outcome)
    defined = {s.outcome for s in stages}
    for outcome in ("won", "lost"):
        if outcomes and outcome in defined and outcome not in reachable_outcomes and not problems:
            problems.append(Problem(
                doc.path, doc.key_line_of(("stages",)),
                f"no {outcome} stage can be reached from the start of process '{process.id}'"))
    if outcomes and {"won", "lost"} <= defined:  # else that is the problem to fix first
        problems += _ends_without_outcome(doc, stages, process, reachable_nodes(process, side_branches=False))
    return problems


def _ends_without_outcome(doc: YamlDocument, stages: tuple[Stage, ...], process: BpmnProcess,
                          reachable: frozenset[str]) -> list[Problem]:
    """A deal whose process ends where no won or lost stage is entered would stay open
    forever with nothing left to do: every end event on the main path (not the end of
    a side branch a non-interrupting boundary event started) must close it."""
    closing = {node for s in stages if s.outcome in ("won", "lost") for node in s.entered_at}
    problems = []
    for node in process.nodes.values():
        if node.kind != "endEvent" or node.parent is not None or node.id not in reachable or node.id in closing:
            continue
        named = f" ('{node.name}')" if node.name != node.id else ""
        problems.append(Problem(
            doc.path, doc.key_line_of(("stages",)),
            f"end event '{node.id}'{named} ({process.path}:{node.line}) ends the process, but no won or lost "
            "stage is entered there, so a deal ending there would stay open with nothing to do; put it "
            "in the entered_at of a won or a lost stage"))
    return problems


def check_questionnaire(q: Questionnaire, doc: YamlDocument,
                        methodologies: dict[str, Methodology | None]) -> list[Problem]:
    """``methodologies`` maps the id of a stage table that failed to load to None."""
    if q.methodology in methodologies and methodologies[q.methodology] is None:
        return []  # its stage table has problems of its own; don't add noise
    methodology = methodologies.get(q.methodology)
    if methodology is None:
        return [Problem(doc.path, doc.line_of(("methodology",)),
                        f"unknown methodology '{q.methodology}'"
                        f"{did_you_mean_or_known(q.methodology, methodologies, 'methodologies')}")]
    process = methodology.process
    if q.task is not None:
        line = doc.line_of(("attached_to", "task"))
        node = process.nodes.get(q.task)
        if node is None:
            tasks = [t.id for t in process.user_tasks]
            return [Problem(doc.path, line, f"process '{process.id}' has no user task '{q.task}'"
                                            f"{did_you_mean(q.task, tasks)}")]
        if node.kind != "userTask":
            return [Problem(doc.path, line, f"'{q.task}' is a {node.kind}, not a user task: "
                                            "a questionnaire is filled in at a user task")]
    if q.stage is not None and q.stage not in {s.id for s in methodology.stages}:
        return [Problem(doc.path, doc.line_of(("attached_to", "stage")),
                        f"methodology '{methodology.id}' has no stage '{q.stage}'"
                        f"{did_you_mean(q.stage, [s.id for s in methodology.stages])}")]
    return []


def check_lanes_assigned(methodology: Methodology) -> list[Problem]:
    """In a process with lanes, a user task outside every lane that names nobody
    itself is a drawing mistake: routing could not say who works it. A process
    without any lanes is one person's: its unassigned tasks go to the deal's owner."""
    process = methodology.process
    if not process.lanes:
        return []
    unassigned = [t for t in process.user_tasks if t.lane is None and not t.assigned]
    return [Problem(process.path, t.line,
                    f"user task '{t.id}' is in no lane and names no camunda:candidateGroups or "
                    "camunda:assignee, so routing cannot assign it to anyone")
            for t in unassigned]


def assignment_names(process: BpmnProcess) -> dict[str, dict[str, list]]:
    """"groups"/"users" -> name -> the user tasks naming it (``${initiator}`` needs no mapping)."""
    names: dict[str, dict[str, list]] = {"groups": {}, "users": {}}
    for task in process.user_tasks:
        for key, values in (("users", (task.assignee,) if task.assignee else ()),
                            ("groups", task.candidate_groups), ("users", task.candidate_users)):
            for name in values:
                if name != INITIATOR:
                    names[key].setdefault(name, []).append(task)
    return names


_ROLE_HINT = "owner, owner_manager, team_queue, {user: NAME} or {team: NAME}"


def _check_assignments(routing: Routing, doc: YamlDocument, methodologies: dict) -> list[Problem]:
    """Every group and user a process names is mapped by the routing file, and the
    routing file maps only names its process uses."""
    problems = []
    mentioned = {*routing.lanes, *routing.groups, *routing.users, *(s.methodology for s in routing.segments)}
    for key, what in (("groups", "candidate group"), ("users", "user")):
        maps = getattr(routing, key)
        for mid in maps:
            if mid not in methodologies:
                problems.append(Problem(doc.path, doc.key_line_of((key, mid)), f"unknown methodology '{mid}'"
                                        f"{did_you_mean_or_known(mid, methodologies, 'methodologies')}"))
        for mid in sorted(mentioned):
            methodology = methodologies.get(mid)
            if methodology is None:
                continue
            process = methodology.process
            used = assignment_names(process)[key]
            mapped = maps.get(mid, {})
            for name, tasks in used.items():
                if name in mapped:
                    continue
                for task in tasks:
                    problems.append(Problem(
                        process.path, task.line,
                        f"user task '{task.id}' names {what} '{name}', which {doc.path} does not map for "
                        f"methodology '{mid}': add '{key}: {{{mid}: {{{name}: ROLE}}}}' with ROLE one of "
                        f"{_ROLE_HINT}{did_you_mean(name, mapped)}"))
            for name in mapped:
                if name not in used:
                    problems.append(Problem(
                        doc.path, doc.key_line_of((key, mid, name)),
                        f"no user task of process '{process.id}' names {what} '{name}'"
                        f"{did_you_mean_or_known(name, used, key)}"))
    return problems


def check_routing(routing: Routing, doc: YamlDocument, methodologies: dict[str, Methodology]) -> list[Problem]:
    problems = []
    for mid, lanes in routing.lanes.items():
        line = doc.key_line_of(("lanes", mid))
        methodology = methodologies.get(mid)
        if methodology is None:
            if mid not in methodologies:
                problems.append(Problem(doc.path, line, f"unknown methodology '{mid}'"
                                                    f"{did_you_mean_or_known(mid, methodologies, 'methodologies')}"))
            continue
        known = methodology.process.lanes
        for lane in lanes:
            if lane not in known:
                problems.append(Problem(
                    doc.path, doc.key_line_of(("lanes", mid, lane)),
                    f"process '{methodology.process.id}' has no lane '{lane}'"
                    f"{did_you_mean_or_known(lane, known, 'lanes')}"))
        for lane in known:
            if lane not in lanes:
                problems.append(Problem(
                    doc.path, line,
                    f"lane '{lane}' of methodology '{mid}' has no role: add '{lane}: owner' "
                    "(or owner_manager, team_queue, {user: NAME}, {team: NAME})"))
    problems += _check_assignments(routing, doc, methodologies)
    for si, segment in enumerate(routing.segments):
        line = doc.line_of(("segments", si, "methodology"))
        methodology = methodologies.get(segment.methodology)
        if methodology is None:
            if segment.methodology in methodologies:
                continue  # its stage table has problems of its own
            problems.append(Problem(doc.path, line, f"unknown methodology '{segment.methodology}'"
                                                    f"{did_you_mean_or_known(segment.methodology, methodologies, 'methodologies')}"))
            continue
        # A pinned version (id@version) may be an older deployed one, which these
        # files no longer hold: `dealflow deploy` checks it against the database.
        if segment.methodology not in routing.lanes and methodology.process.lanes:
            problems.append(Problem(
                doc.path, line,
                f"segment '{segment.id}' uses methodology '{segment.methodology}', but 'lanes' says "
                f"nothing about its lanes; add lanes: {{{segment.methodology}: {{...}}}}"))
    return problems


# Opportunity fields an exit criterion may name besides the process's form fields.
OPPORTUNITY_FIELDS = ("amount", "title", "partner_name", "currency", "close_date")


def check_stage_guidance(doc: YamlDocument, methodology: Methodology) -> list[Problem]:
    """Activities and exit criteria point at lanes, fields, questionnaires and
    buying-center roles that must exist."""
    problems = []
    process = methodology.process
    fields = {f.id for node in process.nodes.values() for f in node.form}
    form_fields = sorted(fields)
    fields |= {q.id for qn in methodology.questionnaires for q in qn.questions}
    fields |= set(OPPORTUNITY_FIELDS)
    answerable = {q.id for q in methodology.questionnaires}
    answerable |= {f"{qn.id}/{q.group}" for qn in methodology.questionnaires for q in qn.questions if q.group}
    roles = [r.id for r in methodology.buying_center_roles]
    for si, stage in enumerate(methodology.stages):
        for ai, activity in enumerate(stage.activities):
            due_problem = due_dates.problem_with(activity.due) if activity.due else None
            if due_problem is not None:
                problems.append(Problem(doc.path, doc.line_of(("stages", si, "activities", ai, "due")),
                                        f"activity '{activity.id}' of stage '{stage.id}': {due_problem}"))
            if activity.role not in process.lanes:
                problems.append(Problem(
                    doc.path, doc.line_of(("stages", si, "activities", ai, "role")),
                    f"activity '{activity.id}' of stage '{stage.id}' is for lane '{activity.role}', which "
                    f"process '{process.id}' does not have{did_you_mean_or_known(activity.role, process.lanes, 'lanes')}"))
        for deal_field, form_field in stage.sets:
            if stage.outcome != "open":
                problems.append(Problem(doc.path, doc.key_line_of(("stages", si, "sets")),
                                        f"stage '{stage.id}' is {stage.outcome}, which closes the deal: its "
                                        "figures are settled; put 'sets' on an open stage"))
                break
            if form_field not in form_fields:
                problems.append(Problem(
                    doc.path, doc.line_of(("stages", si, "sets", deal_field)),
                    f"stage '{stage.id}' sets the deal's {deal_field} from form field '{form_field}', which no "
                    f"task of process '{process.id}' has{did_you_mean_or_known(form_field, form_fields, 'fields')}"))
        criteria = stage.exit_criteria
        if stage.outcome != "open" and (criteria.fields or criteria.answered or criteria.buying_center):
            problems.append(Problem(doc.path, doc.key_line_of(("stages", si, "exit_criteria")),
                                    f"stage '{stage.id}' is {stage.outcome}, which closes the opportunity; "
                                    "it has no exit to guard"))
        for key, names, known, what, plural in (
                ("fields", criteria.fields, fields, "field", "fields"),
                ("answered", criteria.answered, answerable, "questionnaire or group", "questionnaires and groups"),
                ("buying_center", criteria.buying_center, roles, "buying-center role", "roles")):
            for ni, name in enumerate(names):
                if name not in known:
                    problems.append(Problem(
                        doc.path, doc.line_of(("stages", si, "exit_criteria", key, ni)),
                        f"exit criterion of stage '{stage.id}' names {what} '{name}', which methodology "
                        f"'{methodology.id}' does not have{did_you_mean_or_known(name, known, plural)}"))
    return problems


# Form fields by these names record why the process lost a deal (M13).
LOST_REASON_FIELDS = ("lost_reason_code", "lost_reason")


def check_lost_reason_fields(methodology: Methodology) -> list[Problem]:
    """A choice field named lost_reason(_code) in a task's form offers only the
    methodology's lost reasons: what the rep picks there is recorded as the deal's
    reason code when the process loses it."""
    problems = []
    known = [r.id for r in methodology.lost_reasons]
    for node in methodology.process.nodes.values():
        for form_field in node.form:
            if form_field.id not in LOST_REASON_FIELDS or not form_field.choices:
                continue
            for value, _ in form_field.choices:
                if value not in known:
                    problems.append(Problem(
                        methodology.process.path, form_field.line,
                        f"field '{form_field.id}' of task '{node.id}' offers '{value}', which is not among the "
                        f"lost reasons of methodology '{methodology.id}' ({', '.join(known)}); add it to "
                        f"'lost_reasons' in {methodology.stage_table_path} or remove the choice"))
    return problems
