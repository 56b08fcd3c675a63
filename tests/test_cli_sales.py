"""The Sales Assistant's commands as a user types them, on the embedded SQLite
default with the shipped methodologies: a MEDDPICC deal's questionnaire answered,
explained, its probability overridden and reset, a refused stage exit, mistakes."""

import re

import pytest

from tests.conftest import SHIPPED


@pytest.fixture
def deal(tmp_path, monkeypatch, run_cli):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DEALFLOW_DATABASE_URL", raising=False)
    assert run_cli("demo", str(SHIPPED)).exit_code == 0
    created = run_cli("opportunity", "create", "--title", "Hurt", "--amount", "90000", "--partner", "Hurt-Pol",
                      "--attr", "channel=wholesale", "--attr", "territory=PL-MZ", "--owner", "rep1",
                      "--as", "manager")
    assert created.exit_code == 0 and "methodology    meddpicc" in created.output, created.output
    return re.search(r"Opportunity #(\d+)", created.output).group(1)


def test_answers_are_scored_and_explained_and_the_manager_overrides_and_resets(deal, run_cli):
    before = run_cli("opportunity", "assistant", deal, "--as", "rep1").output
    assert "not answered yet" in before and "[ ]" in before
    answered = run_cli("opportunity", "answer", deal, "meddpicc", "metrics_quantified=agreed", "--as", "rep1")
    assert answered.exit_code == 0, answered.output
    assert re.search(r"score [\d.]+ of 100, class \w+", answered.output)
    assert re.search(r"^ +[\d.]+ of +[\d.]+  .+ — not answered$", answered.output, re.M)
    overridden = run_cli("opportunity", "probability", deal, "35", "--reason", "Board approved", "--as", "manager")
    assert overridden.exit_code == 0 and "35 % (set by hand; automatic" in overridden.output
    reset = run_cli("opportunity", "probability", deal, "--reset", "--as", "manager")
    assert reset.exit_code == 0 and "set by hand" not in reset.output


def test_mistakes_are_one_line_errors(deal, run_cli):
    cases = [
        (["opportunity", "answer", deal, "meddpicc", "colour=red", "--as", "rep1"],
         "error: colour: questionnaire 'meddpicc' has no question 'colour'\n"),
        (["opportunity", "probability", deal, "120", "--as", "manager"],
         "error: probability: a whole number of percent from 0 to 100\n"),
        (["opportunity", "probability", deal, "50", "--as", "rep1"], None),
        (["opportunity", "assistant", deal, "--as", "rep2"], f"error: no opportunity {deal}\n"),
    ]
    for args, expected in cases:
        result = run_cli(*args)
        assert result.exit_code == 1, (args, result.output)
        assert "Traceback" not in result.output and result.stderr.count("\n") == 1
        if expected:
            assert result.stderr == expected


def test_completing_a_task_too_early_is_refused_naming_what_is_missing(deal, run_cli):
    shown = run_cli("opportunity", "show", deal).output
    task_id = re.search(r"^    ([0-9a-f-]{36})  Discovery — ", shown, re.M).group(1)
    result = run_cli("task", "complete", task_id, "--as", "rep1", "pain_summary=Spoiled stock",
                     "worth_pursuing=true")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: the opportunity cannot leave stage ") and "; still to do: " in result.stderr
    assert result.stderr.count("\n") == 1
    assert "stage          Discovery" in run_cli("opportunity", "show", deal).output


def test_a_deal_is_closed_as_lost_by_hand(deal, run_cli):
    unknown = run_cli("opportunity", "lose", deal, "--reason-code", "weather", "--as", "rep1")
    assert unknown.exit_code == 1 and unknown.stderr.count("\n") == 1
    assert unknown.stderr.startswith("error: reason_code: 'weather' is not a lost reason of this methodology; "
                                     "choose one of no_pain (No pain worth solving), ")
    closed = run_cli("opportunity", "lose", deal, "--reason-code", "competitor", "--reason", "Chose a cheaper supplier",
                     "--as", "rep1")
    assert closed.exit_code == 0, closed.output
    assert "status         lost (Chose a competitor — Chose a cheaper supplier)" in closed.output
    assert "Open tasks: none" in closed.output
    report = run_cli("report", "lost", "--methodology", "meddpicc", "--as", "admin")
    assert report.exit_code == 0, report.output
    assert report.output.startswith("1 deal lost (") and "Chose a competitor     1  #" in report.output
    refused = run_cli("report", "lost", "--as", "rep1")
    assert refused.exit_code == 1 and refused.stderr.count("\n") == 1 and refused.stderr.startswith("error: ")
    bad_day = run_cli("report", "lost", "--from", "tomorrow", "--as", "admin")
    assert bad_day.stderr == "error: from: 'tomorrow' is not a day; write it as YYYY-MM-DD\n"
    again = run_cli("opportunity", "lose", deal, "--reason", "x", "--as", "rep1")
    assert again.exit_code == 1 and again.stderr == f"error: opportunity {deal} is already lost\n"
