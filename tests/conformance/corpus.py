"""Running one folder of the shared BPMN corpus the way a designer and a sales team
would: ``dealflow import-bpmn``, ``dealflow validate``, deploy, open a deal, work
every task with what a user could type, let the clock run the timers.

The outcome of a folder is one of:

- ``refused``: import-bpmn and validate exit 1, and every line validate prints is
  ``path:line: message``;
- ``completes``: the deal is closed (won or lost) or the process finished;
- ``waits``: nothing is ready and no timer is waiting (a message that never comes);
- ``crash``: an exception anywhere, or a refusal that is not ``path:line: message``;
- ``fails at run time``: it validated, then a step left an error on the deal,
  raised, or did not end within ``STEP_CAP`` steps.

The last two are bugs. What the test fills in for the designer is documented in
``drive``.
"""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import yaml
from click.testing import CliRunner

from engine.cli import main
from engine.methodology import adhoc
from engine.views.messages import Correlation
from tests.conftest import FakeClock, make_engine, shared_corpus

REFUSED, COMPLETES, WAITS = "refused", "completes", "waits"
CRASH, FAILS_AT_RUN_TIME = "crash", "fails at run time"
FORBIDDEN = (CRASH, FAILS_AT_RUN_TIME)

STEP_CAP = 200
PROBLEM_LINE = re.compile(r"^[^:]+:\d+: .+$")
SUMMARY_LINE = re.compile(r"^\d+ problems? in \d+ files?$")


@dataclass(frozen=True)
class Outcome:
    folder: str
    category: str
    detail: str  # the first refusal, how the run ended, or what went wrong
    steps: int = 0  # tasks completed and timer sweeps run

    def __str__(self) -> str:
        return f"{self.folder}: {self.category} — {self.detail}"


DIALECTS = ("bpmn", "camunda8", "plain")  # sub-folders of the corpus; folder names are unique across them
_SOURCES = {"bpmn": "SOURCES.md", "camunda8": "SOURCES-2.md", "plain": "SOURCES-2.md"}


def folders_on_disk(dialect: str = "bpmn") -> list[str]:
    return sorted(p.name for p in (shared_corpus() / dialect).iterdir() if p.is_dir())


def dialect_of(folder: str) -> str:
    for dialect in DIALECTS:
        if (shared_corpus() / dialect / folder).is_dir():
            return dialect
    raise AssertionError(f"no corpus folder {folder}")


def process_file(folder: str) -> Path:
    """The folder's process file: the first file the sources list names for the folder
    that is BPMN (the others are its companions: called processes, DMN, forms)."""
    corpus = shared_corpus()
    dialect = dialect_of(folder)
    for line in (corpus / _SOURCES[dialect]).read_text("utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and cells[0] == folder:
            name = cells[2].strip("`").rsplit("/", 1)[-1]
            if name.lower().endswith((".bpmn", ".xml")):
                return corpus / dialect / folder / name
    raise AssertionError(f"{_SOURCES[dialect]} lists no BPMN file for corpus folder {folder}")


def _invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def _crashed(result) -> str | None:
    """The traceback, if the command raised anything but its own exit."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return "".join(traceback.format_exception(*result.exc_info))
    if "Traceback" in result.output:
        return result.output
    return None


def run_folder(folder: str, work: Path) -> Outcome:
    """Import, validate and, where it validates, run one corpus folder under ``work``."""
    into = work / "methodologies"
    imported = _invoke("import-bpmn", str(process_file(folder)), "--into", str(into))
    if (crash := _crashed(imported)) is not None:
        return Outcome(folder, CRASH, f"dealflow import-bpmn raised:\n{crash}")
    if not (into / "bpmn").is_dir():
        # import-bpmn wrote nothing: its one-line error is the refusal, not a path:line.
        return Outcome(folder, CRASH, f"dealflow import-bpmn refused without path:line: {imported.output!r}")
    validated = _invoke("validate", str(into))
    if (crash := _crashed(validated)) is not None:
        return Outcome(folder, CRASH, f"dealflow validate raised:\n{crash}")
    if imported.exit_code != validated.exit_code:
        return Outcome(folder, CRASH, f"import-bpmn exited {imported.exit_code} but validate exited "
                                      f"{validated.exit_code}:\n{imported.output}\n{validated.output}")
    if decide_end_events(into):
        validated = _invoke("validate", str(into))
    if validated.exit_code != 0:
        lines = validated.stdout.splitlines()
        unclear = [line for line in lines if not PROBLEM_LINE.match(line)]
        unclear += [line for line in validated.stderr.splitlines() if not SUMMARY_LINE.match(line)]
        if not lines or unclear:
            return Outcome(folder, CRASH, f"validate refused without path:line: {unclear or validated.output!r}")
        return Outcome(folder, REFUSED, lines[0].removeprefix(f"{into}/"))
    try:
        return drive(folder, into, work)
    except Exception:  # noqa: BLE001 — any exception while running is the finding
        return Outcome(folder, FAILS_AT_RUN_TIME, f"a step raised:\n{traceback.format_exc()}")


def decide_end_events(into: Path) -> bool:
    """The one decision the skeleton leaves that validation insists on: import-bpmn
    never guesses whether an end event whose name says neither is won or lost, so the
    designer (here: this harness) calls each of them won. Whether the file then runs
    is what the corpus measures; a corpus process has no sales outcome to get right."""
    decided = False
    for table in (into / "stages").glob("*.yaml"):
        text = table.read_text("utf-8")
        if "\n    outcome: TODO\n" in text:
            table.write_text(text.replace("\n    outcome: TODO\n", "\n    outcome: won\n"), "utf-8")
            decided = True
    return decided


def drive(folder: str, methodologies: Path, work: Path) -> Outcome:
    """Deploy what import-bpmn wrote and drive one deal to its end.

    The designer's decisions are the skeleton's defaults (and the end events'
    outcomes, see decide_end_events): the one segment takes every deal to team
    ``sales`` (which ``make_engine`` creates: manager ``manager``, reps rep1 and
    rep2), lanes, groups and users go to the roles
    import-bpmn proposed (owner, team_queue, owner_manager), probabilities stay 0.
    The deal is opened by the manager (reps may not open deals), answering its start
    form (the fields import-bpmn proposed on the start event, shown by the preview)
    as it fills every form. Each step takes the
    earliest READY task of the deal (workflow tasks and suggested activities alike),
    completed by its assignee or, for a task waiting in a team queue, by the deal's
    manager, with ``form_data``; when nothing is ready, a test worker completes the
    deal's external tasks, else sends a message it awaits (with the variables
    MESSAGE_ANSWERS gives for its name, else none), else broadcasts a signal it
    awaits; else the clock moves to the deal's next timer and the worker's sweep
    (``fire_due_timers``) runs."""
    clock = FakeClock()
    engine = make_engine(f"sqlite:///{work / 'dealflow.db'}", clock, methodologies)
    try:
        opening = dict(title=f"corpus {folder}", amount="1000", partner="ACME", actor="manager")
        start = engine.preview_opportunity(**opening).start_form
        deal = engine.create_opportunity(**opening, start_form=form_data(start, clock.now.date()))
        topics = worker_topics(methodologies)  # a test worker completes external tasks (WORKER_ANSWERS)
        worker = engine.worker_for_token(engine.create_worker_token("conformance", topics)) if topics else None
        for steps in range(STEP_CAP + 1):
            deal = engine.show_opportunity(deal.id)
            if deal.error_message:
                return Outcome(folder, FAILS_AT_RUN_TIME, f"after {steps} steps, in stage {deal.stage_id}: "
                                                          f"{deal.error_message}", steps)
            if deal.status != "open":
                return Outcome(folder, COMPLETES, f"closed {deal.status} in stage {deal.stage_id}", steps)
            if any(event.kind == "process_finished" for event in deal.events):
                return Outcome(folder, COMPLETES, f"process finished, deal open in stage {deal.stage_id}", steps)
            if steps == STEP_CAP:
                break
            ready = [t for t in engine.list_tasks() if t.opportunity_id == deal.id]
            if ready:
                task = ready[0]
                engine.complete_task(task.id, actor=task.assignee or deal.manager,
                                     data=form_data(task.form, clock.now.date()))
            elif worker is not None and (fetched := [t for t in engine.fetch_and_lock(
                    worker, "conformance", 100, [(topic, 60_000) for topic in worker.topics])
                    if t.opportunity_id == deal.id]):
                for task in fetched:  # every task it locked: one left locked would wait out its lock
                    engine.complete_external_task(worker, task.id, "conformance", worker_answer(task))
            elif awaited := engine.waiting_messages(deal.id):  # the test worker sends what a deal awaits
                engine.send_message(awaited[0], Correlation(deal_id=deal.id), MESSAGE_ANSWERS.get(awaited[0], {}))
            elif signalled := engine.waiting_signals(deal.id):  # and the signals it awaits (a broadcast)
                engine.send_signal(signalled[0], {})
            elif deal.next_timer_at is not None:
                clock.now = max(clock.now, deal.next_timer_at + timedelta(seconds=1))  # due: strictly before now
                engine.fire_due_timers()
            else:
                return Outcome(folder, WAITS, f"nothing ready and no timer, in stage {deal.stage_id}", steps)
        return Outcome(folder, FAILS_AT_RUN_TIME, f"still running after {STEP_CAP} steps, in stage "
                                                  f"{deal.stage_id}", STEP_CAP)
    finally:
        engine.close()


# What the examples' own workers answer, per topic (the test worker answers nothing else):
# E03's credit-score checker returns the scores its loan subprocess loops over.
# Z10's plausibility check (camunda8/) says whether a person must approve the change.
# Z17's seat check says the seats are there.
# Z30's (camunda8/) document classifier decides among the types its input mapping offers (its
# result expression maps result.decision to documentType), and the language detector's answer
# goes to language. Z14's DMN worker evaluates its approval table into approved. Z13's SQL
# connector answers under its resultVariable header's name (beneficialOwner) the rows it read. M02's
# spiff-arena BambooHR operator answers the pay rate its script's unit test (inputJson) gives. Camunda's
# AI Agent (Z06, Z07: the job of an ad-hoc subprocess, see worker_answer) answers its agent record.
WORKER_ANSWERS = {"creditScoreChecker": {"creditScores": [3, 8]}, "check-seats": {"seatsAvailable": True},
                  "checkPlausibility": {"manualApprovalNecessary": False},
                  "io.holunda:connector-decide:2": {"documentType": "INVOICE", "language": "de"},
                  "DMN": {"approved": True},
                  "com.infosys.camundaconnectors.db:postgresql:1": {"beneficialOwner": {"response": [
                      {"customerId": "x", "name": "x"}]}},
                  "bamboohr-get-pay-rate": {"resp_GetPayRate": {"amount": "10000"}},
                  "io.camunda.agenticai:aiagent-job-worker:1": {"agent": {"responseMessage": "x"}}}


def worker_answer(task) -> dict:
    """What the test worker completes ``task`` with: its topic's answer; an ad-hoc
    subprocess's job (engine.methodology.adhoc) is told besides that the subprocess
    is done, with nothing (more) to activate — as an AI agent answering at once."""
    answer = dict(WORKER_ANSWERS.get(task.topic, {}))
    if task.node_id.endswith(adhoc.JOB_SUFFIX):
        answer[adhoc.FULFILLED] = True
    return answer


def worker_topics(methodologies: Path) -> list[str]:
    """The topics the BPMN files name (camunda:topic, zeebe:taskDefinition type) and
    those the routing files map other engines' implementations to (the topics
    import-bpmn proposed: the designer kept them)."""
    text = " ".join(p.read_text("utf-8", errors="replace") for p in methodologies.rglob("*.bpmn"))
    named = set(re.findall(r'(?:camunda:topic|<zeebe:taskDefinition[^>]*\btype)="([^"$={}]+)"', text))
    for routing in methodologies.glob("routing/*.yaml"):
        for part in (yaml.safe_load(routing.read_text("utf-8")).get("integration") or {}).values():
            named |= set(part["topics"].values())
    return sorted(named)


# What the messages the test worker sends carry, per message name (it sends the others empty):
# Z07's WhatsApp message (the inbound connector's message record, which its start event maps into
# supportCase and its contact lookup builds a query text from: a phone number to look up), and the
# support case and customer Z07's agent starts Z06's agent with (its send task's variables).
_SUPPORT_CASE = {"subject": "x", "request": "x", "communicationContext": {
    "channel": "whatsApp", "from": "x", "lastMessageId": "x", "mobilePhone": "+10000000000", "correlationId": "x"}}
MESSAGE_ANSWERS = {
    "CustomerCommunicationReceived": {"message": {
        "text": "x", "channel": "whatsApp", "from": "x", "id": "x", "mobilePhone": "+10000000000",
        "correlationId": "x"}},
    "ecommerceAgentStart": {"supportCase": _SUPPORT_CASE, "customer": {"id": "x", "name": "x"}}}


# What the designer answers where the generated value would loop forever: S03's "Interrupt
# work?" asks again until someone says Yes (which throws the message its boundary event catches);
# F02's employee, whose request the manager rejects (the first choice), does not resend it
# (import-bpmn's proposed choice for resendRequest, else Yes again and again). Z15's variant names
# the processes its call activities call ("process_phase1_" + variant): variantA is the one both
# phases have (any other text is an incident on the call activity, engine.runtime.call_activities).
FORM_ANSWERS = {"interrupt_task": "Yes", "resendRequest": "No", "variant": "variantA"}


def form_data(fields, today: date) -> dict:
    """What a user types into every field: text 'x', whole numbers 1, amounts 1,
    yes, today, the first choice (so a questionnaire question gets its first
    answer); within the field's limits."""
    values = {field.id: FORM_ANSWERS.get(field.id, _value(field, today)) for field in fields}
    return {key: value for key, value in values.items() if value is not None}


def _value(field, today: date):
    kind = field.type.lower()
    if kind == "boolean":
        return True
    if kind == "date":
        return today
    if kind == "enum":
        return field.choices[0][0] if field.choices else None  # nothing to choose: left empty
    if kind in ("long", "integer", "int", "money", "decimal"):
        number = Decimal(1)
        if field.minimum is not None:
            number = max(number, Decimal(field.minimum))
        if field.maximum is not None:
            number = min(number, Decimal(field.maximum))
        return int(number) if kind in ("long", "integer", "int") else number
    return "x" * max(1, int(field.minimum or 1))
