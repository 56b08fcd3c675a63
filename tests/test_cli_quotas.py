"""``dealflow fiscal-year`` and ``dealflow quota set|split|commit|show`` as an admin,
a manager and a rep type them, on SQLite; mistakes are one line and exit 1."""

from __future__ import annotations

import json

import pytest

from tests.conftest import FakeClock, make_engine
from tests.service.quota_seeds import with_director


@pytest.fixture
def database(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'dealflow.db'}"
    with_director(make_engine(url, FakeClock())).close()
    monkeypatch.setenv("DEALFLOW_DATABASE_URL", url)
    return tmp_path


def test_a_quota_is_set_split_as_a_draft_committed_and_shown(database, run_cli):
    assert run_cli("fiscal-year").output == "the fiscal year starts in month 1\n"
    done = run_cli("quota", "set", "manager", "2027-Q1", "100000", "--as", "director")
    assert done.exit_code == 0 and done.output == "manager's quota for 2027-Q1: 100000.00 PLN (version 1)\n"
    draft = run_cli("quota", "split", "manager", "2027-Q1", "rep1=60000", "rep2=30000", "--as", "manager")
    assert draft.output.splitlines()[0] == "manager's split for 2027-Q1: draft (only you see it), 90000.00 PLN"
    assert draft.output.splitlines()[-1] == ("warning: the parts add up to 90000.00 PLN, 10000.00 PLN short of "
                                             "manager's quota of 100000.00 PLN")
    committed = run_cli("quota", "commit", "manager", "2027-Q1", "--as", "manager")
    assert committed.output.startswith("manager's split for 2027-Q1: version 1, 90000.00 PLN\n")
    shown = json.loads(run_cli("quota", "show", "2027-Q1", "--format", "json", "--as", "rep1").output)
    assert shown["own_quota"]["amount"] == "60000.00" and shown["history"][0]["version"] == 1
    table = run_cli("quota", "show", "2027-Q1", "--as", "manager").output
    assert "manager's quota: 100000.00 PLN (version 1)" in table and "version 1 by manager" in table


def test_the_fiscal_calendar_moves_the_quarters(database, run_cli):
    assert run_cli("fiscal-year", "4", "--as", "admin").output == \
        "the fiscal year starts in month 4; stored quotas keep their days\n"
    shown = run_cli("quota", "show", "2027-Q1", "--as", "manager").output
    assert shown.startswith("2027-Q1 (2026-04-01 to 2026-06-30; fiscal year starts in month 4)")


@pytest.mark.parametrize("args, message", [
    (("quota", "set", "manager", "2027-Q1", "5", "--as", "rep1"), "error: only an admin or a manager above manager"),
    (("quota", "split", "manager", "2027-Q9", "rep1=5", "--as", "manager"), "error: period: '2027-Q9' is not"),
    (("quota", "split", "manager", "2027-Q1", "rep3=5", "--as", "manager"), "error: rep3: not a direct report"),
    (("quota", "commit", "manager", "2027-Q1", "--as", "manager"), "error: parts: there is no draft"),
    (("quota", "show", "--manager", "manager", "--as", "rep3"), "error: no quota split of 'manager' to show"),
    (("fiscal-year", "13", "--as", "admin"), "error: start_month: enter the fiscal year's"),
    (("fiscal-year", "4", "--as", "manager"), "error: only an admin sets the fiscal calendar"),
])
def test_mistakes_and_the_wrong_user_are_one_line(database, run_cli, args, message):
    result = run_cli(*args)
    assert result.exit_code == 1 and result.output.startswith(message) and result.output.count("\n") == 1, \
        result.output
