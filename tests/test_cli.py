import json

import yaml

from tests.conftest import SHIPPED


def test_the_shipped_methodologies_validate(run_cli):
    result = run_cli("validate", str(SHIPPED))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: ")
    assert "4 methodologies, 4 questionnaire(s)" in result.output  # seed 002, key-account, meddpicc, horeca-bant


def test_describe_lists_every_stage_of_the_seed_funnel_in_order(run_cli):
    result = run_cli("describe", str(SHIPPED))
    assert result.exit_code == 0, result.output
    table = yaml.safe_load((SHIPPED / "stages" / "seed002-funnel.yaml").read_text("utf-8"))
    positions = [result.output.index(f" {s['name']} ") for s in table["stages"]]
    assert positions == sorted(positions)
    assert "Należność" in result.output and "Następne działanie" in result.output


def test_validating_one_file_checks_it_against_its_siblings(run_cli):
    result = run_cli("validate", str(SHIPPED / "routing" / "default.yaml"))
    assert result.exit_code == 0, result.output


def test_a_missing_path_is_one_line_and_exit_code_1(run_cli):
    result = run_cli("validate", "no/such/folder")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "error: no methodologies folder or file at no/such/folder\n"


def test_schema_prints_the_shipped_json_schema(run_cli):
    result = run_cli("schema", "stages")
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["title"] == "Dealflow stage table"


def test_an_unknown_schema_kind_is_a_usage_error_not_a_traceback(run_cli):
    result = run_cli("schema", "stagez")
    assert result.exit_code == 2
    assert "Invalid value for '{questionnaires|routing|scenarios|stages}'" in result.output
    assert "Traceback" not in result.output


def test_every_command_has_help(run_cli):
    for command in ("validate", "describe", "schema"):
        result = run_cli(command, "--help")
        assert result.exit_code == 0
        assert "Usage: " in result.output
