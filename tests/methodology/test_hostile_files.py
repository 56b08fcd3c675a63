"""`dealflow validate` on files written to hurt it: a YAML alias bomb, YAML nested
20,000 deep, explicit tags (!!binary, !!python/object, !!bool maybe), numbers too long
to read, and a DOCTYPE with internal entities in a BPMN file. Each is one
`path:line: message`, found fast and in bounded memory, exit code 1, no traceback.
The files are generated here; the loader functions are tested directly too."""

from __future__ import annotations

import shutil
import tracemalloc
from pathlib import Path

import pytest

from engine.methodology.bpmn_source import parse_xml
from engine.methodology.yaml_shape import MAX_YAML_VALUES
from engine.methodology.yaml_source import read_yaml

BASE = Path(__file__).parent / "base"


def billion_laughs() -> str:
    lines = ["methodology: small-deal", 'lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"lol{i}: &lol{i} [" + ", ".join([f"*lol{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


DEEP_FLOW = "methodology: " + "[" * 20_000 + "]" * 20_000 + "\n"
DEEP_FLOW_UNCLOSED = "methodology: " + "[" * 20_000 + "\n"
DEEP_BLOCK = "methodology:\n" + "".join(" " * i + "k:\n" for i in range(1, 2000)) + " " * 2000 + "v\n"

# (text, line, message) — each refused before anything is built from it
HOSTILE_YAML = {
    "alias-bomb": (billion_laughs(), 7, f"the file stands for more than {MAX_YAML_VALUES} values once its "
                                        "aliases (*name) are expanded"),
    "alias-in-itself": ("methodology: x\nloop: &loop [1, *loop]\n", 2,
                        "the alias *loop is inside its own anchor &loop, so it would repeat forever"),
    "deep-flow": (DEEP_FLOW, 1, "lists and mappings are nested more than 50 levels deep"),
    "deep-flow-unclosed": (DEEP_FLOW_UNCLOSED, 1, "lists and mappings are nested more than 50 levels deep"),
    "deep-block": (DEEP_BLOCK, 51, "lists and mappings are nested more than 50 levels deep"),
    "binary": ("methodology: x\nversion: !!binary aGVsbG8=\n", 2, "the tag !!binary is not allowed"),
    "python-object": ("methodology: !!python/object/apply:os.system ['touch pwned']\n", 1,
                      "the tag !!python/object/apply:os.system is not allowed"),
    "set": ("methodology: x\nstages: !!set {a, b}\n", 2, "the tag !!set is not allowed"),
    "bool-maybe": ("methodology: x\nversion: !!bool maybe\n", 2, "the tag !!bool is not allowed"),
    "local-tag": ("methodology: x\nversion: !custom 1\n", 2, "the tag !custom is not allowed"),
    "huge-number": ("methodology: x\nversion: " + "1" * 5000 + "\n", 2,
                    "YAML error: cannot read '1111111111111111111111111111111111111111…'"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_YAML))
def test_a_hostile_yaml_text_is_one_problem_at_its_line_in_bounded_memory(name):
    text, line, message = HOSTILE_YAML[name]
    tracemalloc.start()
    try:
        doc, problems = read_yaml("x.yaml", text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000  # bytes
    assert doc is None
    assert [(p.line, p.message[:len(message)]) for p in problems] == [(line, message)]


def test_aliases_and_merge_keys_within_the_limit_still_work():
    text = ("methodology: x\ndefaults: &defaults {probability: 10, outcome: open}\n"
            "stages:\n  - <<: *defaults\n    id: lead\n  - <<: *defaults\n    id: won\n"
            "tags: !!str 42\n")
    doc, problems = read_yaml("x.yaml", text)
    assert problems == []
    assert doc.data["stages"] == [{"probability": 10, "outcome": "open", "id": "lead"},
                                  {"probability": 10, "outcome": "open", "id": "won"}]
    assert doc.data["tags"] == "42"


DOCTYPE_ENTITY = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE bpmn:definitions [
  <!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
"""


def bpmn_with_doctype() -> bytes:
    text = (BASE / "bpmn" / "deal.bpmn").read_text("utf-8")
    body = text.split("\n", 1)[1].replace("Call the prospect and record what they need.", "&c;&c;&c;")
    return (DOCTYPE_ENTITY + body).encode()


def test_a_doctype_with_internal_entities_is_refused_at_its_line():
    tree, problems = parse_xml("deal.bpmn", bpmn_with_doctype())
    assert tree is None
    assert [str(p) for p in problems] == [
        "deal.bpmn:2: a DOCTYPE (<!DOCTYPE ...>) is not allowed in BPMN and DMN files: remove it, and "
        "write any entity (&name;) as the text it stands for"]


def test_a_file_whose_root_is_not_bpmn_is_a_problem_not_a_crash(tmp_path, monkeypatch, run_cli):
    (tmp_path / "odd.bpmn").write_text("<odd/>", "utf-8")
    monkeypatch.chdir(tmp_path)
    result = run_cli("validate", "odd.bpmn")
    assert result.exit_code == 1
    assert "odd.bpmn:1: not a BPMN 2.0 file: the root element is <odd>, expected <bpmn:definitions>" in result.stdout


@pytest.mark.parametrize("name", ["alias-bomb", "deep-flow", "deep-flow-unclosed", "binary", "python-object",
                                  "huge-number"])
def test_dealflow_validate_reports_a_hostile_stage_table_as_path_line_message(tmp_path, monkeypatch, run_cli, name):
    shutil.copytree(BASE, tmp_path / "methodologies")
    monkeypatch.chdir(tmp_path)
    text, line, message = HOSTILE_YAML[name]
    Path("methodologies/stages/small-deal.yaml").write_text(text, "utf-8")
    result = run_cli("validate", "methodologies")
    assert result.exit_code == 1
    assert f"methodologies/stages/small-deal.yaml:{line}: {message}" in result.stdout, result.stdout
    assert "Traceback" not in result.output
    assert not (tmp_path / "pwned").exists()


def test_dealflow_validate_reports_a_bpmn_doctype_as_path_line_message(tmp_path, monkeypatch, run_cli):
    shutil.copytree(BASE, tmp_path / "methodologies")
    monkeypatch.chdir(tmp_path)
    Path("methodologies/bpmn/deal.bpmn").write_bytes(bpmn_with_doctype())
    result = run_cli("validate", "methodologies")
    assert result.exit_code == 1
    assert "methodologies/bpmn/deal.bpmn:2: a DOCTYPE (<!DOCTYPE ...>) is not allowed" in result.stdout
    assert "Traceback" not in result.output and "Internal error" not in result.output
