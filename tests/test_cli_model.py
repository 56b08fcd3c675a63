"""``dealflow model train|show`` as a user types them, on the embedded SQLite
default: a company whose closed deals (made a year ago, by an engine on a clock set
back) teach a model that beats the stage table."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from tests.conftest import FakeClock, commands_at, make_engine
from tests.service.win_history import close_deals


@pytest.fixture
def database(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DEALFLOW_DATABASE_URL", raising=False)
    return f"sqlite:///{tmp_path / 'dealflow.db'}"


def test_train_and_show_a_model_that_beats_the_stage_table(database, run_cli, monkeypatch):
    year_ago = FakeClock()  # a fixed instant; the commands run 700 days after it
    commands_at(monkeypatch, year_ago.now + timedelta(days=700))
    engine = make_engine(database, year_ago)
    close_deals(engine, year_ago, 70)
    engine.close()

    refused = run_cli("model", "train", "--as", "rep1")
    assert refused.exit_code == 1
    assert refused.output == ("error: only an admin or a designer may train the learned win probability; "
                              "'rep1' may not\n")
    assert run_cli("model", "show").output == "no model trained yet; run 'dealflow model train --as ADMIN'\n"

    trained = run_cli("model", "train", "--as", "admin")
    assert trained.exit_code == 0, trained.output
    first, second, third = trained.output.splitlines()
    assert first.startswith("learned win probability enabled: its Brier score on 21 held-out deals is ")
    assert second.endswith("by admin on 70 closed deals (backtest: 49 before the cut, 21 held out)")
    assert third.startswith("brier stage_table=0.") and " naive_bayes=0." in third and " learned=0." in third

    shown = run_cli("model", "show")
    assert shown.output.startswith(trained.output) and "\nLearned model: Brier 0." in shown.output
    document = json.loads(run_cli("model", "show", "--format", "json").output)
    assert (document["enabled"], document["deals_used"], document["trained_by"]) == (True, 70, "admin")
    assert document["brier"]["learned"] < document["brier"]["stage_table"]
