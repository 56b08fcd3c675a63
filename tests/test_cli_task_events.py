"""dealflow task error / task escalate: the rep ends "Prepare offer" through its
boundary events from the command line; a mistake is one line without a traceback."""

from __future__ import annotations

from click.testing import CliRunner

from engine.cli import main
from tests.conftest import commands_at, make_engine
from tests.service.test_task_events import FAILING, OFFERS, deploy_the_fix, offers_with_script, open_offer


def test_escalating_and_reporting_an_error_from_the_command_line(tmp_path, clock, monkeypatch):
    url = f"sqlite:///{tmp_path / 'dealflow.db'}"
    engine = make_engine(url, clock, OFFERS)
    deal, task = open_offer(engine)
    monkeypatch.setenv("DEALFLOW_DATABASE_URL", url)
    commands_at(monkeypatch, clock.now)
    runner = CliRunner()

    for args, message in (
            (["task", "error", task.id, "NOPE", "--as", "rep1"], "error: errorCode: no error boundary event of "
             "'Prepare offer' catches 'NOPE'; it offers: 'CUSTOMER_WITHDREW' (Customer withdrew)\n"),
            (["task", "error", task.id, "CUSTOMER_WITHDREW", "--as", "rep2"],
             f"error: no task '{task.id}'\n"),  # not theirs to see, as in the API
            (["task", "escalate", task.id, "DISCOUNT", "--as", "rep1", "--data", "[1]"], None),
            (["task", "escalate", task.id, "DISCOUNT", "--as", "rep1", "offer_totl=5"], None)):
        refused = runner.invoke(main, args)
        assert refused.exit_code != 0 and "Traceback" not in refused.output, refused.output
        assert len(refused.output.strip().splitlines()) == 1 or "Usage:" in refused.output, refused.output
        if message is not None:
            assert refused.stderr == message

    escalated = runner.invoke(main, ["task", "escalate", task.id, "DISCOUNT", "--as", "rep1"])
    assert escalated.exit_code == 0, escalated.output
    assert "Approve the discount" in escalated.stdout and "Prepare offer" in escalated.stdout
    assert escalated.stderr == "escalation 'Discount above my limit' taken; the task stays open\n"
    lost = runner.invoke(main, ["task", "error", task.id, "CUSTOMER_WITHDREW", "--as", "rep1",
                                "--message", "Budget frozen"])
    assert lost.exit_code == 0 and lost.stderr == "error 'Customer withdrew' taken\n", lost.output
    assert engine.show_opportunity(deal.id).status == "lost"
    again = runner.invoke(main, ["task", "error", task.id, "CUSTOMER_WITHDREW", "--as", "rep1"])
    assert again.exit_code == 1 and again.stderr == f"error: task '{task.id}' is no longer ready (it is completed)\n"
    engine.close()


def test_a_report_whose_next_step_fails_exits_non_zero_and_retry_reports_it_again(tmp_path, clock, monkeypatch):
    url = f"sqlite:///{tmp_path / 'dealflow.db'}"
    engine = make_engine(url, clock, offers_with_script(tmp_path, "failing", "2.0", FAILING))
    deal, task = open_offer(engine)
    monkeypatch.setenv("DEALFLOW_DATABASE_URL", url)
    commands_at(monkeypatch, clock.now)
    runner = CliRunner()
    failed = runner.invoke(main, ["task", "error", task.id, "CUSTOMER_WITHDREW", "--as", "rep1"])
    assert failed.exit_code == 1 and failed.stderr == (
        "error: the task stays open: the process failed at script task 'Share of Boundary_Withdrew' "
        f"(Script_Withdrew): division by zero; once the methodology is fixed, 'dealflow opportunity retry {deal.id} "
        "--upgrade --as MANAGER' reports it again\n"), failed.output
    deploy_the_fix(engine, tmp_path)
    retried = runner.invoke(main, ["opportunity", "retry", str(deal.id), "--upgrade", "--as", "manager"])
    assert retried.exit_code == 0, retried.output
    assert engine.show_opportunity(deal.id).status == "lost"
    engine.close()
