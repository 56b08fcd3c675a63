"""The compiled schema check (jsonschema-rs) that answers "valid?" before jsonschema is
asked to explain must agree with jsonschema on every file: if it called a file valid
that jsonschema refuses, validation would let the file through silently.

Checked on every methodology YAML file in the repository (shipped, examples, and the
broken ones the tests keep), and on each of those valid files changed in the ways
designers get wrong: a required field removed, a value of the wrong type, an unknown
field, a list emptied."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from engine.methodology import schemas
from engine.methodology.yaml_source import read_yaml

ROOT = Path(__file__).resolve().parents[2]


def _documents():
    for folder in ("methodologies", "examples", "tests"):
        for path in sorted((ROOT / folder).rglob("*.yaml")):
            kind = path.parent.name
            if kind not in schemas.KINDS:
                continue
            try:
                text = path.read_text("utf-8")
            except UnicodeDecodeError:
                continue  # the fixture of a badly encoded file: never reaches the schema
            doc, _ = read_yaml(str(path), text)
            if doc is not None:
                yield kind, path.relative_to(ROOT), doc.data


DOCUMENTS = list(_documents())


def _jsonschema_says_valid(kind: str, data) -> bool:
    return not list(schemas._validator(kind).iter_errors(data))


def _quick_says_valid(kind: str, data) -> bool:
    return schemas._quick_validator(kind).is_valid(data)


def test_there_are_files_of_every_kind_and_both_verdicts():
    kinds = {kind for kind, _, _ in DOCUMENTS}
    verdicts = {_jsonschema_says_valid(kind, data) for kind, _, data in DOCUMENTS}
    assert kinds == set(schemas.KINDS)
    assert verdicts == {True, False}


@pytest.mark.parametrize("kind,path,data", DOCUMENTS, ids=[str(p) for _, p, _ in DOCUMENTS])
def test_the_quick_check_agrees_with_jsonschema_on_a_file(kind, path, data):
    assert _quick_says_valid(kind, data) == _jsonschema_says_valid(kind, data)


def _mutations(data):
    """Copies of ``data``, each with one mistake at one place, walking every mapping."""
    def walk(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                yield path + (key,), "drop"
                yield path + (key,), "wrong type"
                yield from walk(value, path + (key,))
            yield path + ("unknown_field_x",), "add"
        elif isinstance(node, list):
            yield path, "empty"
            for i, item in enumerate(node[:2]):
                yield from walk(item, path + (i,))

    for path, change in walk(data, ()):
        copied = copy.deepcopy(data)
        parent = copied
        for step in path[:-1]:
            parent = parent[step]
        last = path[-1] if path else None
        if change == "drop":
            del parent[last]
        elif change == "wrong type":
            parent[last] = [] if isinstance(parent[last], (str, int, float)) else "text"
        elif change == "add":
            parent[last] = 1
        elif change == "empty":
            if not path:
                continue
            parent[last] = []
        yield copied


VALID = [(kind, path, data) for kind, path, data in DOCUMENTS
         if path.parts[0] == "methodologies" and _jsonschema_says_valid(kind, data)]


@pytest.mark.parametrize("kind,path,data", VALID, ids=[str(p) for _, p, _ in VALID])
def test_the_quick_check_agrees_with_jsonschema_on_every_one_mistake_copy(kind, path, data):
    disagreements, refused = [], 0
    for changed in _mutations(data):
        expected = _jsonschema_says_valid(kind, changed)
        refused += not expected
        if _quick_says_valid(kind, changed) != expected:
            disagreements.append(changed)
    assert refused > 0
    assert disagreements == []
