"""``dealflow report pipeline --as-of`` and ``dealflow report changes`` over the week
of tests/service/test_snapshot_reports.py: tables, JSON and CSV carry the façade's
numbers, the scope follows --as, mistakes are one line and a non-zero exit."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from tests.conftest import commands_at, make_engine
from tests.service.test_snapshot_reports import seed_week


@pytest.fixture
def database(db_url, clock, monkeypatch):
    engine = make_engine(db_url, clock)
    seed_week(engine, clock)
    engine.close()
    monkeypatch.setenv("DEALFLOW_DATABASE_URL", db_url)
    commands_at(monkeypatch, clock.now)  # the week's last day: "changes" without --as-of ends there, in 2026-Q4
    return db_url


def test_the_pipeline_as_of_a_past_day(database, run_cli):
    table = run_cli("report", "pipeline", "--as-of", "2026-11-02", "--group-by", "rep", "--as", "admin")
    assert table.exit_code == 0, table.output
    assert "The open pipeline as of 2026-11-02 (daily snapshot), counting every deal." in table.output
    assert re.search(r"^  rep2 +3 +2000\.00 +400\.00 +1200\.00 +240\.00$", table.output, re.M), table.output
    data = json.loads(run_cli("report", "pipeline", "--as-of", "2026-11-05", "--format", "json", "--as", "rep1").output)
    assert (data["day"], data["as_of"], data["scope"]) == ("2026-11-02", "2026-11-05", "your deals")
    assert "no snapshot of 2026-11-05" in data["note"]
    rows = list(csv.DictReader(io.StringIO(run_cli("report", "pipeline", "--as-of", "2026-11-09", "--group-by",
                                                   "category", "--format", "csv", "--as", "manager").output)))
    assert [(r["Forecast category"], r["open deals"], r["open PLN"]) for r in rows] == [("Pipeline", "4", "3600.00")]


def test_the_changes_since_a_day(database, run_cli):
    table = run_cli("report", "changes", "--since", "2026-11-02", "--as-of", "2026-11-09", "--as", "manager")
    assert table.exit_code == 0, table.output
    assert "Deals due by 2026-12-31 (end of 2026-Q4) that moved between the snapshot of 2026-11-02" in table.output
    assert re.search(r"^  PLN +Pushed out +1 +-500\.00 +3100\.00$", table.output, re.M), table.output
    assert re.search(r"^  EUR +Won +1 +-2000\.00 +0\.00$", table.output, re.M), table.output
    data = json.loads(run_cli("report", "changes", "--since", "2026-11-02", "--format", "json", "--as", "rep1").output)
    assert data["until"] is None and {d["title"] for d in data["deals"]} == {"Alpha", "Gamma", "Epsilon"}
    deals = list(csv.DictReader(io.StringIO(run_cli("report", "changes", "--since", "2026-11-02", "--format", "csv",
                                                    "--table", "deals", "--as", "admin").output)))
    assert {(d["title"], d["step"]) for d in deals} >= {("Beta", "Won"), ("Phi", "Pulled in")}


def test_mistakes_are_one_line(database, run_cli):
    territory = run_cli("report", "pipeline", "--as-of", "2026-11-02", "--group-by", "territory", "--as", "admin")
    assert territory.exit_code != 0 and "Traceback" not in territory.output
    assert territory.output.startswith("error: ") and len(territory.output.strip().splitlines()) == 1
    assert "use one of stage, category, methodology, segment, rep, team" in territory.output
    early = run_cli("report", "changes", "--since", "2026-10-01", "--as", "admin")
    assert early.exit_code != 0 and "the first daily snapshot is of 2026-11-02" in early.output
    bad = run_cli("report", "pipeline", "--as-of", "yesterday", "--as", "admin")
    assert bad.exit_code != 0 and "'yesterday' is not a day; write it as YYYY-MM-DD" in bad.output
    nobody = run_cli("report", "changes", "--as", "nobody")
    assert nobody.exit_code != 0 and nobody.output.strip() == "error: no user 'nobody'"
