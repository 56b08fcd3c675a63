"""Variables a methodology's expressions read that nothing can set. Pure.

A gateway condition that reads ``vacationApproved`` when no form field, script or
decision sets it fails at run time with "unknown variable" — typically a process
drawn for Camunda or Flowable, whose external form (``formKey``) Dealflow cannot
see, or a typo. Validation names it at the condition's line instead.

What a process may read: the form fields of every user task (and a task
questionnaire's question ids), what scripts assign, what decision tables output,
the element variable of a multi-instance task, the questionnaire's ``score`` and
``score_class`` (where there is a questionnaire), and the opportunity's routing variables — territory, channel,
industry, source, amount, currency, partner, and any attribute a routing
condition reads (the designer's evidence that opportunities carry it).
"""

from __future__ import annotations

import re
import textwrap
from typing import Iterable, Mapping

from engine.errors import ExpressionError
from engine.expressions import compile_expression, compile_script, feel, juel, zeebe_legacy
from engine.methodology import field_paths, timers
from engine.methodology.model import DEAL_VARIABLES, BpmnProcess, ExpressionSite
from engine.methodology.problems import Problem, did_you_mean

ALWAYS_SET = DEAL_VARIABLES
# Set when a questionnaire is answered, so only where the methodologies have one; a
# form field or script of the same name would overwrite it unseen, so they are reserved.
QUESTIONNAIRE_SETS = frozenset({"score", "score_class"})
# FEEL's (and JSON's) literals, which Dealflow's expressions write True, False, None.
FEEL_LITERALS = {"true": "True", "false": "False", "null": "None"}
_TIMER_SITE = re.compile(r"timer (timeDuration|timeDate|timeCycle) of ")


def settable(process: BpmnProcess) -> frozenset[str]:
    """The names something from outside — a message, a signal, a worker completing an
    external task, a task's error report — may set in ``process``: what it reads,
    its form fields and its external tasks' declared outputs. A field that fills a
    record (``auction.endDate``) makes the record's name settable, as a whole, since
    no expression reads a name with dots in it."""
    names = set(process.reads)
    for node in process.nodes.values():
        names.update(f.variable for f in node.form)
        if node.external is not None:
            names.update(node.external.outputs)
    return frozenset(names)


def reads_and_sets(site: ExpressionSite) -> tuple[frozenset[str], frozenset[str]]:
    """(names the expression or script reads, names a script assigns); nothing for
    text that does not compile — its own problem is reported elsewhere."""
    source = site.source
    timer = _TIMER_SITE.match(site.where)
    if not source.strip() or (timer and not site.is_script and timers.is_bare(source)):
        return frozenset(), frozenset()
    try:
        if juel.is_juel(source) and not site.is_script:
            source = juel.translate(source, "timers" if timer else
                                    "decision tables" if site.path.endswith(".dmn") else "conditions")
        elif feel.is_feel(source) and not site.is_script:
            source = feel.translate(source, "timers" if timer else "conditions")
        elif zeebe_legacy.is_legacy_condition(source) and not site.is_script:
            source = zeebe_legacy.translate(source)
        if site.is_script:
            script = compile_script(textwrap.dedent(source))
            return script.names, script.assigns
        return compile_expression(source).names, frozenset()
    except ExpressionError:
        return frozenset(), frozenset()


def unset_variable_problems(sites: Iterable[ExpressionSite], set_elsewhere: Iterable[str],
                            set_before: Mapping[ExpressionSite, Iterable[str]] | None = None,
                            workers_later: Iterable[ExpressionSite] = (),
                            filled: Iterable[str] = ()) -> list[Problem]:
    """A problem for each variable a site reads that nothing sets; ``set_before``:
    what may be set by the time one site is evaluated (a worker that ran before it);
    ``workers_later``: sites evaluated before any worker that could set their reads;
    ``filled``: the dotted ids of form fields filling records that nothing else sets
    (auction.endDate), whose other fields (auction.authorized) nothing sets either."""
    sites = list(sites)
    problems = _unfilled_paths(sites, list(filled), set_before or {})
    analysed = [(site, *reads_and_sets(site)) for site in sites]
    known = set(ALWAYS_SET) | set(set_elsewhere)
    for _, _, assigns in analysed:
        known |= assigns
    early = set(workers_later)
    for site, _, assigns in analysed:
        for name in sorted(assigns & QUESTIONNAIRE_SETS):
            problems.append(Problem(site.path, site.line, (
                f"{site.where} sets '{name}', which is reserved: a questionnaire's score and class are "
                "stored as score and score_class; use another name")))
    for site, reads, _ in analysed:
        for name in sorted(reads - known - frozenset((set_before or {}).get(site, ()))):
            if name in QUESTIONNAIRE_SETS:
                problems.append(Problem(site.path, site.line, (
                    f"{site.where} reads '{name}', which only an answered questionnaire sets, and no "
                    "questionnaire belongs to these methodologies; add one, or read another variable")))
                continue
            if name in FEEL_LITERALS:
                problems.append(Problem(site.path, site.line, (
                    f"{site.where} reads '{name}' as a variable: FEEL's {name} is written "
                    f"{FEEL_LITERALS[name]} in Dealflow's expressions (dealflow import-bpmn translates a "
                    "decision table's cells when it copies one)")))
                continue
            if site in early:
                problems.append(Problem(site.path, site.line, (
                    f"{site.where} reads '{name}', which nothing sets before it: the external tasks that declare "
                    "no outputs (a worker may set any variable) run only after it; declare it in the start "
                    f"event's form (camunda:formField '{name}': asked when a deal is opened) or a form of a user "
                    "task before it")))
                continue
            problems.append(Problem(site.path, site.line, (
                f"{site.where} reads '{name}', which nothing sets: no form field, script or decision of "
                f"the methodology and no opportunity attribute a routing condition reads"
                f"{did_you_mean(name, sorted(known))}; add a form field '{name}' to the user task before "
                "it (a form Camunda or Flowable kept outside the file, formKey, does not come along)")))
    return problems


def _unfilled_paths(sites: list[ExpressionSite], filled: list[str], set_before: Mapping) -> list[Problem]:
    """Reads of a record's field that no form field fills, where forms fill the record."""
    records: dict[str, list[str]] = {}
    for field_id in filled:
        records.setdefault(field_id.split(".", 1)[0], []).append(field_id)
    problems = []
    for site in sites if records else ():
        names = sorted(set(reads_and_sets(site)[0]) & set(records) - set(set_before.get(site, ())))
        tree = field_paths.expression_tree(site) if names else None
        for name in names if tree is not None else ():
            for path in field_paths.read_paths(tree, name) or ():
                if not field_paths.covered(path, records[name]):
                    problems.append(Problem(site.path, site.line, (
                        f"{site.where} reads '{path}', which no form field fills: the forms fill the record "
                        f"'{name}' with {', '.join(sorted(records[name]))}; add a form field '{path}' to the user "
                        "task before it, or to the start event's form (asked when a deal is opened)")))
    return problems
