"""``dealflow deal edit`` (also ``opportunity edit``) as a user types it, on SQLite:
the new figures printed, and mistakes as one-line errors."""

from __future__ import annotations

import pytest

from tests.test_cli_deal_forecast import deal  # noqa: F401  (the fixture: rep1's deal on a file database)


def test_the_owner_edits_amount_and_close_date(deal, run_cli):
    result = run_cli("deal", "edit", deal, "--amount", "12 500,50", "--currency", "EUR", "--close-date", "2027-01-15",
                     "--as", "rep1")
    assert result.exit_code == 0, result.output
    assert "12" in result.output and "500.50 EUR" in result.output
    assert "close date     2027-01-15" in result.output


@pytest.mark.parametrize("args, message", [
    (["--amount", "lots", "--as", "rep1"], "error: amount: enter an amount such as 12500.00\n"),
    (["--title", "x", "--as", "rep3"], "error: no opportunity {d}\n"),
    (["--as", "rep1"], "give at least one of --title, --partner-id, --amount, --currency, --close-date"),
])
def test_mistakes_are_one_line(deal, run_cli, args, message):
    result = run_cli("deal", "edit", deal, *args)
    assert result.exit_code != 0
    assert message.format(d=deal) in result.output
    assert "Traceback" not in result.output
