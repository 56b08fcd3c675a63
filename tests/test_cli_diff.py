"""`dealflow diff OLD NEW` as a designer types it: folders of methodology files, and
versions deployed in the database (ID@VERSION), on the embedded SQLite."""

import shutil
from pathlib import Path

import pytest

STAGES = "stages/key-account.yaml"
QUESTIONNAIRE = "questionnaires/key-account-qualification.yaml"
CHANGES = [
    "~ methodology 'key-account': version '1.0' -> '1.1'",
    "~ stage 'proposal': probability 40 % -> 45 %",
    "+ exit criterion of stage 'proposal' (buying-center role technical_evaluator)",
    "~ question 'decision_access' of questionnaire 'key-account-qualification': weight 3 -> 4",
]


@pytest.fixture
def folders(shipped_copy, tmp_path, monkeypatch):
    """./methodologies (the shipped files) and ./changed (key-account 1.1), and an
    embedded database of the test's own."""
    monkeypatch.setenv("DEALFLOW_DATABASE_URL", f"sqlite:///{tmp_path / 'diff.db'}")
    changed = tmp_path / "changed"
    shutil.copytree(shipped_copy, changed)
    edit(changed / STAGES, 'version: "1.0"', 'version: "1.1"')
    edit(changed / STAGES, "    probability: 40\n", "    probability: 45\n")
    edit(changed / STAGES, "      buying_center: [decision_maker, coach]",
         "      buying_center: [decision_maker, coach, technical_evaluator]")
    edit(changed / QUESTIONNAIRE, "  - id: decision_access\n    text: Do we have access to the people who decide?\n"
                                  "    help: The purchasing director or the category's head, not only the buyer.\n"
                                  "    weight: 3\n",
         "  - id: decision_access\n    text: Do we have access to the people who decide?\n"
         "    help: The purchasing director or the category's head, not only the buyer.\n"
         "    weight: 4\n")
    return shipped_copy, changed


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), "utf-8")


def test_two_folders_show_what_changed_one_line_each(folders, run_cli):
    result = run_cli("diff", "methodologies", "changed", "--methodology", "key-account")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == CHANGES
    back = run_cli("diff", "changed", "methodologies", "--methodology", "key-account")
    assert "~ stage 'proposal': probability 45 % -> 40 %" in back.stdout.splitlines()


def test_the_same_files_have_no_differences(folders, run_cli):
    result = run_cli("diff", "methodologies", "changed", "--methodology", "meddpicc")
    assert (result.exit_code, result.stdout) == (0, "no differences\n")


def test_deployed_versions_compare_with_each_other_and_with_a_folder(folders, run_cli):
    assert run_cli("deploy", "methodologies", "--as", "designer").exit_code == 0
    assert run_cli("deploy", "changed", "--as", "designer").exit_code == 0

    deployed = run_cli("diff", "key-account@1.0", "key-account@1.1")
    assert deployed.exit_code == 0, deployed.output
    assert deployed.stdout.splitlines() == CHANGES
    assert run_cli("diff", "key-account@1.0", "changed").stdout.splitlines() == CHANGES
    # ID@ is the version new deals start on: the one deployed last.
    assert run_cli("diff", "changed", "key-account@").stdout == "no differences\n"
    assert run_cli("diff", "seed002-funnel@1.0", "methodologies").stdout == "no differences\n"


def test_mistakes_are_one_line_errors(folders, run_cli):
    assert run_cli("deploy", "methodologies", "--as", "designer").exit_code == 0
    edit(folders[1] / STAGES, "    probability: 45\n", "    probability: 145\n")
    cases = [
        (["diff", "key-account@2.0", "methodologies"],
         "error: methodology 'key-account@2.0' is not deployed; deployed versions: 1.0\n"),
        (["diff", "retail@1.0", "methodologies"], "error: methodology 'retail@1.0' is not deployed; "
                                                  "run 'dealflow deploy'\n"),
        (["diff", "methodologies", "methodologies"],
         "error: methodologies holds 4 methodologies (horeca-bant, key-account, meddpicc, seed002-funnel); "
         "choose one with --methodology ID\n"),
        (["diff", "methodologies", "methodologies", "--methodology", "retail"],
         "error: methodologies has no methodology 'retail'; it has horeca-bant, key-account, meddpicc, "
         "seed002-funnel\n"),
        (["diff", "nowhere", "methodologies", "--methodology", "key-account"],
         "error: 'nowhere' is neither a folder nor ID@VERSION (a deployed methodology version)\n"),
        (["diff", "methodologies", "changed", "--methodology", "key-account"],
         "error: changed has 1 problem(s); run 'dealflow validate changed'\n"),
    ]
    for args, message in cases:
        result = run_cli(*args)
        assert (result.exit_code, result.stderr) == (1, message), args
        assert result.stdout == "" and "Traceback" not in result.output
