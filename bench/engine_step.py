"""What one durable workflow step costs in Dealflow, against the bare library.

One command:  python bench/engine_step.py [--steps N]      (default: 2000 steps)

Both sides walk the shipped seed-002 funnel (methodologies/bpmn/seed002-funnel.bpmn,
process seed002_funnel) along path b — evaluation 'accepted', negotiation 'agreed',
to won — with the demo's answers (engine.demo.ANSWERS) typed as the forms type them,
walk after walk until N user-task steps have been timed.

(a) Floor: SpiffWorkflow 3.2.0 alone, in memory. The BPMN is parsed once; each step
    restores the workflow from its state JSON without the spec (the cheapest round
    trip SpiffWorkflow allows), finds the READY user task, sets its data, runs it,
    runs the engine steps, and writes the state JSON again, without the spec.
(b) Dealflow: Engine.complete_task(..., view=False) on an SQLite file — lock the
    deal, re-read the task, permission and form checks, the same SpiffWorkflow step
    through ProcessRunner, stage changes, inbox, history and event rows, the kept
    report totals, commit. No view is returned (as for a caller that redirects);
    --view times the call with the full view it returns by default. Only the
    complete_task calls are timed; the next task is read untimed.
(c) When DEALFLOW_BENCH_POSTGRES_URL (or DEALFLOW_TEST_POSTGRES_URL) is set: (b) on
    PostgreSQL, in a fresh schema dropped afterwards, as durable steps per second.

The sides take turns, one walk each, so that a shared machine's load falls on all of
them alike; each step's wall time and the process's CPU time are both recorded (the
CPU time leaves out waiting for a CPU on a loaded machine).

Prints per-step median and mean for (a) and (b) and, last,
ratio=X.XX cpu_ratio=X.XX (target <= 1.5)  postgres_steps/s=N (target >= 250)
(ratio: (b) median wall time / (a) median wall time; cpu_ratio the same of CPU times).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from contextlib import ExitStack
from pathlib import Path
from typing import Callable
from uuid import UUID

from lxml import etree
from sqlalchemy import event
from sqlalchemy.engine import Engine as SqlEngine
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.util.task import TaskState

from engine.demo import ANSWERS, WALKS, seed_demo
from engine.rules.forms import validate_form
from engine.methodology.bpmn_source import read_bpmn
from engine.rules.routing import routing_variables
from engine.rules.scoring import question_fields
from engine.service import Engine
from engine.service.validation import load_methodologies
from fresh_schema import postgres_schema

REPO = Path(__file__).resolve().parent.parent
METHODOLOGIES = REPO / "methodologies"
BPMN = METHODOLOGIES / "bpmn" / "seed002-funnel.bpmn"
PROCESS_ID = "seed002_funnel"
# The demo's northern wholesaler (86 000 PLN): routed to the seed-002 funnel, the process the
# floor runs, and walked to won with the demo's answers.
WALK = next(w for w in WALKS if w.attributes.get("channel") == "wholesale" and w.attributes.get("territory") == "PL-PM")
WARMUP_WALKS = 2
# The thread CPU time of each timed step, by id() of the list of its wall times: on a
# shared machine the wall times carry the waits for a CPU, the CPU times do not (on SQLite
# they hold nearly all of a step; PostgreSQL's own work is in its server, not here).
CPU: dict[int, list[float]] = {}
# SQL statements sent during the timed steps, by id() of the list of their wall times
# (counted only while one is being timed: ``_timed`` names the list).
STATEMENTS: dict[int, int] = {}
_timed: list[int | None] = [None]


@event.listens_for(SqlEngine, "before_cursor_execute")
def _count(*_args) -> None:
    if _timed[0] is not None:
        STATEMENTS[_timed[0]] = STATEMENTS.get(_timed[0], 0) + 1

# --- typed answers ------------------------------------------------------------------


def typed_answers() -> dict[str, dict]:
    """ANSWERS per node, as validate_form types them for that node's form (defaults applied)."""
    facts = read_bpmn(str(BPMN), etree.parse(str(BPMN)))
    methodology = load_methodologies(str(METHODOLOGIES)).library.methodologies["seed002-funnel"]
    # A task's form is its BPMN fields and, where a questionnaire is attached, its questions.
    forms = {node.id: node.form + (question_fields(q) if (q := methodology.questionnaire_for_task(node.id)) else ())
             for process in facts.processes.values() for node in process.nodes.values() if node.form}
    typed = {}
    for node, fields in forms.items():
        clean, errors = validate_form(fields, ANSWERS.get(node, {}))
        if errors:
            raise SystemExit(f"engine.demo.ANSWERS does not fit the form of {node}: {errors}")
        typed[node] = clean
    return typed


# --- (a) the floor: bare SpiffWorkflow ------------------------------------------------


class _StateOnlyConverter(BpmnWorkflowConverter):
    """A BpmnWorkflow written without spec/subprocess_specs, restored around live specs.

    Kept here rather than imported from engine.runtime so the floor does not move when
    Dealflow's own serializer changes."""

    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None, script_engine=None):
        workflow = self.target_class(spec, subprocess_specs, script_engine=script_engine, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


class Floor:
    def __init__(self, answers: dict[str, dict]):
        parser = CamundaParser()
        parser.add_bpmn_file(str(BPMN))
        self.spec = parser.get_spec(PROCESS_ID)
        self.subprocess_specs = parser.get_subprocess_specs(PROCESS_ID)
        registry = BpmnWorkflowSerializer.configure(CAMUNDA_CONFIG)
        _StateOnlyConverter(BpmnWorkflow, registry)
        registry.register(Decimal, lambda v: {"value": str(v)}, lambda v: Decimal(v["value"]))
        registry.register(date, lambda v: {"value": v.isoformat()}, lambda v: date.fromisoformat(v["value"]))
        self.serializer = BpmnWorkflowSerializer(registry)
        self.answers = answers
        self.initial = routing_variables(Decimal(WALK.amount), "PLN", WALK.attributes, {})

    def start(self) -> str:
        workflow = BpmnWorkflow(self.spec, self.subprocess_specs)
        workflow.task_tree.data.update(self.initial)
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(self.initial)
        workflow.do_engine_steps()
        return self.serializer.serialize_json(workflow)

    def step(self, state: str) -> tuple[str, bool]:
        """One user-task step: state in, state out (and whether the workflow finished)."""
        dct = json.loads(state)
        dct.pop(self.serializer.VERSION_KEY)
        workflow = self.serializer.from_dict(dct, spec=self.spec, subprocess_specs=self.subprocess_specs,
                                             script_engine=None)
        task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
        task.data.update(self.answers[task.task_spec.bpmn_id])
        task.run()
        workflow.do_engine_steps()
        return self.serializer.serialize_json(workflow), workflow.is_completed()

    def walk(self, times: list[float] | None, limit: int) -> list[str]:
        """One walk to the end (or until ``limit`` steps are timed); the nodes completed."""
        state, done, nodes = self.start(), False, []
        while not done and (times is None or len(times) < limit):
            nodes.append(self._next_node(state))
            start, cpu = time.perf_counter(), time.thread_time()
            state, done = self.step(state)
            elapsed, cpu = time.perf_counter() - start, time.thread_time() - cpu
            if times is not None:
                times.append(elapsed)
                CPU.setdefault(id(times), []).append(cpu)
        return nodes

    def _next_node(self, state: str) -> str:
        """Untimed bookkeeping: which node the next step completes."""
        tasks = json.loads(state)["tasks"].values()
        ready = [t["task_spec"] for t in tasks if t["state"] == TaskState.READY
                 and getattr(self.spec.task_specs[t["task_spec"]], "manual", False)]
        return ready[0]


# --- (b) Dealflow's durable step ------------------------------------------------------


def setup_engine(url: str) -> Engine:
    engine = Engine(url, upgrade_schema=True)
    seed_demo(engine, str(METHODOLOGIES), count=0)  # the demo's people, teams and territory reps; deployed
    return engine


def dealflow_walk(engine: Engine, times: list[float] | None, limit: int, view: bool = False) -> list[str]:
    """One walk to won (or until ``limit`` steps are timed); the nodes completed.

    Timed: ``complete_task`` alone. Without ``view`` the step returns no view (as a
    caller that redirects asks it) and the next task is read untimed."""
    opportunity = engine.create_opportunity(
        title=WALK.title, amount=WALK.amount, currency="PLN", partner=WALK.partner,
        attributes=WALK.attributes, actor="manager")
    if opportunity.methodology_id != "seed002-funnel":
        raise SystemExit(f"the walk follows {opportunity.methodology_id}, not the floor's seed002-funnel")
    nodes = []
    while opportunity.open_tasks and (times is None or len(times) < limit):
        task = opportunity.open_tasks[0]
        data = dict(ANSWERS.get(task.node_id, {}))  # raw, as typed: complete_task validates
        actor = task.assignee or "manager"
        nodes.append(task.node_id)
        _timed[0] = id(times) if times is not None else None
        start, cpu = time.perf_counter(), time.thread_time()
        if view:  # the call as it was before the view became optional
            returned = engine.complete_task(task.id, actor=actor, data=data)
        else:
            returned = engine.complete_task(task.id, actor=actor, data=data, view=False)
        elapsed, cpu = time.perf_counter() - start, time.thread_time() - cpu
        _timed[0] = None
        opportunity = returned if view else engine.show_opportunity(opportunity.id)
        if times is not None:
            times.append(elapsed)
            CPU.setdefault(id(times), []).append(cpu)
    if not opportunity.open_tasks and opportunity.status != "won":
        raise SystemExit(f"the walk ended {opportunity.status}, not won: {nodes}")
    return nodes


# --- (c) PostgreSQL ---------------------------------------------------------------------


# --- main -------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.3f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=2000, help="user-task steps timed per side (default 2000)")
    parser.add_argument("--view", action="store_true",
                        help="time complete_task with the full view it can return (as before issue 16)")
    args = parser.parse_args()
    steps = args.steps
    pg_url = os.environ.get("DEALFLOW_BENCH_POSTGRES_URL") or os.environ.get("DEALFLOW_TEST_POSTGRES_URL")
    load_before = os.getloadavg()

    floor = Floor(typed_answers())
    with ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="dealflow-bench-"))
        engines = {"sqlite": setup_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")}
        stack.callback(engines["sqlite"].close)
        if pg_url:
            url, _, _ = stack.enter_context(postgres_schema("engine_step.py"))
            engines["postgresql"] = setup_engine(url)
            stack.callback(engines["postgresql"].close)
        # The sides take turns, one walk each, so that they share the machine's load.
        sides: dict[str, Callable] = {"floor": floor.walk}
        for name, engine in engines.items():
            sides[name] = lambda times, limit, engine=engine: dealflow_walk(engine, times, limit, args.view)
        nodes = {name: walk(None, 0) for name, walk in sides.items() for _ in range(WARMUP_WALKS)}
        times: dict[str, list[float]] = {name: [] for name in sides}
        while any(len(t) < steps for t in times.values()):
            for name, walk in sides.items():
                if len(times[name]) < steps:
                    walk(times[name], steps)
    for name, walked in nodes.items():
        if walked != nodes["floor"]:
            raise SystemExit(f"the sides walked different paths:\n  floor {nodes['floor']}\n  {name} {walked}")

    load_after = os.getloadavg()
    print(f"seed-002 funnel, path b to won: {len(nodes['floor'])} user-task steps per walk; "
          f"{steps} steps timed per side after {WARMUP_WALKS} warm-up walks, the sides taking turns; "
          f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    what = "with the full view returned" if args.view else "no view returned"
    f_med, o_med = statistics.median(times["floor"]), statistics.median(times["sqlite"])
    print(f"(a) floor    (SpiffWorkflow in memory, state-only JSON round trip): "
          f"median {ms(f_med)}  mean {ms(statistics.fmean(times['floor']))}")
    print(f"(b) dealflow (Engine.complete_task on SQLite, committed, {what}): "
          f"median {ms(o_med)}  mean {ms(statistics.fmean(times['sqlite']))}")
    f_cpu, o_cpu = (statistics.median(CPU[id(times[side])]) for side in ("floor", "sqlite"))
    print(f"    CPU time of the process per step (not waiting for a CPU): floor median {ms(f_cpu)}, "
          f"dealflow median {ms(o_cpu)}, cpu_ratio={o_cpu / f_cpu:.2f}")
    print("SQL statements per timed step: " + ", ".join(
        f"{side} {STATEMENTS.get(id(times[side]), 0) / len(times[side]):.1f}" for side in times if side != "floor"))
    rate = ""
    if "postgresql" in times:
        pg = times["postgresql"]
        rate = f"{len(pg) / sum(pg):.1f}"
        print(f"(c) dealflow on PostgreSQL ({pg_url.split('@')[-1]}, {what}): {rate} durable steps/s "
              f"(median {ms(statistics.median(pg))} per step, one client)")
    else:
        rate = "skipped"
        print("(c) PostgreSQL: skipped; set DEALFLOW_BENCH_POSTGRES_URL (or DEALFLOW_TEST_POSTGRES_URL), e.g. "
              "postgresql://postgres@127.0.0.1:5432/test, to measure durable steps per second there")
    print(f"ratio={o_med / f_med:.2f} cpu_ratio={o_cpu / f_cpu:.2f} (target <= 1.5)  "
          f"postgres_steps/s={rate} (target >= 250)")


if __name__ == "__main__":
    sys.exit(main())
