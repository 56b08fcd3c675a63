"""``dealflow partner ...`` and ``opportunity create --partner-id`` as people type them,
on SQLite: the card, the list, changes, contact persons, archiving, and mistakes as
one line."""

import re

import pytest

from tests.conftest import FakeClock, make_engine


@pytest.fixture
def database(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'dealflow.db'}"
    make_engine(url, FakeClock()).close()
    monkeypatch.setenv("DEALFLOW_DATABASE_URL", url)
    return url


def ok(run_cli, *args):
    result = run_cli(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def one_line_error(run_cli, *args) -> str:
    result = run_cli(*args)
    assert result.exit_code == 1, result.output
    assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("error: ")
    return result.stderr.strip()


def test_a_partner_is_created_shown_listed_changed_and_archived(database, run_cli):
    created = ok(run_cli, "partner", "create", "--name", "Chłodnie Łódź", "--tax-id", "123-456-32-18",
                 "--city", "Łódź", "--territory", "PL-LD", "--credit-limit", "30000", "--as", "rep1")
    assert created.splitlines()[0] == "Partner #1: Chłodnie Łódź (prospect, active)"
    assert "  tax id         PL1234563218" in created and "  owner          rep1" in created
    assert "rep1 created the partner" in created
    listing = ok(run_cli, "partner", "list", "-q", "lodz", "--as", "manager")
    assert re.search(r"^#1 +prospect +active +Chłodnie Łódź +Łódź +PL-LD +rep1 +0 open$", listing, re.M)
    assert listing.splitlines()[-1] == "1 partner"
    assert ok(run_cli, "partner", "list", "--kind", "customer", "--as", "manager").strip() == "0 partners"
    updated = ok(run_cli, "partner", "update", "1", "--credit-limit", "45000", "--city", "", "--as", "manager")
    assert "manager changed the city from Łódź to (empty), the credit limit from 30000.00 to 45000.00" in updated
    added = ok(run_cli, "partner", "contact", "add", "1", "--name", "Anna Nowak", "--function", "buyer",
               "--phone", "600 100 200", "--as", "rep1")
    assert added.strip() == "#1 Anna Nowak (buyer, +48600100200)"
    assert ok(run_cli, "partner", "contact", "update", "1", "--inactive", "--as", "rep1").strip() == (
        "#1 Anna Nowak (buyer, +48600100200) [inactive]")
    assert "archived" in ok(run_cli, "partner", "archive", "1", "--as", "rep1")
    assert ok(run_cli, "partner", "list", "--as", "rep1").strip() == "0 partners"
    assert "#1" in ok(run_cli, "partner", "list", "--status", "archived", "--as", "rep1")
    assert "active again" in ok(run_cli, "partner", "restore", "1", "--as", "rep1")


def test_a_deal_opened_for_a_partner_by_id_shows_it_and_a_credit_warning(database, run_cli):
    ok(run_cli, "partner", "create", "--name", "Acme", "--channel", "retail", "--credit-limit", "100",
       "--as", "manager")
    deal = ok(run_cli, "opportunity", "create", "--title", "Cold room", "--amount", "500.00", "--partner-id", "1",
              "--as", "manager")
    assert "  partner        Acme (#1)" in deal
    assert "  CREDIT         Credit limit exceeded: balance 0.00 + open deals 500.00 = 500.00 PLN" in deal
    card = ok(run_cli, "partner", "show", "1", "--as", "manager")
    assert "  WARNING        Credit limit exceeded" in card and "#1 open" in card


def test_mistakes_are_one_line_errors(database, run_cli):
    ok(run_cli, "partner", "create", "--name", "Acme", "--as", "rep1")
    assert one_line_error(run_cli, "partner", "show", "1", "--as", "rep3") == "error: no partner 1"
    assert one_line_error(run_cli, "partner", "show", "1", "--as", "nobody") == "error: no user 'nobody'"
    assert one_line_error(run_cli, "partner", "update", "1", "--city", "X", "--as", "rep2") == "error: no partner 1"
    assert "tax_id: the NIP's check digit does not match" in one_line_error(
        run_cli, "partner", "create", "--name", "B", "--tax-id", "123-456-32-19", "--as", "rep1")
    assert "kind: choose one of" in one_line_error(run_cli, "partner", "list", "--kind", "x", "--as", "rep1")
    assert "partner_id: no such partner" in one_line_error(
        run_cli, "opportunity", "create", "--title", "T", "--amount", "1", "--partner-id", "99", "--as", "manager")
    assert one_line_error(run_cli, "partner", "contact", "update", "9", "--name", "X", "--as", "admin") == (
        "error: no partner contact 9")
    ok(run_cli, "partner", "archive", "1", "--as", "rep1")
    assert "restore it" in one_line_error(run_cli, "partner", "update", "1", "--city", "X", "--as", "rep1")
    missing = run_cli("partner", "update", "1", "--as", "rep1")
    assert missing.exit_code == 2 and "name at least one field" in missing.stderr
