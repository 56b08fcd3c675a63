"""Loading a methodologies folder: every check, every problem at once.

The order matters only for noise: a file that fails to parse is not checked
further, and cross-file checks run only on what loaded. Each problem is a
``path:line: message``; a problem without a line would be a bug.
"""

from __future__ import annotations

import hashlib
import os
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from engine import expressions
from engine.errors import ExpressionError
from engine.expressions import feel, juel, zeebe_legacy
from engine.methodology import build, crossref, data_objects, field_paths, graph, scenarios, service_tasks, variables
from engine.methodology.bpmn_schema import check_bpmn_xsd, load_bpmn_schema
from engine.methodology import camunda_forms, zeebe
from engine.methodology.bpmn_source import BpmnFacts, check_flows, parse_xml, read_bpmn
from engine.methodology.dmn_source import DmnFacts, read_dmn
from engine.methodology.files import YAML_KINDS, SourceFile, discover, kind_from_first_key, kind_of
from engine.methodology.model import ExpressionSite, Library, Methodology, Questionnaire, Routing, frozen_map
from engine.methodology.problems import Problem, did_you_mean
from engine.methodology.schemas import check_against_schema
from engine.methodology.yaml_source import YamlDocument, read_yaml
from engine.methodology import timers
from engine.runtime.specs import ProcessSpecs, bpmn_schema_folder


@dataclass
class LoadResult:
    library: Library
    problems: list[Problem]
    files: list[SourceFile] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Loaded:
    """Everything read so far, file by file."""

    bpmn: dict[str, BpmnFacts] = field(default_factory=dict)
    dmn: dict[str, DmnFacts] = field(default_factory=dict)
    trees: dict = field(default_factory=dict)  # path -> lxml tree, for line lookups
    data: dict[str, bytes] = field(default_factory=dict)
    stage_tables: list[YamlDocument] = field(default_factory=list)
    questionnaires: list[tuple[YamlDocument, Questionnaire]] = field(default_factory=list)
    routing: list[tuple[YamlDocument, Routing]] = field(default_factory=list)
    parsed_by_spiff: set[str] = field(default_factory=set)  # BPMN paths SpiffWorkflow accepted
    broken_methodologies: set[str] = field(default_factory=set)  # ids of stage tables that failed
    schema_broken_stage_tables: list[YamlDocument] = field(default_factory=list)
    unknown_stage_table: bool = False  # a stage table too broken to tell its methodology id
    forms: dict = field(default_factory=dict)  # Camunda Form id -> camunda_forms.CamundaForm
    unreadable_processes: set[str] = field(default_factory=set)  # process ids seen in BPMN that failed to parse


def load_methodologies(root: str) -> LoadResult:
    """Read and check every methodology file under ``root`` (a folder or a file).

    For a single file inside a methodologies folder, its siblings are loaded too
    (a stage table means nothing without its BPMN), but only its own problems are
    reported, under the path as given."""
    scan = _folder_of(root) if os.path.isfile(root) else root
    files, problems = discover(scan)
    result = load_sources(files, problems)
    if scan != root:
        target = os.path.realpath(root)
        result.problems = [Problem(root, p.line, p.message) for p in result.problems
                           if os.path.realpath(p.path) == target]
    return result


def load_files(files: dict[str, bytes]) -> LoadResult:
    """Check methodology files held in memory (relative path -> content), e.g. a
    version read back from the database."""
    sources = [SourceFile(path, kind, data) for path, data in sorted(files.items())
               if (kind := kind_of(Path(path))) is not None]
    return load_sources(sources, [])


def load_sources(files: list[SourceFile], problems: list[Problem]) -> LoadResult:
    """Every check on already-read files; ``problems`` are those found reading them."""
    with expressions.compiling_once():  # each expression is compiled once per validation
        return _load_sources(files, problems)


def _load_sources(files: list[SourceFile], problems: list[Problem]) -> LoadResult:
    problems = list(problems)
    loaded = _Loaded()
    specs = ProcessSpecs()
    for source in files:
        loaded.data[source.path] = source.data
        if source.kind in ("bpmn", "dmn"):
            problems += _read_xml(source, loaded, specs)
        elif source.kind != "form":  # Camunda Forms: read below, once every BPMN file is
            problems += _read_yaml(source, loaded)
    loaded.forms, more = camunda_forms.read_forms({s.path: s.data for s in files if s.kind == "form"})
    problems += more + _check_expressions([site for form in loaded.forms.values() for site in form.expressions])
    for facts in loaded.bpmn.values():
        problems += zeebe.attach_forms(facts, loaded.forms)
        problems += [p for process in facts.processes.values() for p in field_paths.clash_problems(process)]
    for facts in [*loaded.bpmn.values(), *loaded.dmn.values()]:
        problems += _check_expressions(facts.expressions)
    missing_decisions = _check_decision_refs(loaded)
    problems += missing_decisions
    missing_calls = _check_call_refs(loaded)
    problems += missing_calls
    # SpiffWorkflow would repeat a missing decision or process, less clearly: don't ask it.
    loaded.parsed_by_spiff -= {p.path for p in missing_decisions + missing_calls}
    methodologies, more = _assemble(loaded, specs)
    problems += more
    # Files that refer to a methodology whose stage table is broken get no
    # "unknown methodology" noise: that table's own problems are the news.
    if loaded.unknown_stage_table:
        loaded.broken_methodologies.update(_referenced_methodologies(loaded))
    known = {**dict.fromkeys(loaded.broken_methodologies), **methodologies}
    for doc, q in loaded.questionnaires:
        problems += crossref.check_questionnaire(q, doc, known)
    for doc, routing in loaded.routing:
        problems += crossref.check_routing(routing, doc, known)
        problems += _check_routing_conditions(doc)
    problems += _unmapped_service_tasks(loaded, methodologies)
    if not missing_decisions:  # a missing decision's outputs are unknown: say nothing about them
        problems += _unset_variables(loaded)
    problems += _unique_ids(loaded)
    problems += _spec_problems(specs, loaded)
    methodologies = _with_questionnaires(methodologies, loaded)
    for doc in loaded.stage_tables:
        methodology = methodologies.get(doc.data["methodology"])
        if methodology is not None and methodology.stage_table_path == doc.path:
            problems += crossref.check_stage_guidance(doc, methodology)
            problems += crossref.check_lost_reason_fields(methodology)
    library = Library(methodologies=frozen_map(methodologies),
                      routing=tuple(r for _, r in loaded.routing))
    return LoadResult(library, sorted(set(problems)), files)


def _referenced_methodologies(loaded: _Loaded) -> set[str]:
    ids = {q.methodology for _, q in loaded.questionnaires}
    for _, routing in loaded.routing:
        ids.update(routing.lanes)
        ids.update(s.methodology for s in routing.segments)
    return ids


def _folder_of(path: str) -> str:
    """The methodologies folder a file sits in, or the file itself if it sits in none."""
    parent = os.path.dirname(os.path.abspath(path))
    if os.path.basename(parent) in ("bpmn", *YAML_KINDS):
        return os.path.dirname(parent)
    return path


# --- single files ------------------------------------------------------------------

def _read_xml(source: SourceFile, loaded: _Loaded, specs: ProcessSpecs) -> list[Problem]:
    tree, problems = parse_xml(source.path, source.data)
    if tree is None:
        # Remember which processes it meant, so stage tables naming them add no noise.
        text = source.data.decode("utf-8", errors="replace")
        loaded.unreadable_processes.update(re.findall(r"<(?:\w+:)?process\b[^>]*?\bid=[\"']([^\"']+)", text))
        return problems
    loaded.trees[source.path] = tree
    if source.kind == "dmn":
        facts = read_dmn(source.path, tree)
        loaded.dmn[source.path] = facts
        if not facts.problems:
            specs.add_dmn(source.path, tree.getroot())
        return facts.problems
    problems = check_bpmn_xsd(source.path, tree, load_bpmn_schema(bpmn_schema_folder()))
    facts = read_bpmn(source.path, tree)
    loaded.bpmn[source.path] = facts
    problems += facts.problems
    if not problems:  # an element the XSD refused would look like a missing node
        problems += check_flows(facts)
    duplicate = any(pid in other.processes for other_path, other in loaded.bpmn.items()
                    for pid in facts.processes if other_path != source.path)
    if not problems and not duplicate:
        # SpiffWorkflow's parser assumes schema-valid input; feeding it anything
        # else produces crashes, not messages. A process id defined twice is
        # reported by _processes; SpiffWorkflow would only repeat it.
        if specs.add_bpmn(source.path, tree.getroot()):
            loaded.parsed_by_spiff.add(source.path)
    return problems


def _read_yaml(source: SourceFile, loaded: _Loaded) -> list[Problem]:
    try:
        text = source.data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = source.data[:err.start].count(b"\n") + 1
        _remember_broken_methodology(source, source.data.decode("utf-8", errors="replace"), loaded)
        return [Problem(source.path, line, "the file is not UTF-8 text; save it as UTF-8")]
    doc, problems = read_yaml(source.path, text)
    if problems:
        _remember_broken_methodology(source, text, loaded)
    if doc is None:
        return problems
    kind = source.kind if source.kind != "yaml" else kind_from_first_key(doc.data)
    if kind is None:
        return problems + [Problem(source.path, 1, "cannot tell what kind of file this is: put it in "
                                                   "stages/, questionnaires/, routing/ or scenarios/, or start "
                                                   "it with 'methodology:', 'questionnaire:', 'routing:' or "
                                                   "'scenario:'")]
    if not isinstance(doc.data, dict):
        return problems + [Problem(source.path, doc.line_of(()), "expected a mapping of 'key: value' lines")]
    schema_problems = check_against_schema(kind, doc)
    problems += schema_problems
    if schema_problems:
        if kind == "stages" and isinstance(doc.data.get("methodology"), str):
            loaded.broken_methodologies.add(doc.data["methodology"])
        if kind == "stages":
            loaded.schema_broken_stage_tables.append(doc)
        return problems
    if kind == "scenarios":  # a test of the methodology: checked as 'dealflow test' reads it, not run
        return problems + scenarios.scenario_of(doc)[1]
    if kind == "stages":
        loaded.stage_tables.append(doc)
    elif kind == "questionnaires":
        q, more = build.questionnaire(doc)
        loaded.questionnaires.append((doc, q))
        problems += more
    else:
        routing, more = build.routing(doc)
        loaded.routing.append((doc, routing))
        problems += more
    return problems


def _remember_broken_methodology(source: SourceFile, text: str, loaded: _Loaded) -> None:
    """Remember which methodology a broken stage table meant, even unparsed; a stage
    table too broken to tell (an empty file) silences every unknown reference."""
    declared = re.search(r"^methodology:\s*['\"]?([\w-]+)", text, re.MULTILINE)
    if declared and source.kind in ("stages", "yaml"):
        loaded.broken_methodologies.add(declared.group(1))
    elif source.kind == "stages":
        loaded.unknown_stage_table = True


# --- expressions ---------------------------------------------------------------------

_TIMER_SITE = re.compile(r"timer (timeDuration|timeDate|timeCycle) of ")


def _check_expressions(sites: list[ExpressionSite]) -> list[Problem]:
    problems = []
    for site in sites:
        message = _expression_problem(site)
        if message:
            line, text = message
            problems.append(Problem(site.path, line, text))
    return problems


def _expression_problem(site: ExpressionSite) -> tuple[int, str] | None:
    """What is wrong with one expression, as (line, message), or None.

    JUEL in a BPMN or DMN file is checked as what it is translated into; a timer's
    body may be bare ISO 8601 or cron text, or an expression giving such text."""
    source = site.source
    if not source.strip():
        return site.line, f"{site.where} is empty"
    in_yaml = site.path.endswith((".yaml", ".yml"))
    timer = _TIMER_SITE.match(site.where)
    part = timer.group(1) if timer else None
    if part and not site.is_script and timers.is_bare(source):
        problem = timers.value_problem(source, part)
        return (site.line, f"{site.where}: {problem}") if problem else None
    if juel.is_juel(source) and not site.is_script:
        if in_yaml:
            return site.line, (f"{site.where} is written in JUEL ({source.strip()}); routing rules are "
                               "written in Dealflow's expression language, e.g. channel == 'horeca'")
        try:
            source = juel.translate(source, "timers" if part else
                                    "decision tables" if site.path.endswith(".dmn") else "conditions")
        except ExpressionError as err:
            return site.line + (err.line - 1 if err.line else 0), f"{site.where}: {err.message}"
    elif feel.is_feel(source) and not site.is_script:
        if in_yaml:
            return site.line, (f"{site.where} is written in FEEL ({source.strip()}); routing rules are "
                               "written in Dealflow's expression language, e.g. channel == 'horeca'")
        try:
            source = feel.translate(source, "timers" if part else "conditions")
        except ExpressionError as err:
            return site.line + (err.line - 1 if err.line else 0), f"{site.where}: {err.message}"
    elif zeebe_legacy.is_legacy_condition(source) and not site.is_script and not in_yaml:
        try:
            source = zeebe_legacy.translate(source)
        except ExpressionError as err:
            return site.line, f"{site.where}: {err.message}"
    try:
        if site.is_script:
            expressions.check_script(textwrap.dedent(source))
        else:
            expressions.check_expression(source)
    except ExpressionError as err:
        line = site.line + (err.line - 1 if site.is_script and err.line else 0)
        return line, f"{site.where}: {err.message}"
    if part:
        literal = _string_literal(source)
        problem = timers.value_problem(literal, part) if literal is not None else None
        if problem:
            return site.line, f"{site.where}: {problem}"
    return None


def _string_literal(source: str) -> str | None:
    """The text of an expression that is one plain string literal, else None."""
    match = re.fullmatch(r"\s*(['\"])([^'\"\\]*)\1\s*", source)
    return match.group(2) if match else None


def _check_routing_conditions(doc: YamlDocument) -> list[Problem]:
    sites = [ExpressionSite(doc.path, doc.line_of(("segments", i, "when")),
                            f"condition of segment '{s['id']}'", s["when"])
             for i, s in enumerate(doc.data["segments"]) if "when" in s]
    return _check_expressions(sites)


def _unset_variables(loaded: _Loaded) -> list[Problem]:
    """Expressions of the BPMN and DMN files that read a variable nothing sets."""
    sets = set()
    fields = [f for facts in loaded.bpmn.values() for process in facts.processes.values()
              for node in process.nodes.values() for f in node.form]
    for facts in loaded.bpmn.values():
        sets |= facts.sets
    sets |= {f.id for f in fields if "." not in f.id}
    for facts in loaded.dmn.values():
        sets |= facts.outputs
    sets |= {q.id for _, questionnaire in loaded.questionnaires for q in questionnaire.questions}
    if loaded.questionnaires:
        sets |= variables.QUESTIONNAIRE_SETS
    for _, routing in loaded.routing:
        for segment in routing.segments:
            sets |= variables.reads_and_sets(ExpressionSite("", 0, "", segment.when or ""))[0]
    sites = [site for facts in [*loaded.bpmn.values(), *loaded.dmn.values()] for site in facts.expressions]
    declared, after_workers, early = _set_by_workers(loaded, sites)
    assigned = {name for site in sites for name in variables.reads_and_sets(site)[1]}
    # A record only dotted form fields fill (auction.endDate): each field read must be one of them.
    filled = [f.id for f in fields if "." in f.id and f.variable not in sets | declared | assigned]
    sets |= {f.variable for f in fields}
    return variables.unset_variable_problems(sites, sets | declared, set_before=after_workers, workers_later=early,
                                             filled=filled) \
        + [problem for facts in loaded.bpmn.values()
           for problem in data_objects.unset_problems(facts.path, facts.data_associations, sets | declared | assigned)]


def _external_tasks(process) -> list:
    return [node.external for node in process.nodes.values() if node.external is not None]


def _set_by_workers(loaded: _Loaded, sites) -> tuple[set[str], dict, list]:
    """What external tasks' workers may set (docs/integration.md): the outputs they
    declare, everywhere; and, where one declares none, any variable the process
    reads — but only at a site a token cannot reach without passing such a worker
    (graph.reachable_nodes): a gateway before every worker reads what nothing has
    set yet. Where the order is not known (decision tables, a process a stage
    table does not run, e.g. a called one, a node the start never reaches) or a
    message from outside may arrive, any such worker in the files still counts.
    Returns (declared outputs, site -> what workers before it may set, the sites
    evaluated before every such worker of their process)."""
    tasks = [t for facts in loaded.bpmn.values() for p in facts.processes.values() for t in _external_tasks(p)]
    declared = {name for task in tasks for name in task.outputs}
    messages = any(f.catches_messages for f in loaded.bpmn.values())
    if not messages and all(task.outputs for task in tasks):
        return declared, {}, []
    main = {doc.data.get("process") for doc in loaded.stage_tables if isinstance(doc.data, dict)}
    after: dict = {}
    early = []
    reached: dict[str, tuple[frozenset, frozenset, frozenset]] = {}  # process id -> (all, workers, before them)
    for site in sites:
        process = None if messages or site.node is None or site.path not in loaded.bpmn else next(
            (p for p in loaded.bpmn[site.path].processes.values() if site.node in p.nodes), None)
        if process is not None and process.id not in reached:
            # A called process may hand back what its own workers set: a call counts as one.
            workers = frozenset(n.id for n in process.nodes.values()
                                if (n.external and not n.external.outputs) or n.kind == "callActivity")
            reached[process.id] = (graph.reachable_nodes(process), workers,
                                   graph.reachable_nodes(process, stopping_at=workers))
        if process is not None and process.id in main and site.node in reached[process.id][0]:
            _, workers, before_workers = reached[process.id]
            if workers and site.node in before_workers:
                early.append(site)  # reachable before any worker ran
                continue
            if not workers:
                continue  # no worker in this process
        after[site] = variables.reads_and_sets(site)[0]
    return declared, after, early


def _unmapped_service_tasks(loaded: _Loaded, methodologies: dict) -> list[Problem]:
    """A service task running another engine's code needs a topic from the routing
    files: those of the methodologies running its process (a process no methodology
    runs directly, e.g. a called one: any routing file's)."""
    users = {m.process.id: mid for mid, m in methodologies.items()}
    every = {k: v for _, routing in loaded.routing for part in routing.topics.values() for k, v in part.items()}
    problems = []
    for facts in loaded.bpmn.values():
        for process in facts.processes.values():
            mid = users.get(process.id)
            topics = every if mid is None else {
                k: v for _, routing in loaded.routing for k, v in routing.topics.get(mid, {}).items()}
            problems += service_tasks.check_mapped(_external_tasks(process), process.path, mid or "METHODOLOGY",
                                                   topics)
    return problems


# --- cross-file assembly -----------------------------------------------------------

def _processes(loaded: _Loaded) -> tuple[dict, list[Problem]]:
    found, problems = {}, []
    for facts in loaded.bpmn.values():
        for pid, process in facts.processes.items():
            if pid in found:
                problems.append(Problem(process.path, process.line,
                                        f"process id '{pid}' is also defined in {found[pid].path}; "
                                        "give each process its own id"))
            else:
                found[pid] = process
    return found, problems


def _assemble(loaded: _Loaded, specs: ProcessSpecs) -> tuple[dict[str, Methodology], list[Problem]]:
    processes, problems = _processes(loaded)
    for doc in loaded.schema_broken_stage_tables:
        process = processes.get(doc.data.get("process"))
        if process is not None:
            problems += crossref.check_stages(doc, build.readable_stages(doc), process, outcomes=False)
    methodologies: dict[str, Methodology] = {}
    for doc in loaded.stage_tables:
        data = doc.data
        stages, more = build.stage_table(doc)
        problems += more
        mid = data["methodology"]
        if mid in methodologies:
            problems.append(Problem(doc.path, doc.line_of(("methodology",)),
                                    f"methodology '{mid}' is also defined in {methodologies[mid].stage_table_path}"))
            continue
        process = processes.get(data["process"])
        if process is None:
            loaded.broken_methodologies.add(mid)
            if data["process"] in loaded.unreadable_processes:
                continue  # its BPMN file has a syntax error of its own
            problems.append(Problem(doc.path, doc.line_of(("process",)),
                                    f"no BPMN file defines process '{data['process']}'"
                                    f"{did_you_mean(data['process'], processes)}"))
            continue
        problems += crossref.check_stages(doc, stages, process)
        roles, more = build.buying_center_roles(doc)
        problems += more
        reasons, more = build.lost_reasons(doc)
        problems += more
        problems += build.stage_lost_reasons(doc, stages, reasons)
        forecast, more = build.forecast(doc)
        problems += more
        if {process.path, *_called_files(process.path, loaded)} <= loaded.parsed_by_spiff:
            specs.check_process(process.id, process.path)
        methodology = Methodology(
            id=mid, version=data["version"], name=data["name"], description=data.get("description", ""),
            process=process, stages=stages, questionnaires=(), stage_table_path=doc.path,
            content_hash="", buying_center_roles=roles,
            lost_reasons=reasons, forecast=forecast)
        problems += crossref.check_lanes_assigned(methodology)
        methodologies[mid] = methodology
    return methodologies, problems


def _with_questionnaires(methodologies: dict[str, Methodology], loaded: _Loaded) -> dict[str, Methodology]:
    """Attach questionnaires and compute each methodology's content hash."""
    result = {}
    for mid, m in methodologies.items():
        qs = tuple(q for _, q in loaded.questionnaires if q.methodology == mid)
        called_files = _called_files(m.process.path, loaded)
        decision_files = tuple(sorted({f for path in (m.process.path, *called_files)
                                       for f in _decision_files(path, loaded)}))
        form_files = tuple(sorted({f for path in (m.process.path, *called_files) for f in _form_files(path, loaded)}))
        paths = [m.stage_table_path, m.process.path, *[q.path for q in qs], *called_files, *decision_files,
                 *form_files]
        digest = hashlib.sha256()
        for path in sorted(set(paths)):
            digest.update(os.path.basename(path).encode() + b"\0" + loaded.data[path] + b"\0")
        result[mid] = Methodology(**{**m.__dict__, "questionnaires": qs, "content_hash": digest.hexdigest(),
                                     "decision_files": decision_files, "form_files": form_files,
                                     "called_files": called_files})
    return result


def _called_files(process_path: str, loaded: _Loaded) -> tuple[str, ...]:
    """The BPMN files defining the processes that the file's call activities call, and
    the ones those call in turn (without the file itself)."""
    where = {pid: path for path, facts in loaded.bpmn.items() for pid in facts.processes}
    found, todo = {process_path}, [process_path]
    while todo:
        facts = loaded.bpmn.get(todo.pop())
        named = [called for called, _, _ in facts.call_refs] if facts else []
        for _, expression, _, _ in facts.expression_calls if facts else ():
            named += zeebe.candidates(expression, where)  # chosen when reached: any it could name
        for called in named:
            path = where.get(called)
            if path is not None and path not in found:
                found.add(path)
                todo.append(path)
    return tuple(sorted(found - {process_path}))


def _check_call_refs(loaded: _Loaded) -> list[Problem]:
    """Every call activity calls a process some BPMN file of the folder defines."""
    processes = {pid for facts in loaded.bpmn.values() for pid in facts.processes} | loaded.unreadable_processes
    return [Problem(facts.path, line, f"call activity '{task}' calls process '{called}', which no BPMN file "
                                      "under bpmn/ defines (dealflow import-bpmn copies the called processes "
                                      f"it finds beside the imported file){did_you_mean(called, processes)}")
            for facts in loaded.bpmn.values() for called, line, task in facts.call_refs
            if called not in processes] + [
        Problem(facts.path, line, f"call activity '{task}' chooses the process it calls with {written.strip()}, "
                                  "which could name none of the processes under bpmn/"
                                  f" ({', '.join(sorted(processes)) or 'none'}): add the BPMN files of the processes "
                                  "it may call beside it")
        for facts in loaded.bpmn.values() for written, expression, line, task in facts.expression_calls
        if not zeebe.candidates(expression, processes)]


def _form_files(process_path: str, loaded: _Loaded) -> tuple[str, ...]:
    """The Camunda Forms (``.form``) that the process's file names by formId."""
    facts = loaded.bpmn.get(process_path)
    named = {form_id for _, form_id, _ in facts.form_refs} if facts else set()
    return tuple(sorted(form.path for form_id, form in loaded.forms.items() if form_id in named))


def _decision_files(process_path: str, loaded: _Loaded) -> tuple[str, ...]:
    """The DMN files defining a decision that the process's file calls."""
    facts = loaded.bpmn.get(process_path)
    called = {ref for ref, _, _ in facts.decision_refs} if facts else set()
    return tuple(sorted(path for path, dmn in loaded.dmn.items() if called & set(dmn.decisions)))


def _check_decision_refs(loaded: _Loaded) -> list[Problem]:
    decisions = {d: (facts.path, line) for facts in loaded.dmn.values() for d, line in facts.decisions.items()}
    empty = {d for facts in loaded.dmn.values() for d in facts.without_table}
    problems = []
    for facts in loaded.bpmn.values():
        for ref, line, task in facts.decision_refs:
            if ref not in decisions:
                problems.append(Problem(facts.path, line, f"business rule task '{task}' calls decision '{ref}', "
                                                          f"which no DMN file defines{did_you_mean(ref, decisions)}"))
            elif ref in empty:
                where = f"{decisions[ref][0]}:{decisions[ref][1]}"
                problems.append(Problem(facts.path, line, (
                    f"business rule task '{task}' calls decision '{ref}' ({where}), which has no decision table: "
                    "Dealflow evaluates decision tables; give the decision one in the DMN editor")))
    return problems


def _unique_ids(loaded: _Loaded) -> list[Problem]:
    problems = []
    for what, items in (("questionnaire", [(d, q.id) for d, q in loaded.questionnaires]),
                        ("routing", [(d, r.id) for d, r in loaded.routing])):
        seen: dict[str, str] = {}
        for doc, ident in items:
            if ident in seen:
                problems.append(Problem(doc.path, doc.line_of((what,)),
                                        f"{what} id '{ident}' is also used in {seen[ident]}"))
            seen.setdefault(ident, doc.path)
    return problems


def _spec_problems(specs: ProcessSpecs, loaded: _Loaded) -> list[Problem]:
    """SpiffWorkflow's own parse errors, with the line recovered from the XML."""
    problems = []
    for sp in specs.problems:
        line = sp.line
        tree = loaded.trees.get(sp.path)
        if not line and tree is not None and sp.element_id:
            found = tree.getroot().xpath("//*[@id=$id]", id=sp.element_id)
            line = found[0].sourceline if found else None
        if not line and tree is not None:
            line = tree.getroot().sourceline
        problems.append(Problem(sp.path, line or 1, sp.message))
    return problems
