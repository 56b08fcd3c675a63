"""Versions are per methodology: a deploy names what changed, never stores changed files
under a label already deployed unless told to, and counts versions per methodology
(issue 17)."""

import pytest

from engine.errors import MethodologyError
from tests.conftest import BASE_METHODOLOGY
from tests.file_edits import copy_base, edit

STAGES = "stages/small-deal.yaml"


def test_changed_files_under_a_deployed_label_are_refused_at_its_line_and_nothing_is_stored(engine, tmp_path):
    changed = copy_base(tmp_path)
    edit(changed / STAGES, "probability: 50", "probability: 60")
    with pytest.raises(MethodologyError) as caught:
        engine.deploy(str(changed), actor="admin")
    [problem] = caught.value.problems
    line = (changed / STAGES).read_text("utf-8").splitlines()[problem.line - 1]
    assert problem.path.endswith(STAGES) and line.startswith("version:")
    assert problem.message == (
        "version \"1.0\" of 'small-deal' is already deployed with other files (changed: stages/small-deal.yaml): "
        "raise the version: label, or deploy with --force to store these files as another \"1.0\"")
    report = engine.deploy(str(BASE_METHODOLOGY))
    assert [(v.label, v.new, v.number) for v in report.versions] == [("1.0", False, 1)]


def test_force_stores_changed_files_under_the_same_label_as_the_next_version(engine, tmp_path):
    changed = copy_base(tmp_path)
    edit(changed / STAGES, "probability: 50", "probability: 60")
    report = engine.deploy(str(changed), actor="admin", force=True)
    assert [(v.label, v.new, v.number, v.changed) for v in report.versions] == [
        ("1.0", True, 2, ("stages/small-deal.yaml",))]


def test_a_decision_table_the_process_does_not_call_is_not_part_of_the_methodology(engine, tmp_path):
    changed = copy_base(tmp_path)
    called = (changed / "bpmn" / "deal_tier.dmn").read_text("utf-8")
    # Another methodology's decision table: same shape, other decision and table ids.
    (changed / "bpmn" / "other.dmn").write_text(
        called.replace('id="', 'id="other_').replace('href="#', 'href="#other_'), "utf-8")
    report = engine.deploy(str(changed), actor="admin")
    assert [(v.label, v.new) for v in report.versions] == [("1.0", False)]
    edit(changed / "bpmn" / "deal_tier.dmn", "</definitions>", "<!-- edited --></definitions>")  # the one it calls
    edit(changed / STAGES, 'version: "1.0"', 'version: "1.1"')
    report = engine.deploy(str(changed), actor="admin")
    assert [(v.label, v.new, v.changed) for v in report.versions] == [
        ("1.1", True, ("bpmn/deal_tier.dmn", "stages/small-deal.yaml"))]


def test_deploy_on_the_command_line_counts_versions_per_methodology(run_cli, shipped_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("DEALFLOW_DATABASE_URL", f"sqlite:///{tmp_path / 'versions.db'}")
    first = run_cli("deploy", "methodologies", "--as", "designer")
    assert first.exit_code == 0, first.output
    assert "horeca-bant 1.1: deployed, its first version" in first.output.splitlines()
    edit(shipped_copy / "stages" / "key-account.yaml", "    probability: 40\n", "    probability: 45\n")
    refused = run_cli("deploy", "methodologies", "--as", "designer")
    assert refused.exit_code == 1
    assert "version \"1.0\" of 'key-account' is already deployed with other files" in refused.output
    edit(shipped_copy / "stages" / "key-account.yaml", 'version: "1.0"', 'version: "1.1"')
    second = run_cli("deploy", "methodologies", "--as", "designer")
    assert second.exit_code == 0, second.output
    assert "key-account 1.1: new, its version 2; changed stages/key-account.yaml" in second.output.splitlines()
    assert "horeca-bant 1.1: unchanged (its version 1)" in second.output.splitlines()
