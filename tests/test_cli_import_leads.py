"""``dealflow import leads/list/revert`` as a manager types them, on SQLite."""

from __future__ import annotations

import pytest

from tests.conftest import FakeClock, commands_at
from tests.service.lead_fixtures import SAMPLE, people_engine, write_csv

SUMMARY = "created 12, updated 0, unchanged 0, duplicates 3, rejected 5 (rejects: {path})"


@pytest.fixture
def database(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'dealflow.db'}"
    people_engine(url, FakeClock()).close()
    monkeypatch.setenv("DEALFLOW_DATABASE_URL", url)
    monkeypatch.delenv("DEALFLOW_REJECTS_DIR", raising=False)
    monkeypatch.delenv("DEALFLOW_USER", raising=False)
    return tmp_path


def lines(result) -> list[str]:
    return result.output.splitlines()


def test_an_import_ends_with_its_summary_naming_the_rejects_file(database, run_cli):
    result = run_cli("import", "leads", str(SAMPLE), "--as", "manager")
    assert result.exit_code == 0, result.output
    rejects = database / "rejects" / "lead-import-1-rejects.csv"
    assert lines(result)[-1] == SUMMARY.format(path=rejects)
    assert rejects.is_file()
    assert "row 10: duplicate of row 3 (same tax id: PL5261041443)" in lines(result)
    again = run_cli("import", "leads", str(SAMPLE), "--as", "manager")
    assert lines(again)[-1].startswith("created 0, updated 0, unchanged 12, duplicates 3, rejected 5")


def test_a_dry_run_prints_the_same_line_and_changes_nothing(database, run_cli):
    dry = run_cli("import", "leads", str(SAMPLE), "--dry-run", "--as", "manager")
    assert dry.exit_code == 0, dry.output
    assert "dry run: nothing was changed" in dry.output
    assert lines(dry)[-1] == SUMMARY.format(path=database / "rejects" / "lead-import-1-rejects.csv")
    real = run_cli("import", "leads", str(SAMPLE), "--as", "manager")
    assert lines(real)[-1] == SUMMARY.format(path=database / "rejects" / "lead-import-2-rejects.csv")


def test_list_and_revert(database, run_cli):
    run_cli("import", "leads", str(SAMPLE), "--as", "manager")
    listed = run_cli("import", "list", "--as", "manager")
    assert listed.exit_code == 0 and "#1" in listed.output and "leads.csv" in listed.output
    reverted = run_cli("import", "revert", "1", "--as", "manager")
    assert reverted.output == ("reverted import #1: deleted 12, archived 0, fields restored 0, "
                               "fields kept (changed since) 0\n")
    again = run_cli("import", "revert", "1", "--as", "manager")
    assert (again.exit_code, again.output) == (1, "error: lead import 1 was reverted already\n")


@pytest.mark.parametrize("args, message", [
    (["missing.csv", "--as", "manager"], "error: missing.csv: no such file\n"),
    ([str(SAMPLE)], "error: say who imports: --as USER (a manager or an admin)\n"),
    ([str(SAMPLE), "--as", "rep1"], "error: only managers and admins may import leads; 'rep1' is a rep\n"),
    ([str(SAMPLE), "--as", "nobody"], "error: no user 'nobody'\n"),
    ([str(SAMPLE), "--as", "manager", "--map", "Nazwa"],
     "error: map: write COLUMN=field, e.g. \"Nazwa firmy=name\", not 'Nazwa'\n"),
    ([str(SAMPLE), "--as", "manager", "--map", "Kraj=nope"], "error: Kraj: no lead field 'nope'; did you mean notes?\n"),
    ([str(SAMPLE), "--as", "manager", "--owner", "rep3"], "error: owner: 'rep3' is in none of your teams\n"),
])
def test_mistakes_are_one_line(database, run_cli, args, message):
    result = run_cli("import", "leads", *args)
    assert (result.exit_code, result.output) == (1, message)


def test_an_unknown_column_in_a_map_names_the_columns_there_are(database, run_cli, tmp_path):
    path = write_csv(tmp_path / "a.csv", ["Firma", "Miasto"], [["Alfa", "Kraków"]])
    result = run_cli("import", "leads", str(path), "--as", "manager", "--map", "Opiekun=name")
    assert (result.exit_code, result.output) == (
        1, "error: Opiekun: the file has no such column (its columns: Firma, Miasto)\n")


def test_a_map_and_an_owner(database, run_cli, tmp_path):
    path = write_csv(tmp_path / "a.csv", ["Klient X", "Miasto"], [["Alfa", "Kraków"], ["Beta", "Gdańsk"]])
    result = run_cli("import", "leads", str(path), "--as", "manager", "--map", "Klient X=name", "--owner", "rep1")
    assert lines(result)[-1] == "created 2, updated 0, unchanged 0, duplicates 0, rejected 0"


def test_import_bpmn_still_works(database, run_cli):
    assert run_cli("import-bpmn", "--help").exit_code == 0


def test_resume_goes_on_with_an_interrupted_import_and_refuses_a_finished_one(database, run_cli, monkeypatch):
    """The import's worker died an hour ago (an engine on a fixed clock; the commands
    run an hour after it); the command finds it interrupted."""
    import os
    import shutil
    from datetime import timedelta

    from engine.service import lead_batch, lead_import
    monkeypatch.setattr(lead_import, "BATCH", 4)
    source = shutil.copy(SAMPLE, database / "leads.csv")
    from engine.service import Engine
    earlier = Engine(os.environ["DEALFLOW_DATABASE_URL"], clock=FakeClock())
    commands_at(monkeypatch, earlier.now() + timedelta(hours=1))
    import_id = earlier.start_lead_import(source, file_name="leads.csv", actor="manager")
    real = lead_batch.place
    monkeypatch.setattr(lead_batch, "place", lambda *a, **k: (_ for _ in ()).throw(SystemExit("died")))
    with pytest.raises(SystemExit):
        earlier.run_lead_import(import_id)
    earlier.close()
    monkeypatch.setattr(lead_batch, "place", real)
    listed = run_cli("import", "list", "--as", "manager")
    assert "[interrupted]" in listed.output
    result = run_cli("import", "resume", str(import_id), "--as", "manager")
    assert result.exit_code == 0, result.output
    assert lines(result)[-1] == SUMMARY.format(path=database / "rejects" / f"lead-import-{import_id}-rejects.csv")
    again = run_cli("import", "resume", str(import_id), "--as", "manager")
    assert again.exit_code != 0 and len(lines(again)) == 1 and "not interrupted (done)" in again.output
