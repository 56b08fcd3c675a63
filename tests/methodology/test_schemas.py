"""The shipped JSON Schemas work for editors as they do for the validator."""

import json
import re
from pathlib import Path

import jsonschema
import pytest

from engine.methodology.schemas import KINDS
from engine.methodology.yaml_source import read_yaml
from tests.conftest import REPO, SHIPPED

YAML_FILES = sorted(p for kind in KINDS for p in (SHIPPED / kind).glob("*.yaml"))


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_each_shipped_file_points_editors_at_its_schema_and_passes_it(path: Path):
    first_line = path.read_text("utf-8").splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first_line)
    assert match, "the first line should be the yaml-language-server schema comment"
    schema_path = (path.parent / match.group(1)).resolve()
    assert schema_path.parent == REPO / "engine" / "methodology" / "schemas"
    schema = json.loads(schema_path.read_text("utf-8"))
    # yaml-language-server reads YAML 1.2 by default, as Dealflow does: `No` stays text.
    document, problems = read_yaml(str(path), path.read_text("utf-8"))
    assert problems == []
    jsonschema.validate(document.data, schema)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_schema_is_a_valid_draft_2020_12_schema_with_described_fields(kind):
    schema = json.loads((REPO / "engine" / "methodology" / "schemas" / KINDS[kind]).read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    undocumented = [name for name, spec in schema["properties"].items() if "description" not in spec
                    and name != "description"]
    assert len(undocumented) <= 2, undocumented
