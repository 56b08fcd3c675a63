"""The engine's commands, as a user types them, on the embedded SQLite default."""

import os
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.conftest import SHIPPED, commands_at

# The commands' "now" (in_tmp): a fixed instant, not the hour CI runs at.
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DEALFLOW_DATABASE_URL", raising=False)
    commands_at(monkeypatch, NOW)
    return tmp_path


def test_demo_walks_opportunities_through_the_seed_funnel_to_won_and_to_lost(in_tmp, run_cli):
    result = run_cli("demo", str(SHIPPED))
    assert result.exit_code == 0, result.output
    assert (in_tmp / "dealflow.db").exists()  # the embedded default, created on first use
    assert result.output.count("WON:") == 3 and result.output.count("LOST:") == 2
    assert "-> Należność (100 %)" in result.output
    assert "-> Negocjacje 2 (55 %)" in result.output  # one walk takes the optional second round
    for methodology in ("seed002-funnel 1.0", "key-account 1.0", "meddpicc 1.0", "horeca-bant 1.1"):
        assert f"methodology {methodology}" in result.output
    listing = run_cli("opportunity", "list").output
    assert len(re.findall(r"^#\d+ +won ", listing, re.M)) == 3
    assert len(re.findall(r"^#\d+ +lost ", listing, re.M)) == 2


def test_a_rep_completes_a_task_from_the_command_line(in_tmp, run_cli):
    run_cli("demo", str(SHIPPED))
    created = run_cli("opportunity", "create", "--title", "Chłodziarki", "--amount", "5000",
                      "--partner", "Bar Mleczny", "--attr", "channel=institution", "--attr", "territory=PL-MZ",
                      "--as", "manager")
    assert created.exit_code == 0, created.output
    number = re.search(r"Opportunity #(\d+)", created.output).group(1)
    task_id = re.search(r"^    ([0-9a-f-]{36})  Record the need", created.output, re.M).group(1)
    done = run_cli("task", "complete", task_id, "--as", created.output.split(" — ")[-1].split()[0],
                   "need_summary=Fridges for the bar", "estimated_amount=5000")
    assert done.exit_code == 0, done.output
    shown = run_cli("opportunity", "show", number).output
    assert "need_information -> company (Firma, 2 %)" in shown


def test_mistakes_are_one_line_errors_not_tracebacks(in_tmp, run_cli):
    run_cli("demo", str(SHIPPED))
    cases = [
        (["opportunity", "show", "999"], "error: no opportunity 999\n"),
        (["opportunity", "show", "99999999999"], "error: no opportunity 99999999999\n"),
        (["opportunity", "create", "--title", "X", "--amount", "1.234", "--partner", "P", "--as", "manager"],
         "error: amount: enter at most two decimal places\n"),
        (["opportunity", "create", "--title", "X", "--amount", "1e400", "--partner", "P", "--as", "manager"],
         "error: amount: enter an amount below 1000000000000000\n"),
        (["task", "complete", "nope", "--as", "rep1"], "error: no task 'nope'\n"),
        (["opportunity", "create", "--title", "X", "--amount", "1", "--partner", "P", "--as", "ghost"],
         "error: no user 'ghost'\n"),
        (["opportunity", "create", "--title", "X", "--amount", "1", "--partner", "P", "--owner", "ghost",
          "--as", "manager"], "error: owner: no such user\n"),
    ]
    for args, expected in cases:
        result = run_cli(*args)
        assert result.exit_code == 1, args
        assert result.stderr == expected
        assert "Traceback" not in result.output


def test_a_bad_key_value_pair_is_a_usage_error(in_tmp, run_cli):
    result = run_cli("task", "complete", "x", "--as", "rep1", "novalue")
    assert result.exit_code == 2
    assert "'novalue' is not KEY=VALUE" in result.output


def test_worker_once_fires_nothing_when_nothing_is_due(in_tmp, run_cli):
    run_cli("demo", str(SHIPPED))
    result = run_cli("worker", "--once")
    assert result.exit_code == 0
    fired, snapshot, learned, warnings, digests = result.output.splitlines()
    assert fired == "fired timers on 0 opportunities"
    assert re.fullmatch(r"snapshot \d{4}-\d\d-\d\d: \d+ open deals on file \(\d+ new\)", snapshot), snapshot
    assert learned.startswith("learned win probability: disabled (too few closed deals to learn from: "), learned
    assert re.fullmatch(r"warnings: \d+ new, 0 cleared, \d+ open", warnings), warnings
    assert re.fullmatch(r"digests: \d+ sent or kept", digests), digests
    again = run_cli("worker", "--once", "--no-snapshots", "--no-train", "--warnings-every", "0")
    assert again.output == "fired timers on 0 opportunities\n"


def test_worker_once_reports_the_timers_it_fired(in_tmp, run_cli):
    from tests.conftest import FakeClock, make_engine

    # A deal opened four days ago: its three-day chase timer is a day overdue.
    past = make_engine(f"sqlite:///{in_tmp / 'dealflow.db'}",
                       FakeClock(NOW - timedelta(days=4)))
    past.create_opportunity(title="Kiosk", amount="1000.00", partner="Hotel Rex",
                            attributes={"channel": "retail"}, actor="manager", owner="rep1")
    past.close()
    result = run_cli("worker", "--once", "--no-snapshots", "--no-train", "--warnings-every", "0")
    assert result.output == "fired timers on 1 opportunity\n"  # not fired unseen before it looked


def test_worker_now_replays_a_sweep_as_of_another_moment(in_tmp, run_cli, monkeypatch):
    from tests.conftest import FakeClock, make_engine

    opened = NOW
    setup = make_engine(f"sqlite:///{in_tmp / 'dealflow.db'}", FakeClock(opened))
    setup.create_opportunity(title="Kiosk", amount="1000.00", partner="Hotel Rex",
                             attributes={"channel": "retail"}, actor="manager", owner="rep1")
    setup.close()
    quiet = ("--once", "--no-snapshots", "--no-train", "--warnings-every", "0")
    assert run_cli("worker", *quiet).output == "fired timers on 0 opportunities\n"  # due in three days
    later = (opened + timedelta(days=3, hours=1)).isoformat()
    assert run_cli("worker", *quiet, "--now", later).output == "fired timers on 1 opportunity\n"
    wrong = run_cli("worker", *quiet, "--now", "next tuesday")
    assert (wrong.exit_code, wrong.stderr) == (
        1, "error: --now: 'next tuesday' is not a date-time such as 2026-12-01T09:00:00Z\n")


def test_a_digest_the_smtp_server_refuses_is_one_line_and_stops_neither_the_sweep_nor_the_worker(
        in_tmp, run_cli, monkeypatch):
    from tests.conftest import FakeClock, make_engine
    from tests.service.test_warning_digest import free_port

    # a deal opened three days ago whose next action is missed: the sweep warns its rep
    past = make_engine(f"sqlite:///{in_tmp / 'dealflow.db'}",
                       FakeClock(NOW - timedelta(days=3)))
    past.create_opportunity(title="Kiosk for Hotel Rex", amount="1000.00", partner="Hotel Rex",
                            attributes={"channel": "retail"}, actor="manager", owner="rep1")
    past.close()
    for name, value in (("HOST", "127.0.0.1"), ("PORT", str(free_port())), ("DOMAIN", "example.com")):
        monkeypatch.setenv(f"DEALFLOW_SMTP_{name}", value)  # nothing listens on that port
    result = run_cli("worker", "--once")
    assert result.exit_code == 1  # --once says something failed ...
    assert re.search(r"^warnings: [1-9]\d* new", result.stdout, re.M), result.output  # ... after the sweep
    (failure,) = result.stderr.splitlines()
    assert failure.startswith("worker: the warnings' digest failed and will be tried again: ") \
        and "127.0.0.1" in failure, failure
    monkeypatch.delenv("DEALFLOW_SMTP_HOST")
    again = run_cli("worker", "--once", "--no-snapshots")  # no SMTP: the digest is kept in the app
    assert again.exit_code == 0 and re.search(r"^digests: [1-9]\d* sent or kept$", again.stdout, re.M), again.output


def test_a_user_created_on_the_command_line_logs_in_with_the_password_typed_twice(in_tmp, run_cli):
    from click.testing import CliRunner

    from engine.cli import main
    from engine.service import Engine

    runner = CliRunner()
    created = runner.invoke(main, ["user", "create", "ola", "--role", "rep"], input="long password\nlong password\n")
    assert created.exit_code == 0, created.output
    assert "long password" not in created.stdout  # typed hidden
    assert Engine().authenticate("ola", "long password").username == "ola"
    mismatch = runner.invoke(main, ["user", "password", "ola"], input="new password 1\nnew password 2\n"
                                                                    "new password 3\nnew password 3\n")
    assert mismatch.exit_code == 0 and "do not match" in mismatch.output
    assert Engine().authenticate("ola", "new password 3").username == "ola"
    short = runner.invoke(main, ["user", "password", "ola"], input="short\nshort\n")
    assert short.exit_code == 1 and "at least 8 characters" in short.stderr



def test_numbers_no_column_holds_are_one_line_on_every_database(db_url, tmp_path):
    """Run as the installed command, so that each run's connections close with it."""
    env = {**os.environ, "DEALFLOW_DATABASE_URL": db_url, "DEALFLOW_NEW_PASSWORD": "a long password"}

    def dealflow(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(Path(sys.executable).parent / "dealflow"), *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120)

    assert dealflow("db", "upgrade").returncode == 0
    assert dealflow("user", "create", "manager", "--role", "manager").returncode == 0
    cases = [
        (["opportunity", "show", "99999999999"], "error: no opportunity 99999999999\n"),
        (["opportunity", "show", "99999999999999999999"], "error: no opportunity 99999999999999999999\n"),
        (["segment", "reverse", "99999999999999999999", "--as", "manager"],
         "error: no swap 99999999999999999999; 'dealflow segment list' shows the swaps\n"),
        (["opportunity", "create", "--title", "X", "--amount", "1e400", "--currency", "zloty", "--partner", "P",
          "--as", "manager"],
         "error: amount: enter an amount below 1000000000000000\n"
         "error: currency: enter a three-letter currency code such as PLN\n"),
    ]
    for args, expected in cases:
        result = dealflow(*args)
        assert (result.returncode, result.stdout, result.stderr) == (1, "", expected), args


def test_task_complete_exits_1_naming_the_node_when_the_process_fails_after_the_task(in_tmp, run_cli):
    from tests.conftest import FakeClock, make_engine
    from tests.engine.test_errors_and_retry import BROKEN_SCRIPT, methodology_with_script

    setup = make_engine(f"sqlite:///{in_tmp / 'dealflow.db'}", FakeClock(NOW),
                        methodology_with_script(in_tmp, "broken", "2.0", BROKEN_SCRIPT))
    deal = setup.create_opportunity(title="Deal", amount="20000.00", partner="P", actor="manager",
                                    attributes={"channel": "retail"})
    deal = setup.complete_task(deal.open_tasks[0].id, actor=deal.owner, data={"amount": "20000"})
    setup.close()
    result = run_cli("task", "complete", deal.open_tasks[0].id, "--as", deal.owner, "result=accepted")
    assert result.exit_code == 1
    assert result.stderr == ("error: the task stays open: the process failed at script task 'Compute the "
                             "discount' (Script_Discount): division by zero\n")


def test_worker_fires_a_backlog_batch_after_batch_within_one_sweep(in_tmp, run_cli, monkeypatch):
    from engine.cli import worker
    from tests.conftest import FakeClock, make_engine

    past = make_engine(f"sqlite:///{in_tmp / 'dealflow.db'}",
                       FakeClock(NOW - timedelta(days=4)))
    for n in range(5):  # five deals whose chase timers are a day overdue
        past.create_opportunity(title=f"Kiosk {n}", amount="1000.00", partner=f"Hotel {n}",
                                attributes={"channel": "retail"}, actor="manager", owner="rep1")
    past.close()
    monkeypatch.setattr(worker, "TIMERS_A_BATCH", 2)
    monkeypatch.setattr(worker, "BATCHES_A_SWEEP", 2)  # a sweep: two full batches, then the housekeeping
    quiet = ("--once", "--no-snapshots", "--no-train", "--warnings-every", "0")
    assert run_cli("worker", *quiet).output == "fired timers on 4 opportunities\n"  # 2 + 2, one sweep
    assert run_cli("worker", *quiet).output == "fired timers on 1 opportunity\n"  # the rest, the next


def test_the_worker_files_the_snapshot_of_the_company_day(in_tmp, run_cli, monkeypatch):
    """At 23:30 UTC on 31 December it is 1 January 2027 in Warsaw: the worker's
    once-a-day snapshot is of that day, as the forecast's period is."""
    run_cli("demo", str(SHIPPED))
    commands_at(monkeypatch, datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc))
    assert run_cli("time-zone", "Europe/Warsaw", "--as", "admin").exit_code == 0
    result = run_cli("worker", "--once", "--no-train", "--warnings-every", "0")
    assert result.exit_code == 0, result.output
    assert "snapshot 2027-01-01: " in result.output, result.output


def test_opportunity_show_says_what_a_retry_runs_and_that_the_timers_wait_for_it(in_tmp, run_cli):
    from tests.conftest import FakeClock, make_engine
    from tests.service.test_parallel_errors import BROKEN, at_fork, fail_offer, parallel_methodology, task_at

    clock = FakeClock(NOW - timedelta(days=3))
    setup = make_engine(f"sqlite:///{in_tmp / 'dealflow.db'}", clock,
                        parallel_methodology(in_tmp, "both", "2.0", offer=BROKEN, review=BROKEN))
    deal = fail_offer(setup, at_fork(setup))
    clock.advance(days=2, minutes=1)
    setup.fire_due_timers()  # the review's timer fails behind the offer's failed completion: held
    setup.close()
    shown = run_cli("opportunity", "show", str(deal.id)).output.splitlines()
    assert f"  retry runs     complete on task {task_at(deal, 'Task_Offer').id}" in shown
    assert ("  timers         held until the retry: a timer's step failed behind the failed step of a person, "
            "and waits for it") in shown
