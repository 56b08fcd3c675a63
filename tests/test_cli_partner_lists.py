"""``dealflow partner list-save / lists / export / archive-inactive / undo-archival /
delete`` as a manager or an admin types them, on SQLite; mistakes are one line."""

from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook

from tests.conftest import FakeClock, commands_at, make_engine
from tests.service.partner_seeds import seed_partner


@pytest.fixture
def database(tmp_path, monkeypatch):
    """Two prospects of rep1's created over a year ago, one with an e-mail."""
    url = f"sqlite:///{tmp_path / 'dealflow.db'}"
    clock = FakeClock()
    clock.advance(days=-500)
    engine = make_engine(url, clock)
    seed_partner(engine, "Stara Hurtownia", territory="north", email="biuro@stara.pl",
                 contacts=(("Anna Nowak", "anna@stara.pl", "+48 600 100 200"),))
    seed_partner(engine, "Bez Maila", territory="north")
    engine.close()
    monkeypatch.setenv("DEALFLOW_DATABASE_URL", url)
    commands_at(monkeypatch, clock.advance(days=500))
    return tmp_path


def test_a_saved_list_is_exported_as_csv_and_xlsx(database, run_cli):
    saved = run_cli("partner", "list-save", "North mail", "--purpose", "mailing", "--filter", "territory=north",
                    "--as", "manager")
    assert saved.exit_code == 0, saved.output
    assert saved.output == "list #1 'North mail' (mailing): 1 partner(s) now\n"
    assert "#1    mailing  North mail  [territory=north]  by manager" in run_cli("partner", "lists", "--as",
                                                                                 "manager").output
    out = database / "north.csv"
    exported = run_cli("partner", "export", "1", "--format", "csv", "-o", str(out), "--as", "manager")
    assert exported.output == f"wrote 1 line(s) to {out}\n"
    rows = list(csv.reader(out.read_text("utf-8-sig").splitlines()))
    assert rows[1][:7] == ["Stara Hurtownia", "", "Łódź", "Anna Nowak", "buyer", "+48 600 100 200", "anna@stara.pl"]
    xlsx = database / "north.xlsx"
    run_cli("partner", "export", "1", "--format", "xlsx", "-o", str(xlsx), "--as", "manager")
    assert load_workbook(xlsx).active["A2"].value == "Stara Hurtownia"


def test_archive_inactive_with_a_dry_run_then_undo(database, run_cli):
    dry = run_cli("partner", "archive-inactive", "--months", "12", "--dry-run", "--as", "manager")
    assert dry.exit_code == 0, dry.output
    first = dry.output.splitlines()
    assert first[0].startswith("dry run: 2 prospect(s) inactive since ") and first[0].endswith("nothing changed")
    assert any("Bez Maila" in line and "owner rep1" in line for line in first[1:])
    done = run_cli("partner", "archive-inactive", "--months", "12", "--as", "manager")
    assert "archival #1: 2 prospect(s)" in done.output and "undo: dealflow partner undo-archival 1" in done.output
    nothing = run_cli("partner", "archive-inactive", "--months", "12", "--as", "manager")
    assert "nothing archived" in nothing.output
    undone = run_cli("partner", "undo-archival", "1", "--as", "manager")
    assert undone.output.splitlines()[0] == "archival #1 undone: 2 partner(s) restored"


def test_delete_is_an_admins_act_and_mistakes_are_one_line(database, run_cli):
    refused = run_cli("partner", "delete", "1", "--as", "manager")
    assert (refused.exit_code, refused.output) == (1, "error: only an admin may delete a partner\n")
    assert run_cli("partner", "delete", "1", "--as", "admin").output == "deleted partner #1 Stara Hurtownia\n"
    gone = run_cli("partner", "delete", "1", "--as", "admin")
    assert (gone.exit_code, gone.output) == (1, "error: no partner 1\n")
    months = run_cli("partner", "archive-inactive", "--months", "0", "--as", "admin")
    assert months.exit_code == 1 and months.output.startswith("error: ") and "months" in months.output
    rep = run_cli("partner", "archive-inactive", "--months", "12", "--as", "rep1")
    assert rep.output == "error: only managers and admins archive partners in bulk\n"
    other = run_cli("partner", "export", "1", "-o", str(database / "x.csv"), "--as", "rep2")
    assert (other.exit_code, other.output) == (1, "error: no partner list 1\n")
