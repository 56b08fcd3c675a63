"""``dealflow opportunity create --close-date``, ``set-close-date`` and
``forecast-category`` as a user types them, on SQLite: the deal's forecast line,
and mistakes as one-line errors."""

from __future__ import annotations

import pytest

from tests.conftest import commands_at, make_engine


@pytest.fixture
def deal(tmp_path, monkeypatch, clock):
    url = f"sqlite:///{tmp_path / 'dealflow.db'}"
    engine = make_engine(url, clock)
    opened = engine.create_opportunity(title="Kiosk", amount="1000.00", partner="Hotel Rex", actor="manager",
                                       attributes={"channel": "retail"}, owner="rep1")
    engine.close()
    monkeypatch.setenv("DEALFLOW_DATABASE_URL", url)
    commands_at(monkeypatch, clock.now)  # the close dates typed below stay ahead of "now"
    return str(opened.id)


def test_create_takes_a_close_date_and_show_prints_it_with_the_category(deal, run_cli):
    result = run_cli("opportunity", "create", "--title", "Oven", "--amount", "10.00", "--partner", "Bistro",
                     "--attr", "channel=retail", "--close-date", "2027-03-01", "--as", "manager")
    assert result.exit_code == 0, result.output
    assert "  close date     2027-03-01; forecast pipeline (commit ≥ 85, best case ≥ 70, else pipeline)" \
        in result.output.splitlines()


def test_the_rep_moves_the_date_and_counts_the_deal_as_commit_then_clears_it(deal, run_cli):
    moved = run_cli("opportunity", "set-close-date", deal, "2027-01-15", "--as", "rep1")
    assert moved.exit_code == 0, moved.output
    assert "  close date     2027-01-15; forecast pipeline (commit ≥ 85, best case ≥ 70, else pipeline)" \
        in moved.output.splitlines()
    committed = run_cli("opportunity", "forecast-category", deal, "commit", "--as", "rep1")
    assert ("  close date     2027-01-15; forecast commit (set by hand by rep1; by probability: pipeline)"
            in committed.output.splitlines()), committed.output
    cleared = run_cli("opportunity", "forecast-category", deal, "none", "--as", "manager")
    assert "forecast pipeline (commit ≥ 85" in cleared.output


@pytest.mark.parametrize("args, message", [
    (["set-close-date", "{d}", "2027-13-01", "--as", "rep1"],
     "error: expected_close_date: '2027-13-01' is not a day; write it as YYYY-MM-DD\n"),
    (["set-close-date", "{d}", "2027-01-15", "--as", "rep3"], "error: no opportunity {d}\n"),
    (["forecast-category", "{d}", "maybe", "--as", "rep1"],
     "error: category: 'maybe' is not a forecast category; choose one of commit, best_case, pipeline, omitted "
     "(or none to clear the override)\n"),
    (["forecast-category", "{d}", "none", "--as", "rep1"],
     "error: opportunity {d} has no forecast category override to clear\n"),
])
def test_mistakes_are_one_line_errors(deal, run_cli, args, message):
    result = run_cli("opportunity", *[a.format(d=deal) for a in args])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output == message.format(d=deal)


def test_snapshot_files_the_open_deals_once_a_day_and_refuses_a_bad_date(deal, run_cli):
    first = run_cli("snapshot", "--date", "2026-11-02")
    assert first.exit_code == 0 and first.output == "snapshot 2026-11-02: 1 open deal on file (1 new)\n", first.output
    again = run_cli("snapshot", "--date", "2026-11-02")
    assert again.output == "snapshot 2026-11-02: 1 open deal on file (0 new)\n"
    bad = run_cli("snapshot", "--date", "02.11.2026")
    assert bad.exit_code == 1 and bad.output == "error: date: '02.11.2026' is not a day; write it as YYYY-MM-DD\n"
    future = run_cli("snapshot", "--date", "2999-01-01")
    assert future.exit_code == 1 and "has not come yet" in future.output and "Traceback" not in future.output
