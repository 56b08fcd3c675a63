"""One deal driven through a methodologies folder on a throw-away database with a
virtual clock: what ``dealflow simulate`` prints and ``dealflow test`` checks.

Nothing touches the configured database. The folder is validated, copied with its
routing narrowed to one catch-all segment for the methodology (the deal is meant to
follow it whatever its attributes), deployed into an in-memory SQLite engine whose
clock starts at the real now and moves only when told to; the people the routing
needs are created (a rep and a manager per team, the users lanes name).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Callable, Mapping

import yaml

from engine import (Engine, ExitCriteriaError, Library, MethodologyError, NotFoundError, OpportunityView, TaskView,
                    load_methodologies, sample_answers)
from engine.cli.render import timers_held_because
from engine.demo.walk import meet_exit_criteria
from engine.views.messages import Correlation

REP, MANAGER, DESIGNER = "rep", "manager", "designer"
SHOWN_EVENTS = {"exit_criteria_skipped"}  # events worth a line of their own
_A_MOMENT = timedelta(microseconds=1)


class VirtualClock:
    """The engine's clock: it starts at ``start`` and moves only by ``advance``."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Simulation:
    engine: Engine
    clock: VirtualClock
    deal: OpportunityView
    say: Callable[[str], None]
    seen_tasks: set = field(default_factory=set)
    shown_stages: int = 0
    shown_events: int = 0
    refusals: list = field(default_factory=list)  # (task name, message) of each exit-criteria refusal

    # --- starting ------------------------------------------------------------------

    @classmethod
    def start(cls, folder: str, methodology: str, *, segment: str | None = None,
              attributes: Mapping[str, object] | None = None, amount: Decimal = Decimal("10000"),
              say: Callable[[str], None] = lambda _: None, now: datetime | None = None,
              time_zone: str | None = None) -> Simulation:
        """MethodologyError with every problem of the folder; NotFoundError for an
        unknown methodology or segment. ``time_zone``: the simulated company's (an IANA
        name), whose day the expressions' today() is; UTC by default."""
        result = load_methodologies(folder)
        if result.problems:
            raise MethodologyError(result.problems)
        library = result.library
        if methodology not in library.methodologies:
            raise NotFoundError(f"no methodology '{methodology}' in {folder}; there are: "
                                f"{', '.join(sorted(library.methodologies)) or 'none'}")
        team, segment_id = _team_of(library, methodology, segment)
        clock = VirtualClock((now or datetime.now(timezone.utc)).replace(microsecond=0))
        engine = Engine("sqlite://", clock=clock, upgrade_schema=True)
        _create_people(engine, library, methodology, team)
        if time_zone is not None:
            engine.set_company_time_zone(time_zone, actor=DESIGNER)
        with tempfile.TemporaryDirectory(prefix="dealflow-simulate-") as copy:
            _narrowed_copy(folder, Path(copy), library, methodology, segment_id, team)
            engine.deploy(copy, actor=DESIGNER)
        deal = engine.create_opportunity(title=f"Simulated {methodology} deal", amount=amount,
                                         partner="Simulated customer", attributes=dict(attributes or {}),
                                         actor=MANAGER)
        simulation = cls(engine, clock, deal, say)
        say(f"{clock.now:%Y-%m-%d %H:%M} opened a {amount} deal in segment {segment_id} (team {team}), "
            f"methodology {deal.methodology_id} {deal.methodology_label}; nothing is stored")
        simulation.report()
        return simulation

    def close(self) -> None:
        self.engine.close()

    # --- what the deal shows -----------------------------------------------------------

    def open_steps(self) -> list[TaskView]:
        return [t for t in self.deal.open_tasks if t.kind == "workflow"]

    def find_task(self, wanted: str) -> TaskView | None:
        """The open step whose node id or name is ``wanted``."""
        steps = self.open_steps()
        return next((t for t in steps if t.node_id == wanted), None) or next(
            (t for t in steps if t.name.casefold() == wanted.casefold()), None)

    def warnings(self) -> list[str]:
        """The rules of the early warnings the deal has now, after a sweep at this moment."""
        self.engine.sweep_warnings()
        return sorted(w.rule for w in self.engine.deal_warnings(self.deal.id, viewer=MANAGER) if w.cleared_at is None)

    def report(self) -> None:
        """Print what changed since the last report: stages, events, tasks, timers, the end."""
        deal = self.deal
        for change in deal.stage_history[self.shown_stages:]:
            self.say(f"  stage {change.to_stage} ({change.to_stage_name}), probability {change.probability} %")
        self.shown_stages = len(deal.stage_history)
        events = sorted(deal.events, key=lambda e: e.at)
        for event in events[self.shown_events:]:
            if event.kind in SHOWN_EVENTS:
                details = ", ".join(f"{k}: {v}" for k, v in sorted(event.data.items()))
                self.say(f"  {event.kind.replace('_', ' ')} ({details})")
        self.shown_events = len(events)
        for task in self.open_steps():
            if task.id not in self.seen_tasks:
                self.seen_tasks.add(task.id)
                who = task.assignee or (f"queue of team {task.candidate_team}" if task.candidate_team else "nobody")
                due = f", due {task.due_at:%Y-%m-%d %H:%M}" if task.due_at else ""
                self.say(f"  task reached: {task.name} ({task.node_id}), lane {task.lane or '-'}, {who}{due}")
        if deal.status != "open":
            self.say(f"  END: {deal.status.upper()} — stage {deal.stage_id}, probability {deal.probability} %"
                     + (f"; error: {deal.error_message}" if deal.error_message else ""))
        elif deal.next_timer_at is not None:
            self.say(f"  timer pending, due {deal.next_timer_at:%Y-%m-%d %H:%M}")
        elif deal.timers_held:
            self.say(f"  timers held until the failed step is retried: {timers_held_because(deal)}")

    # --- acting ------------------------------------------------------------------------

    def answer(self, task: TaskView, values: Mapping[str, object]) -> None:
        """Complete ``task`` with ``values`` over sample answers for the fields left out.
        A refusal by the stage's exit criteria is shown, then met as a diligent rep
        would (engine.demo.walk) and the answer given again."""
        data = {k: _text(v) for k, v in {**sample_answers(task.form, self.clock.now.date()), **values}.items()}
        actor = task.assignee or REP
        if task.claimable:
            self.engine.claim_task(task.id, actor=REP)
        shown = ", ".join(f"{k}={v}" for k, v in data.items()) or "no fields"
        self.say(f"{self.clock.now:%Y-%m-%d %H:%M} answer {task.name} ({task.node_id}) as {actor}: {shown}")
        try:
            self.deal = self.engine.complete_task(task.id, actor=actor, data=data)
        except ExitCriteriaError as refusal:
            self.refusals.append((task.name, str(refusal)))
            self.say(f"  exit criteria refused: {refusal}")
            self.deal = meet_exit_criteria(self.engine, self.engine.show_opportunity(self.deal.id),
                                           lambda line: self.say("  met: " + line.strip().removeprefix("done:").strip()))
            self.deal = self.engine.complete_task(task.id, actor=actor, data=data)
        self.report()

    def send_message(self, name: str, values: Mapping[str, object]) -> None:
        """Deliver message ``name`` with ``values`` to the deal (by its id), as the ERP or
        a web form would; NotFoundError when the deal does not wait for it."""
        shown = ", ".join(f"{k}={v}" for k, v in values.items()) or "no variables"
        self.say(f"{self.clock.now:%Y-%m-%d %H:%M} message {name}: {shown}")
        self.engine.send_message(name, Correlation(deal_id=self.deal.id), dict(values))
        self.deal = self.engine.show_opportunity(self.deal.id)
        self.report()

    def advance(self, duration: timedelta, shown: str) -> None:
        """Move the virtual clock by ``duration`` and fire every timer that fell due,
        one due at the very end included: timers fire once their moment has passed
        (SpiffWorkflow and the sweep compare strictly), so the clock goes a
        microsecond further — ``advance: P14D`` fires a 14-day timer."""
        self.clock.now += duration + _A_MOMENT
        fired = 0
        while (count := self.engine.fire_due_timers()) > 0:
            fired += count
        self.say(f"{self.clock.now:%Y-%m-%d %H:%M} advanced {shown}: {fired} timer{'s' if fired != 1 else ''} fired")
        self.deal = self.engine.show_opportunity(self.deal.id)
        self.report()

    def advance_to_next_timer(self) -> bool:
        """Let time pass until the deal's next timer; False when it has none."""
        due = self.deal.next_timer_at
        if due is None:
            return False
        self.advance(max(due - self.clock.now, timedelta(0)), f"to the timer due {due:%Y-%m-%d %H:%M}")
        return True


def _text(value: object) -> object:
    """A value as a form posts it (the YAML's true, 3 or a date as text)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def _team_of(library: Library, methodology: str, wanted: str | None) -> tuple[str, str]:
    """The team and segment id the deal gets: segment ``wanted``, else the first
    segment that follows the methodology, else team 'sales'."""
    segments = [s for r in library.routing for s in r.segments]
    if wanted is not None:
        segment = next((s for s in segments if s.id == wanted), None)
        if segment is None:
            raise NotFoundError(f"no segment '{wanted}' in the routing; there are: "
                                f"{', '.join(s.id for s in segments) or 'none'}")
        return segment.team, segment.id
    segment = next((s for s in segments if s.methodology.split("@")[0] == methodology), None)
    return (segment.team, segment.id) if segment else ("sales", "simulated")


def _create_people(engine: Engine, library: Library, methodology: str, team: str) -> None:
    engine.create_user(DESIGNER, "admin")
    engine.create_user(MANAGER, "manager")
    engine.create_user(REP, "rep")
    teams, users = {team}, set()
    for routing in library.routing:
        for table in (routing.lanes, routing.groups, routing.users):
            for role in table.get(methodology, {}).values():
                if role.kind == "team" and role.name:
                    teams.add(role.name)
                elif role.kind == "user" and role.name:
                    users.add(role.name)
    for name in sorted(users - {DESIGNER, MANAGER, REP}):
        engine.create_user(name, "manager")
    for name in sorted(teams):
        engine.create_team(name, MANAGER, [REP])


def _narrowed_copy(folder: str, target: Path, library: Library, methodology: str, segment_id: str,
                   team: str) -> None:
    """The methodology's own files (its process, decisions, stage table and
    questionnaires: less to deploy) with one routing file whose only segment sends
    every deal to it and ``team``; its lanes, groups, users and topics kept."""
    chosen = library.methodologies[methodology]
    for path in chosen.files:
        copy = target / os.path.relpath(path, folder)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy)
    routing: dict = {"routing": "simulated", "lanes": {}}
    for source in library.routing:
        data = yaml.safe_load(Path(source.path).read_text("utf-8")) or {}
        for key in ("lanes", "groups", "users", "integration"):
            if isinstance(data.get(key), dict) and methodology in data[key]:
                routing.setdefault(key, {})[methodology] = data[key][methodology]
    routing["segments"] = [{"id": segment_id, "name": "Simulated", "methodology": methodology, "team": team,
                            "assignment": "round_robin"}]
    (target / "routing").mkdir(exist_ok=True)
    (target / "routing" / "simulated.yaml").write_text(yaml.safe_dump(routing, sort_keys=False), "utf-8")
