"""``dealflow forecast PERIOD --as USER [--format table|json|csv]``, ``forecast-adjust``
and ``forecast-submit`` on SQLite; mistakes and the wrong user are one line."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.conftest import FakeClock, commands_at, make_engine
from tests.service.forecast_seeds import seed
from tests.service.quota_seeds import with_director


@pytest.fixture
def database(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'dealflow.db'}"
    engine = with_director(make_engine(url, FakeClock()))
    seed(engine)
    engine.set_quota("manager", "2026-Q4", "80000", actor="director")
    engine.close()
    monkeypatch.setenv("DEALFLOW_DATABASE_URL", url)
    commands_at(monkeypatch, FakeClock().now)
    return tmp_path


def test_the_json_gives_quota_and_figures_per_person_and_rolled_up(database, run_cli):
    result = run_cli("forecast", "2026-Q4", "--format", "json", "--as", "manager")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    pln = next(x for x in data["rollup"] if x["currency"] == "PLN")
    assert {k: pln[k] for k in ("quota", "closed_won", "commit", "best_case", "pipeline", "weighted", "progress")} \
        == {"quota": "80000.00", "closed_won": "4000.00", "commit": "11000.00", "best_case": "20000.00",
            "pipeline": "5000.00", "weighted": "25600.00", "progress": 5}
    assert [p["username"] for p in data["people"]] == ["manager", "rep1", "rep2"]
    rep2 = next(p for p in data["people"] if p["username"] == "rep2")
    assert [x["currency"] for x in rep2["own"]] == ["EUR", "PLN"]


def test_table_csv_adjust_and_submit(database, run_cli):
    table = run_cli("forecast", "2026-Q4", "--as", "manager").output
    assert table.startswith("forecast of manager for 2026-Q4 (2026-10-01 to 2026-12-31)")
    assert "  rep1" in table and "rolled up:" in table
    adjusted = run_cli("forecast-adjust", "rep1", "2026-Q4", "commit", "5000", "--note", "slips", "--as", "manager")
    assert adjusted.output == "rep1's commit for 2026-Q4: 5000 PLN (adjusted by manager)\n"
    rows = list(csv.DictReader(io.StringIO(run_cli("forecast", "2026-Q4", "--format", "csv", "--as",
                                                   "manager").output)))
    rep1 = next(r for r in rows if r["username"] == "rep1" and r["currency"] == "PLN")
    assert (rep1["commit"], rep1["adjusted_commit"]) == ("11000.00", "5000.00")
    submitted = run_cli("forecast-submit", "2026-Q4", "--as", "manager")
    assert submitted.output.startswith("forecast #1 of 2026-Q4 submitted at ") and submitted.exit_code == 0


@pytest.mark.parametrize("args, message", [
    (("forecast", "2026-Q4", "--user", "rep3", "--as", "rep1"), "error: no forecast of 'rep3' to show"),
    (("forecast", "2026-Q9", "--as", "rep1"), "error: period: '2026-Q9' is not a period"),
    (("forecast-adjust", "rep1", "2026-Q4", "commit", "5", "--note", "n", "--as", "director"),
     "error: only rep1's manager adjusts their forecast"),
    (("forecast-adjust", "rep1", "2026-Q4", "commit", "x", "--note", "n", "--as", "manager"), "error: amount: "),
    (("forecast-submit", "--as", "admin"), "error: only reps and managers submit forecasts"),
])
def test_mistakes_and_the_wrong_user_are_one_line(database, run_cli, args, message):
    result = run_cli(*args)
    assert result.exit_code == 1 and result.output.startswith(message) and result.output.count("\n") == 1, \
        result.output


def test_an_admin_sets_the_company_time_zone_and_a_mistake_is_one_line(database, run_cli):
    assert run_cli("time-zone").output.strip() == "the company's time zone is UTC"
    wrong = run_cli("time-zone", "Mars/Base", "--as", "admin")
    assert wrong.exit_code != 0 and len(wrong.output.strip().splitlines()) == 1 and "IANA" in wrong.output
    assert run_cli("time-zone", "Europe/Warsaw", "--as", "manager").exit_code != 0
    done = run_cli("time-zone", "Europe/Warsaw", "--as", "admin")
    assert done.exit_code == 0 and "Europe/Warsaw" in done.output
    assert run_cli("time-zone").output.strip() == "the company's time zone is Europe/Warsaw"


def test_the_json_is_exactly_the_apis(database, run_cli):
    import os

    from engine.service import Engine
    from tests.webui.test_api import Api

    printed = json.loads(run_cli("forecast", "2026-Q4", "--format", "json", "--as", "manager").output)
    engine = Engine(os.environ["DEALFLOW_DATABASE_URL"], clock=FakeClock())  # the commands' clock
    try:
        answered = Api(engine).get("/forecast?period=2026-Q4", "manager").get_json()
    finally:
        engine.close()
    assert printed == answered and printed["people"]
