"""Running one scenario file's steps against a simulated deal (simulation.py) and
saying, at the line it was written on, each expectation that does not hold."""

from __future__ import annotations

from datetime import datetime

from engine import DealflowError, MethodologyError, Scenario
from engine.cli.simulation import Simulation


def run_scenario(scenario: Scenario, folder: str, now: datetime | None = None) -> list[str]:
    """``path:line: what`` for each expectation that failed; [] when it passed. A
    step that cannot be taken (a task that is not open) ends the run there. The
    virtual clock starts at ``now`` (default: the real now); the company keeps the
    scenario's time zone (UTC when it names none)."""
    where = f"{scenario.path}:{scenario.line}"
    try:
        sim = Simulation.start(folder, scenario.methodology, segment=scenario.segment,
                               attributes=scenario.attributes, amount=scenario.amount, now=now,
                               time_zone=scenario.time_zone)
    except MethodologyError as err:
        return [f"{where}: {folder} has problems ('dealflow validate {folder}'), the first: {err.problems[0]}"]
    except DealflowError as err:
        return [f"{where}: {err}"]
    failures: list[str] = []
    try:
        for step in scenario.steps:
            at = f"{scenario.path}:{step.line}"
            if step.kind == "expect":
                failures += [f"{scenario.path}:{line}: {message}" for line, message in _unmet(sim, step.expectation)]
                continue
            try:
                if step.kind == "advance":
                    sim.advance(step.duration, step.duration_text)
                    continue
                if step.kind == "messages":
                    for name, values in step.messages:
                        sim.send_message(name, values)
                    continue
                task = sim.find_task(step.task)
                if task is None:
                    open_now = ", ".join(t.node_id for t in sim.open_steps()) or "none"
                    failures.append(f"{at}: task '{step.task}' is not open (open: {open_now}; "
                                    f"deal {sim.deal.status}, stage {sim.deal.stage_id})")
                    break
                sim.answer(task, step.values)
            except DealflowError as err:
                failures.append(f"{at}: {err}")
                break
    finally:
        sim.close()
    return failures


def _unmet(sim: Simulation, expectation) -> list[tuple[int, str]]:
    deal = sim.deal
    found = []
    for name, wanted in expectation.values.items():
        line = expectation.lines[name]
        if name == "stage":
            if wanted not in (deal.stage_id, deal.stage_name):
                found.append((line, f"expected stage '{wanted}', got '{deal.stage_id}'"))
        elif name == "status":
            if wanted != deal.status:
                found.append((line, f"expected status '{wanted}', got '{deal.status}'"))
        elif name == "probability":
            if wanted != deal.probability:
                found.append((line, f"expected probability {wanted}, got {deal.probability}"))
        elif name == "open_tasks":
            steps = sim.open_steps()
            unmatched = [w for w in wanted if not any(w in (t.node_id, t.name) for t in steps)]
            extra = [t.node_id for t in steps if not any(w in (t.node_id, t.name) for w in wanted)]
            if unmatched or extra:
                found.append((line, f"expected open tasks {sorted(wanted)}, got {sorted(t.node_id for t in steps)}"))
        elif name == "events":
            kinds = {e.kind for e in deal.events}
            missing = [w for w in wanted if w not in kinds]
            if missing:
                found.append((line, f"expected event{'s' if len(missing) > 1 else ''} {', '.join(missing)}, "
                                    f"recorded: {', '.join(sorted(kinds)) or 'none'}"))
        elif name == "warnings":
            rules = sim.warnings()
            if sorted(wanted) != rules:
                found.append((line, f"expected warnings {sorted(wanted)}, got {rules}"))
    return found
