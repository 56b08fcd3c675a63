"""``dealflow warnings sweep|list|ack|digest`` as a user types them, on the
embedded SQLite default: a deal opened a month ago (by an engine on a clock set
back) is stale today."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.conftest import FakeClock, commands_at, make_engine


@pytest.fixture
def stale_deal(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DEALFLOW_DATABASE_URL", raising=False)
    for name in ("DEALFLOW_SMTP_HOST", "DEALFLOW_WARNING_IDLE_DAYS"):
        monkeypatch.delenv(name, raising=False)
    month_ago = FakeClock()  # a fixed instant; the commands run thirty days after it
    commands_at(monkeypatch, month_ago.now + timedelta(days=30))
    engine = make_engine(f"sqlite:///{tmp_path / 'dealflow.db'}", month_ago)
    deal = engine.create_opportunity(title="Kiosk for Hotel Rex", amount="1000.00", partner="Hotel Rex",
                                     attributes={"channel": "retail"}, actor="manager", owner="rep1")
    engine.close()
    return deal


def test_sweep_list_ack_and_digest(stale_deal, run_cli):
    swept = run_cli("warnings", "sweep")
    assert swept.exit_code == 0, swept.output
    assert swept.output == "looked at 1 open deals: 2 new warnings, 0 cleared, 2 open\n"
    listed = run_cli("warnings", "list", "--as", "rep1")
    lines = listed.output.splitlines()
    assert sorted(re.sub(r"^warning \d+ ", "", line).split(":")[0] for line in lines) == [
        "[open] Next action missed", "[open] No activity"]  # fired by one sweep: newest (last written) first
    assert all("Kiosk for Hotel Rex (Hotel Rex, rep1) — " in line for line in lines)
    assert run_cli("warnings", "list", "--as", "rep3").output == "no warnings\n"
    warning_id = re.match(r"warning (\d+)", lines[0]).group(1)
    acked = run_cli("warnings", "ack", warning_id, "--as", "manager")
    assert acked.exit_code == 0 and "[acknowledged by manager]" in acked.output
    digest = run_cli("warnings", "digest")
    assert sorted(digest.output.splitlines()) == ["admin: 1 warnings, in the app", "manager: 1 warnings, in the app",
                                                  "rep1: 1 warnings, in the app"]
    assert run_cli("warnings", "digest").output == "no digests due\n"


@pytest.mark.parametrize("args, message", [
    (["warnings", "ack", "999", "--as", "rep1"], "error: no warning 999\n"),
    (["warnings", "list", "--as", "nobody"], "error: no user 'nobody'\n"),
    (["warnings", "sweep", "--idle-days", "soon"], "error: idle_days: give a whole number of days\n"),
    (["warnings", "sweep", "--as", "rep1"], "error: only an admin runs the warnings' sweep by hand\n"),
])
def test_mistakes_are_one_line_and_exit_1(stale_deal, run_cli, args, message):
    result = run_cli(*args)
    assert result.exit_code == 1
    assert result.output == message
