"""``dealflow simulate`` and ``dealflow test``: a methodology proved on a throw-away
in-memory SQLite database with a virtual clock. Neither command opens the configured
database, so these tests have no PostgreSQL variant: there is nothing to run there."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests.conftest import FakeClock, commands_at


@pytest.fixture
def no_database(tmp_path, monkeypatch) -> Path:
    """DEALFLOW_DATABASE_URL pointing at a file that must never appear; the virtual
    clocks start at a fixed instant (a deal's close date passes, or not, within a
    scenario's days depending on the date it starts at)."""
    target = tmp_path / "must-not-exist.db"
    monkeypatch.setenv("DEALFLOW_DATABASE_URL", f"sqlite:///{target}")
    commands_at(monkeypatch, FakeClock().now)
    return target


def test_simulate_walks_one_deal_to_its_end_and_stores_nothing(run_cli, shipped_copy, no_database):
    result = run_cli("simulate", "horeca-bant")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "nothing is stored" in lines[0]
    assert "  stage lead (Lead), probability 10 %" in lines
    assert any(line.startswith("  task reached: BANT call (Task_BantCall), lane rep, rep") for line in lines)
    assert any(" answer BANT call (Task_BantCall) as rep: venue_type=" in line for line in lines)
    assert "  stage follow_up (Follow-up), probability 80 %" in lines
    assert any(line.startswith("  timer pending, due ") for line in lines)
    assert lines[-1] == "  END: WON — stage won, probability 100 %"
    assert not no_database.exists()


def test_simulate_shows_exit_criteria_refused_then_met(run_cli, shipped_copy, no_database):
    result = run_cli("simulate", "key-account")
    assert result.exit_code == 0, result.output
    assert ("  exit criteria refused: the opportunity cannot leave stage 'Account planning' yet; "
            "still to do: do the activity 'Name an executive sponsor'") in result.output.splitlines()
    assert "  met: Name an executive sponsor" in result.output.splitlines()


def test_advance_at_a_task_fires_its_timer_and_the_answers_file_takes_the_lost_path(
        run_cli, shipped_copy, no_database, tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text("Hold first meeting: {prospect_is_fit: false}\n", "utf-8")
    result = run_cli("simulate", "seed002-funnel", "--advance", "P14D@Task_FirstMeeting",
                     "--answers", str(answers), "--until", "lost")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    advanced = next(i for i, line in enumerate(lines) if "advanced P14D at Task_FirstMeeting: 1 timer fired" in line)
    assert lines[advanced + 1].startswith("  task reached: Chase the first meeting (Task_ManagerChaseMeeting), "
                                          "lane manager, manager")
    assert "prospect_is_fit=false" in result.output
    assert lines[-1] == "  END: LOST — stage lost, probability 0 %"


def test_until_an_outcome_the_deal_does_not_reach_exits_1(run_cli, shipped_copy, no_database):
    result = run_cli("simulate", "horeca-bant", "--until", "lost")
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "error: the deal ended won, not lost"


def test_until_takes_won_lost_or_a_date(run_cli, shipped_copy, no_database):
    result = run_cli("simulate", "horeca-bant", "--until", "soon")
    assert result.exit_code == 2
    assert "'soon' is not won, lost or a date YYYY-MM-DD" in result.output
    ended_before = run_cli("simulate", "horeca-bant", "--until", "2099-01-01")
    assert ended_before.exit_code == 0
    assert ended_before.output.splitlines()[-1] == "  END: WON — stage won, probability 100 %"


def test_simulate_reports_the_folders_problems_at_their_lines(run_cli, shipped_copy, no_database):
    stages = shipped_copy / "stages" / "horeca-bant.yaml"
    stages.write_text(stages.read_text("utf-8").replace("probability: 10", "probability: 110", 1), "utf-8")
    result = run_cli("simulate", "horeca-bant")
    assert result.exit_code == 1
    assert "methodologies/stages/horeca-bant.yaml:" in result.output
    assert "'probability' must be between 0 and 100; got 110" in result.output
    assert not no_database.exists()


def test_an_unknown_methodology_is_one_line(run_cli, shipped_copy, no_database):
    result = run_cli("simulate", "nope")
    assert result.exit_code == 1
    assert result.output == ("error: no methodology 'nope' in methodologies; there are: "
                             "horeca-bant, key-account, meddpicc, seed002-funnel\n")


def test_a_bad_advance_is_a_usage_error(run_cli, shipped_copy, no_database):
    result = run_cli("simulate", "horeca-bant", "--advance", "P1M")
    assert result.exit_code == 2
    assert "'P1M' is not a duration of days, weeks or hours" in result.output


def test_help_says_nothing_is_stored(run_cli):
    result = run_cli("simulate", "--help")
    assert "NOTHING IS STORED" in result.output


# --- dealflow test --------------------------------------------------------------------

def test_every_shipped_scenario_passes(run_cli, shipped_copy, no_database):
    result = run_cli("test", "methodologies")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[-1] == "14 passed, 0 failed"
    assert "PASSED HORECA BANT — a quote without an answer for 14 days expires" in lines
    assert "PASSED key account — a C-class account nurtured for 90 days without news is lost" in lines
    assert not no_database.exists()


def test_a_wrong_expectation_fails_at_its_line_with_exit_1(run_cli, shipped_copy, no_database):
    scenario = shipped_copy / "scenarios" / "horeca-won.yaml"
    text = scenario.read_text("utf-8").replace("expect: {stage: follow_up, probability: 80}",
                                               "expect: {stage: negotiation, probability: 80}")
    scenario.write_text(text, "utf-8")
    line = text.splitlines().index("  - expect: {stage: negotiation, probability: 80}") + 1
    result = run_cli("test", str(scenario))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"FAILED {scenario}:{line}: expected stage 'negotiation', got 'follow_up'", "0 passed, 1 failed"]


def test_a_task_that_is_not_open_ends_the_scenario_at_its_line(run_cli, shipped_copy, no_database):
    scenario = shipped_copy / "scenarios" / "mine.yaml"
    scenario.write_text("scenario: skips a step\nmethodology: horeca-bant\nsteps:\n"
                        "  - answer: {task: Task_FollowUp}\n  - expect: {status: won}\n", "utf-8")
    result = run_cli("test", str(scenario))
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (f"FAILED {scenario}:4: task 'Task_FollowUp' is not open "
                                             "(open: Task_BantCall; deal open, stage lead)")


def test_a_scenario_file_problem_is_reported_at_its_line_by_test_and_validate(run_cli, shipped_copy, no_database):
    scenario = shipped_copy / "scenarios" / "broken.yaml"
    scenario.write_text("scenario: broken\nmethodology: horeca-bant\nsteps:\n"
                        "  - answer: {task: Task_BantCall}\n  - advance: three days\n"
                        "  - expect: {stag: lead}\n", "utf-8")
    result = run_cli("test", str(scenario))
    assert result.exit_code == 1
    assert f"ERROR {scenario}:5: 'advance' 'three days' must use an ISO 8601 duration" in result.output
    assert f"ERROR {scenario}:6: unknown field 'stag'; did you mean 'stage'?" in result.output
    validated = run_cli("validate", "methodologies")
    assert validated.exit_code == 1
    assert "methodologies/scenarios/broken.yaml:6: unknown field 'stag'; did you mean 'stage'?" in validated.output


def test_validate_reports_a_scenarios_zone_and_advance_with_every_other_problem(run_cli, shipped_copy, no_database):
    # The schema takes both values (a zone is text, P1M is ISO 8601): only reading
    # the scenario as 'dealflow test' does finds them, and validate says so at once.
    (shipped_copy / "scenarios" / "values.yaml").write_text(
        "scenario: values\nmethodology: horeca-bant\ntime_zone: Mars/Olympus\nsteps:\n"
        "  - answer: {task: Task_BantCall}\n  - advance: P1M\n", "utf-8")
    routing = shipped_copy / "routing" / "default.yaml"
    routing.write_text(routing.read_text("utf-8").replace("routing: default", "routing: default\nroutnig: x"),
                       "utf-8")
    validated = run_cli("validate", "methodologies")
    assert validated.exit_code == 1
    assert validated.output.splitlines() == [
        "methodologies/routing/default.yaml:3: unknown field 'routnig'; did you mean 'routing'?",
        "methodologies/scenarios/values.yaml:3: time_zone: 'Mars/Olympus' is not a time zone; give an IANA "
        "name such as Europe/Warsaw or UTC",
        "methodologies/scenarios/values.yaml:6: advance 'P1M': give days, weeks or hours (P3D, P2W, PT4H); "
        "months and years vary in length",
        "3 problems in 2 files"]
    tested = run_cli("test", "methodologies/scenarios/values.yaml")
    assert sorted(line for line in tested.output.splitlines() if line.startswith("ERROR")) == [
        f"ERROR {line}" for line in validated.output.splitlines()[1:3]]


def test_the_schema_command_lists_scenarios(run_cli):
    result = run_cli("schema", "scenarios")
    assert result.exit_code == 0
    assert '"title": "Dealflow scenario"' in result.output


def test_the_documented_scenario_passes(run_cli, shipped_copy, no_database):
    import re

    from tests.conftest import REPO

    docs = (REPO / "docs" / "methodology-format.md").read_text("utf-8")
    example = re.search(r"```yaml\n(# yaml-language-server: \$schema=\S+scenario\.schema\.json\n.*?)```", docs, re.S)
    (shipped_copy / "scenarios" / "documented.yaml").write_text(example.group(1), "utf-8")
    result = run_cli("test", "methodologies/scenarios/documented.yaml")
    assert result.output.splitlines() == [
        "PASSED seed002 funnel — the manager chases a meeting not held in 14 days", "1 passed, 0 failed"]


def test_a_warnings_expectation_names_the_warnings_the_deal_has(run_cli, shipped_copy, no_database):
    scenario = shipped_copy / "scenarios" / "mine.yaml"
    scenario.write_text("scenario: idle\nmethodology: seed002-funnel\nsteps:\n"
                        "  - answer: {task: Task_RecordNeed}\n  - advance: P14D\n"
                        "  - expect: {warnings: []}\n", "utf-8")
    result = run_cli("test", str(scenario))
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (f"FAILED {scenario}:6: expected warnings [], "
                                             "got ['idle', 'next_action_missed']")


def test_the_virtual_clock_starts_at_dealflow_now_so_a_scenario_answers_the_same_on_any_day(
        run_cli, shipped_copy, no_database, monkeypatch):
    scenario = shipped_copy / "scenarios" / "mine.yaml"
    scenario.write_text("scenario: idle\nmethodology: seed002-funnel\nsteps:\n"
                        "  - answer: {task: Task_RecordNeed}\n  - advance: P14D\n"
                        "  - expect: {warnings: []}\n", "utf-8")
    commands_at(monkeypatch, datetime(2026, 12, 20, 9, 0, tzinfo=timezone.utc))  # the quarter ends in the 14 days
    assert run_cli("test", str(scenario)).output.splitlines()[0] == (
        f"FAILED {scenario}:6: expected warnings [], got ['close_date_passed', 'idle', 'next_action_missed']")
    simulated = run_cli("simulate", "horeca-bant").output.splitlines()
    assert any(line.startswith("2026-12-20 09:00 opened a ") for line in simulated), simulated


def test_simulate_takes_the_company_time_zone_whose_day_today_is(run_cli, no_database, tmp_path, monkeypatch):
    from tests.service.test_company_day import LATE
    from tests.service.test_company_day_expressions import methodologies

    folder = str(methodologies(tmp_path, gateway="today() == date('2027-01-01')"))  # accepted on 1 January only
    commands_at(monkeypatch, LATE)  # 00:30 on 1 January 2027 in Warsaw, still 31 December in UTC
    in_utc = run_cli("simulate", "small-deal", "--folder", folder)
    assert in_utc.output.splitlines()[-1].startswith("  END: LOST"), in_utc.output
    in_warsaw = run_cli("simulate", "small-deal", "--folder", folder, "--time-zone", "Europe/Warsaw")
    assert in_warsaw.output.splitlines()[-1].startswith("  END: WON"), in_warsaw.output
    wrong = run_cli("simulate", "small-deal", "--folder", folder, "--time-zone", "Warsaw")
    assert (wrong.exit_code, wrong.output) == (
        1, "error: 'Warsaw' is not a time zone; give an IANA name such as Europe/Warsaw or UTC\n")
    assert not no_database.exists()


def test_a_failed_timer_is_said_to_hold_the_timers_not_that_there_is_none(run_cli, no_database, tmp_path):
    from tests.service.test_parallel_errors import FINE, parallel_methodology

    folder = parallel_methodology(tmp_path, "held", "2.0", offer=FINE, review="discount = 100 / (amount - 1)")  # the sample amount: 1
    result = run_cli("simulate", "small-deal", "--folder", str(folder), "--attr", "channel=retail", "--until", "won")
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    held = "a timer's step failed, and would fail again at every sweep"
    assert f"  timers held until the failed step is retried: {held}" in lines
    assert ("  the deal waits: no open task, and its timers are held until its failed step is retried: "
            f"{held}") in lines
    assert not any("no timer" in line for line in lines)


def test_a_scenario_keeps_its_time_zone_whose_day_today_is(run_cli, no_database, tmp_path, monkeypatch):
    from tests.service.test_company_day import LATE
    from tests.service.test_company_day_expressions import methodologies

    folder = methodologies(tmp_path, gateway="today() == date('2027-01-01')")  # accepted on 1 January only
    (folder / "scenarios").mkdir()
    scenario = folder / "scenarios" / "new-year.yaml"
    written = ("scenario: accepted on new year's day\nmethodology: small-deal\n{zone}steps:\n"
               "  - answer: {{task: Task_Qualify, values: {{interested: true}}}}\n"
               "  - answer: {{task: Task_Offer, values: {{result: accepted}}}}\n"
               "expect: {{status: won}}\n")
    commands_at(monkeypatch, LATE)  # 00:30 on 1 January 2027 in Warsaw, still 31 December in UTC
    scenario.write_text(written.format(zone="time_zone: Europe/Warsaw\n"), "utf-8")
    assert run_cli("test", str(scenario)).output.splitlines() == [
        "PASSED accepted on new year's day", "1 passed, 0 failed"]
    scenario.write_text(written.format(zone=""), "utf-8")
    assert run_cli("test", str(scenario)).output.splitlines() == [
        f"FAILED {scenario}:6: expected status 'won', got 'lost'", "0 passed, 1 failed"]
    scenario.write_text(written.format(zone="time_zone: Mars/Olympus\n"), "utf-8")
    assert run_cli("test", str(scenario)).output.splitlines() == [
        f"ERROR {scenario}:3: time_zone: 'Mars/Olympus' is not a time zone; give an IANA name such as "
        "Europe/Warsaw or UTC", "0 passed, 1 failed"]
    assert not no_database.exists()
