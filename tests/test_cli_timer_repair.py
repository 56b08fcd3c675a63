"""``dealflow opportunity rearm-timers``, ``dealflow worker``'s start and ``dealflow
opportunity show``'s error note as a user meets them, on SQLite and PostgreSQL: the
repair prints each deal it re-armed (a dry run: would), the worker re-arms once at
its start and fires the timer, and a mistake is one line."""

from __future__ import annotations

import pytest

from tests.conftest import commands_at, make_engine
from tests.service.test_held_timers import three_branches
from tests.service.test_parallel_errors import BROKEN, DISPLACED, second_failure, two_failing_people
from tests.service.test_timer_repair import unarmed


@pytest.fixture
def broken(db_url, clock, tmp_path, monkeypatch):
    """A deal stored as the old bug left it (its review's timer unarmed), the commands'
    database and clock those of the test."""
    engine = make_engine(db_url, clock, three_branches(tmp_path, offer=BROKEN, check=BROKEN))
    deal, due = unarmed(engine, db_url)
    engine.close()
    monkeypatch.setenv("DEALFLOW_DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    return deal, due


def test_the_repair_says_what_it_would_change_then_changes_it(broken, run_cli, monkeypatch, clock):
    deal, due = broken
    commands_at(monkeypatch, clock())
    line = f"  #{deal.id} {deal.title}: next timer - -> {due:%Y-%m-%d %H:%M} UTC; next action - -> {due:%Y-%m-%d %H:%M} UTC"
    dry = run_cli("opportunity", "rearm-timers", "--dry-run")
    assert (dry.exit_code, dry.output) == (0, f"checked 1 open or won deals showing an error; would re-arm 1\n{line}\n")
    done = run_cli("opportunity", "rearm-timers")
    assert (done.exit_code, done.output) == (0, f"checked 1 open or won deals showing an error; re-armed 1\n{line}\n")
    again = run_cli("opportunity", "rearm-timers", "--all")
    assert again.output == "checked 1 open or won deals; re-armed 0 (every stored next timer agrees with its workflow)\n"


def test_the_worker_rearms_at_its_start_and_fires_the_timer(broken, run_cli, monkeypatch, clock):
    deal, due = broken
    commands_at(monkeypatch, clock.advance(days=2, minutes=1))
    result = run_cli("worker", "--once", "--no-snapshots", "--no-train", "--warnings-every", "0")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "checked 1 open or won deals showing an error; re-armed 1",
        f"  #{deal.id} {deal.title}: next timer - -> {due:%Y-%m-%d %H:%M} UTC; next action - -> {due:%Y-%m-%d %H:%M} UTC",
        "fired timers on 1 opportunity"]
    again = run_cli("worker", "--once", "--no-snapshots", "--no-train", "--warnings-every", "0")
    assert again.output == "fired timers on 0 opportunities\n"  # silent when nothing disagrees


def test_a_database_it_cannot_reach_is_one_line(tmp_path, run_cli, monkeypatch):
    monkeypatch.setenv("DEALFLOW_DATABASE_URL", f"sqlite:///{tmp_path / 'no-such-folder' / 'dealflow.db'}")
    result = run_cli("opportunity", "rearm-timers", "--dry-run")
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: cannot reach the database sqlite:///") and line.endswith(": unable to open database file")


def test_a_mistyped_option_names_the_right_one(broken, run_cli):
    result = run_cli("opportunity", "rearm-timers", "--dry")
    assert result.exit_code == 2 and "Did you mean '--dry-run'?" in result.output


def test_show_prints_the_note_under_the_error(db_url, clock, tmp_path, monkeypatch, run_cli):
    engine = make_engine(db_url, clock, two_failing_people(tmp_path))
    deal = second_failure(engine, clock)
    engine.close()
    monkeypatch.setenv("DEALFLOW_DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    commands_at(monkeypatch, clock())
    lines = run_cli("opportunity", "show", str(deal.id)).output.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("  ERROR"))
    assert lines[at].startswith("  ERROR          at script task 'File the review' (Script_After): division by "
                                "zero — fix it")
    assert lines[at + 1] == f"  note           {DISPLACED}"
