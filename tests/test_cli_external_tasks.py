"""dealflow worker-token create and dealflow incident list/retry: a user mistake is one
line without a traceback."""

from __future__ import annotations

from click.testing import CliRunner

from engine.cli import main
from tests.conftest import commands_at, make_engine
from tests.service.test_external_tasks import ERP


def test_a_worker_token_and_an_incident_from_the_command_line(tmp_path, clock, monkeypatch):
    url = f"sqlite:///{tmp_path / 'dealflow.db'}"
    commands_at(monkeypatch, clock.now)  # the commands fire due timers on the test's clock
    engine = make_engine(url, clock, ERP)
    deal = engine.create_opportunity(title="Order", amount="1000.00", partner="Order Ltd", actor="manager",
                                     owner="rep1")
    monkeypatch.setenv("DEALFLOW_DATABASE_URL", url)
    runner = CliRunner()
    made = runner.invoke(main, ["worker-token", "create", "erp", "--topic", "invoice"])
    assert made.exit_code == 0 and made.stdout.startswith("dfw_")
    worker = engine.worker_for_token(made.stdout.strip())
    [task] = engine.fetch_and_lock(worker, "w1", 1, [("invoice", 60_000)])
    engine.fail_external_task(worker, task.id, "w1", "ERP down", retries=0)
    listed = runner.invoke(main, ["incident", "list", "--as", "admin"])
    assert listed.stdout == f"{task.id}  opportunity {deal.id}  Task_Invoice (invoice): ERP down\n"
    refused = runner.invoke(main, ["incident", "retry", task.id, "--as", "rep1"])
    assert refused.exit_code != 0 and "Traceback" not in refused.output and len(refused.output.splitlines()) == 1
    retried = runner.invoke(main, ["incident", "retry", task.id, "--as", "admin"])
    assert retried.stdout == f"{task.id}: open again on topic invoice, 1 retries\n"
    engine.close()


def test_a_leaked_worker_token_is_revoked_from_the_command_line_and_opens_nothing_after(tmp_path, clock,
                                                                                      monkeypatch):
    import pytest

    from engine.errors import PermissionDeniedError

    url = f"sqlite:///{tmp_path / 'dealflow.db'}"
    commands_at(monkeypatch, clock.now)
    engine = make_engine(url, clock, ERP)
    monkeypatch.setenv("DEALFLOW_DATABASE_URL", url)
    runner = CliRunner()
    token = runner.invoke(main, ["worker-token", "create", "erp", "--topic", "invoice"]).stdout.strip()
    assert engine.worker_for_token(token).name == "erp"
    listed = runner.invoke(main, ["worker-token", "list"]).stdout
    assert listed.startswith("erp  invoice  made ") and listed.rstrip().endswith("live") and token not in listed
    assert runner.invoke(main, ["worker-token", "revoke", "erp"]).stdout == "revoked 1 token of erp\n"
    with pytest.raises(PermissionDeniedError, match="invalid or revoked"):
        engine.worker_for_token(token)
    assert "revoked " in runner.invoke(main, ["worker-token", "list"]).stdout
    again = runner.invoke(main, ["worker-token", "revoke", "erp"])
    assert (again.exit_code, again.stderr) == (1, "error: no live worker token named 'erp'\n")
    engine.close()
