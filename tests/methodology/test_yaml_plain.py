"""The one-pass reader of plain YAML files builds exactly what the careful reader builds,
and gives every other file to the careful reader (whose problems designers see)."""

from pathlib import Path

import pytest

from engine.methodology import yaml_source
from engine.methodology.yaml_plain import read_plain

REPOSITORY = Path(__file__).resolve().parents[2]


def _as_read(path: str, text: str) -> str:
    doc, problems = yaml_source.read_yaml(path, text)
    # repr, not ==: 1 == True == 1.0, and the types are what must not change.
    return repr((None if doc is None else (doc.path, doc.data, doc.value_lines, doc.key_lines,
                                           doc.raw_scalars, doc.literal_blocks), problems))


def _both(monkeypatch, path: str, text: str) -> tuple[str, str]:
    fast = _as_read(path, text)
    with monkeypatch.context() as patch:
        patch.setattr(yaml_source, "read_plain", lambda text, loader: None)
        careful = _as_read(path, text)
    return fast, careful


def _yaml_files() -> list[Path]:
    tops = [p for p in REPOSITORY.iterdir() if p.is_dir() and p.name not in {".venv", "node_modules", ".git"}]
    return sorted(p for top in tops for pattern in ("*.yaml", "*.yml") for p in top.rglob(pattern)
                  if "node_modules" not in p.parts)


def test_every_yaml_file_of_the_repository_reads_the_same_both_ways(monkeypatch):
    files = _yaml_files()
    assert len(files) > 50
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace")  # a few fixtures are not UTF-8 on purpose
        fast, careful = _both(monkeypatch, str(path), text)
        assert fast == careful, path


def test_the_shipped_methodologies_take_the_one_pass_road():
    shipped = [p for p in _yaml_files() if p.relative_to(REPOSITORY).parts[0] == "methodologies"]
    assert len(shipped) > 10
    for path in shipped:
        # Not a rule for designers (the careful reader is right, only slower): a shipped
        # file that needs anchors may leave the fast road, and this list with it.
        assert read_plain(path.read_text("utf-8"), yaml_source._Loader) is not None, path


PLAIN = {
    "scalars": "a: text\nb: 'quoted'\nc: \"double\"\nd: 12\ne: 1_000\nf: -3.5\ng: .inf\nh: true\ni: False\n"
               "j: yes\nk: ~\nl: null\nm:\nn: 2026-12-05\no: 0x1F\np: 017\nq: 1e3\nr: ''\n",
    "nested": "stages:\n  - id: a\n    probability: 10\n    exit: [x, 'y', {z: 1}]\n  - id: b\n    exit: []\n",
    "block scalars": "text: |\n  two\n  lines\nfolded: >\n  one\n  line\n",
    "root scalar": "just text\n",
    "root list": "- 1\n- two\n",
    "explicit document": "---\na: 1\n...\n",
    "flow": "{a: [1, 2, {b: c}], d: \"e\"}\n",
    "quoted keys": "'yes': 1\n\"1\": 2\n'': 3\n",
    "unicode": "name: Über — straße ✓\n",
    "comments": "# first\na: 1  # one\n# last\n",
}

NOT_PLAIN = {
    "empty": "",
    "only a comment": "# nothing\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "duplicate key": "a: 1\nb: 2\na: 3\n",
    "boolean key": "yes: 1\ntrue: 2\n",
    "number key": "1: a\n",
    "null key": "~: a\n",
    "date key": "2026-01-01: a\n",
    "complex key": "? [a, b]\n: c\n",
    "anchor and alias": "base: &b {x: 1}\nother: *b\n",
    "merge key": "base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n",
    "merge key overridden": "base: &b {x: 1}\nother:\n  <<: *b\n  x: 2\n",
    "undefined alias": "a: *nothing\n",
    "self alias": "a: &x [*x]\n",
    "harmless tag": "a: !!str 12\n",
    "binary tag": "a: !!binary aGk=\n",
    "local tag": "a: !thing x\n",
    "value key": "=: 1\n",
    "merge as a value": "a: <<\n",
    "huge number": "a: " + "9" * 5000 + "\n",
    "deep": "a: " + "[" * 60 + "]" * 60 + "\n",
    "syntax error": "a: b: c\n",
    "tab": "a:\n\tb: 1\n",
    "unclosed flow": "a: [1, 2\nb: 3\n",
}


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_a_plain_text_reads_in_one_pass_as_the_careful_reader_reads_it(monkeypatch, name):
    assert read_plain(PLAIN[name], yaml_source._Loader) is not None
    fast, careful = _both(monkeypatch, "x.yaml", PLAIN[name])
    assert fast == careful


@pytest.mark.parametrize("name", sorted(NOT_PLAIN))
def test_anything_else_goes_to_the_careful_reader(monkeypatch, name):
    assert read_plain(NOT_PLAIN[name], yaml_source._Loader) is None
    fast, careful = _both(monkeypatch, "x.yaml", NOT_PLAIN[name])
    assert fast == careful
