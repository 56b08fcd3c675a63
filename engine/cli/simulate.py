"""``dealflow simulate`` and ``dealflow test``: a methodology proved before it is
deployed, one deal on a throw-away database with a virtual clock (simulation.py)."""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click
import yaml

from engine import DealflowError, FormError, MethodologyError, OpportunityView, duration_length, read_scenario
from engine.cli.common import DEFAULT_PATH, existing, fail, pairs, simulation_start
from engine.cli.render import timers_held_because
from engine.cli.scenario_run import run_scenario
from engine.cli.simulation import Simulation

MAX_ANSWERS = 200  # a loop the sample answers never leave (a rework loop) stops here


@click.command()
@click.argument("methodology")
@click.option("--folder", default=DEFAULT_PATH, type=click.Path(), show_default=True,
              help="The methodologies folder to read (validated first).")
@click.option("--segment", default=None, help="The routing segment whose team and lanes the deal gets.")
@click.option("--amount", default="10000", show_default=True, help="The deal's amount.")
@click.option("--attr", "attributes", multiple=True, metavar="KEY=VALUE", help="An opportunity attribute; repeatable.")
@click.option("--answers", "answers_file", default=None, type=click.Path(exists=True, dir_okay=False),
              help="YAML: task id or name -> field: value. Fields left out get sample answers "
                   "(text 'x', numbers 1, yes, today, the first choice).")
@click.option("--until", default=None, metavar="won|lost|DATE",
              help="Go on (letting time pass to each timer when no task is open) until the deal is won, "
                   "lost, or the virtual clock reaches DATE (YYYY-MM-DD).")
@click.option("--advance", "advances", multiple=True, metavar="DURATION[@TASK]",
              help="Move the virtual clock by an ISO 8601 duration (P3D, PT4H) and fire the timers due: "
                   "at the start, or when TASK (id or name) is reached, before it is answered. Repeatable.")
@click.option("--time-zone", "time_zone", default=None, metavar="ZONE",
              help="The company's time zone (an IANA name such as Europe/Warsaw), whose day the "
                   "expressions' today() is; UTC by default, as in a company that has not set one.")
def simulate(methodology: str, folder: str, segment: str | None, amount: str, attributes: tuple[str, ...],
             answers_file: str | None, until: str | None, advances: tuple[str, ...],
             time_zone: str | None) -> None:
    """Drive one deal through METHODOLOGY as the files on disk describe it, printing
    each task reached, answer given, stage, probability, timer and exit-criteria check.

    Runs on an in-memory database with a virtual clock that starts now (DEALFLOW_NOW
    if set) and moves only by --advance and --until: no real time passes and NOTHING IS STORED — the
    configured database (DEALFLOW_DATABASE_URL) is not opened. Exits 1 when the
    folder has problems (printed as PATH:LINE: MESSAGE) or --until won/lost ends
    otherwise."""
    answers = _answers(answers_file)
    target_date, outcome = _until(until)
    plan = [_advance_option(text) for text in advances]
    try:
        money = Decimal(amount)
    except InvalidOperation:
        raise click.BadParameter(f"'{amount}' is not a number", param_hint="--amount") from None
    try:
        sim = Simulation.start(existing(folder), methodology, segment=segment, attributes=pairs(attributes, "--attr"),
                               amount=money, say=click.echo, now=simulation_start(),
                               time_zone=time_zone)
    except MethodologyError as err:
        for problem in err.problems:
            click.echo(str(problem))
        sys.exit(1)
    except FormError as err:  # --time-zone that is no time zone
        fail(next(iter(err.fields.values())))
    try:
        _drive(sim, answers, plan, target_date, outcome)
    except DealflowError as err:
        fail(str(err))
    finally:
        sim.close()
    if outcome and sim.deal.status != outcome:
        fail(f"the deal ended {sim.deal.status}, not {outcome}")


def _drive(sim: Simulation, answers: dict, plan: list, target_date, outcome) -> None:
    for duration, text, task in plan:
        if task is None:
            sim.advance(duration, text)
    pending = [(d, t, task) for d, t, task in plan if task is not None]
    for _ in range(MAX_ANSWERS):
        if sim.deal.status != "open" or (target_date and sim.clock.now >= target_date):
            return
        reached = next((p for p in pending if sim.find_task(p[2]) is not None), None)
        if reached is not None:
            pending.remove(reached)
            sim.advance(reached[0], f"{reached[1]} at {reached[2]}")
            continue
        steps = sim.open_steps()
        if steps:
            sim.answer(steps[0], answers.get(steps[0].node_id, answers.get(steps[0].name, {})))
        elif (outcome or target_date) and _next_timer_before(sim, target_date):
            sim.advance_to_next_timer()
        elif target_date:
            sim.advance(target_date - sim.clock.now, f"to {target_date:%Y-%m-%d}")
            return
        else:
            click.echo("  the deal waits: no open task" + _timers(sim.deal)
                       + ("" if outcome else "; --until won|lost|DATE lets time pass"))
            return
    click.echo(f"  stopped after {MAX_ANSWERS} answers: the answers go round a loop; give others with --answers")


def _timers(deal: OpportunityView) -> str:
    if deal.next_timer_at is not None:
        return ""
    if deal.timers_held:
        return f", and its timers are held until its failed step is retried: {timers_held_because(deal)}"
    return " and no timer"


def _next_timer_before(sim: Simulation, target_date) -> bool:
    due = sim.deal.next_timer_at
    return due is not None and (target_date is None or due <= target_date)


def _answers(path: str | None) -> dict:
    if path is None:
        return {}
    try:
        data = yaml.safe_load(Path(path).read_text("utf-8")) or {}
    except yaml.YAMLError as err:
        fail(f"{path}: not YAML: {err}")
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        fail(f"{path}: expected 'TASK_ID_OR_NAME:' lines, each with 'field: value' lines under it")
    return data


def _until(text: str | None) -> tuple[datetime | None, str | None]:
    if text is None:
        return None, None
    if text in ("won", "lost"):
        return None, text
    try:
        day = datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        raise click.BadParameter(f"'{text}' is not won, lost or a date YYYY-MM-DD", param_hint="--until") from None
    return day.replace(tzinfo=timezone.utc), None


def _advance_option(text: str):
    duration_text, _, task = text.partition("@")
    duration = duration_length(duration_text)
    if duration is None:
        raise click.BadParameter(f"'{duration_text}' is not a duration of days, weeks or hours (P3D, P2W, PT4H)",
                                 param_hint="--advance")
    return duration, duration_text, task or None


@click.command("test")
@click.argument("path", default=DEFAULT_PATH, type=click.Path())
def test_command(path: str) -> None:
    """Run every scenario file under PATH (a methodologies folder — its scenarios/ —
    or one scenario file), each on its own in-memory database with a virtual clock
    that starts now (DEALFLOW_NOW if set: a scenario whose outcome hangs on the date,
    such as a close date passing, then gives the same answer on any day).

    Prints PASSED NAME or FAILED PATH:LINE: WHAT for each; exits 1 when any failed
    or a scenario file has a problem, 0 otherwise. Nothing is stored."""
    files = _scenario_files(Path(existing(path, "methodologies folder or scenario file")))
    if not files:
        fail(f"no scenario files under {path}: write methodologies/scenarios/*.yaml ('dealflow schema scenarios')")
    folder = _methodologies_folder(Path(path))
    passed = failed = 0
    for file in files:
        shown = str(file)
        scenario, problems = read_scenario(shown, file.read_text("utf-8"))
        if problems:
            for problem in problems:
                click.echo(f"ERROR {problem}")
            failed += 1
            continue
        failures = run_scenario(scenario, str(folder), simulation_start())
        if failures:
            failed += 1
            for failure in failures:
                click.echo(f"FAILED {failure}")
        else:
            passed += 1
            click.echo(f"PASSED {scenario.name}")
    click.echo(f"{passed} passed, {failed} failed")
    if failed:
        sys.exit(1)


def _scenario_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    folder = path / "scenarios" if (path / "scenarios").is_dir() else path
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml"))


def _methodologies_folder(path: Path) -> Path:
    """The folder a scenario's methodology is read from: PATH itself, or the folder
    above the scenarios/ folder a scenario file or PATH sits in."""
    for candidate in [path, *path.parents]:
        if candidate.name == "scenarios":
            return candidate.parent
    return path


COMMANDS = [simulate, test_command]
