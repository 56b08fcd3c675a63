"""``dealflow report pipeline`` and ``dealflow report methodologies`` over the known
history of tests/service/analysis_history.py: the tables, JSON and CSV carry the
façade's numbers; the scope follows --as; mistakes are one line and a non-zero exit."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from tests.conftest import commands_at, make_engine
from tests.service.analysis_history import seed_history


@pytest.fixture
def database(db_url, clock, monkeypatch):
    engine = make_engine(db_url, clock)
    seed_history(engine, clock)
    engine.close()
    monkeypatch.setenv("DEALFLOW_DATABASE_URL", db_url)
    commands_at(monkeypatch, clock.now)
    return db_url


def test_the_pipeline_as_a_table_json_and_csv(database, run_cli):
    table = run_cli("report", "pipeline", "--group-by", "source", "--as", "manager")
    assert table.exit_code == 0, table.output
    assert re.search(r"^  fair +2 +0 +1 +1 +50\.0 +9\.5 +90\.5 +7\.5 ", table.output, re.M), table.output
    assert "Stages: funnel, conversion and time in stage" in table.output
    data = json.loads(run_cli("report", "pipeline", "--format", "json", "--as", "rep1").output)
    assert (data["total"]["deals"], data["scope"]) == (2, "your deals")
    rows = list(csv.DictReader(io.StringIO(run_cli("report", "pipeline", "--format", "csv", "--table", "stages",
                                                   "--as", "admin").output)))
    offer = next(r for r in rows if r["methodology"] == "small-deal" and r["stage"] == "Oferta")
    assert (offer["reached"], offer["went on"], offer["conversion %"]) == ("3", "1", "33.3")


def test_the_methodology_comparison_on_the_terminal(database, run_cli):
    result = run_cli("report", "methodologies", "--as", "admin")
    assert result.exit_code == 0, result.output
    assert re.search(r"^  horeca +quick-deal +1\.0 +2 +1 +0 +1 +0\.0 +0\.0 +79\.3 +10\.0", result.output, re.M)
    swaps = list(csv.DictReader(io.StringIO(run_cli("report", "methodologies", "--format", "csv", "--table", "swaps",
                                                    "--as", "manager").output)))
    assert [(s["segment"], s["from"], s["to"]) for s in swaps] == [("horeca", "small-deal@1.0", "quick-deal@1.0")]


def test_mistakes_are_one_line_and_a_non_zero_exit(database, run_cli):
    unknown = run_cli("report", "pipeline", "--as", "nobody")
    assert unknown.exit_code != 0 and unknown.output.strip() == "error: no user 'nobody'"
    table = run_cli("report", "methodologies", "--format", "csv", "--table", "nope", "--as", "admin")
    assert table.exit_code != 0 and "use one of methodologies, conversions, swaps" in table.output
    assert "Traceback" not in table.output
    grouping = run_cli("report", "pipeline", "--group-by", "colour", "--as", "admin")
    assert grouping.exit_code == 2 and "Invalid value for '--group-by'" in grouping.output


@pytest.mark.parametrize("report, path", [("pipeline", "/reports/pipeline"),
                                          ("methodologies", "/reports/methodologies")])
def test_the_json_is_exactly_the_apis(database, run_cli, clock, report, path):
    from engine.service import Engine
    from tests.webui.test_api import Api

    printed = json.loads(run_cli("report", report, "--format", "json", "--as", "manager").output)
    engine = Engine(database, clock=clock)  # the commands' clock (commands_at)
    try:
        answered = Api(engine).get(path, "manager").get_json()
    finally:
        engine.close()
    assert printed.pop("at")[:13] == answered.pop("at")[:13]  # made a moment apart: the same hour
    assert printed == answered and printed.get("groups", printed.get("rows"))  # not empty
