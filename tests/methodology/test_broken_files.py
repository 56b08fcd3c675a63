"""Broken-file fixtures: copies of a valid methodology with one mistake each.

Each folder under ``broken/`` holds only what differs from ``base/``: the changed
files at their relative paths, an optional ``deleted.txt`` (relative paths to
remove), and ``expected.txt`` — the exact lines ``dealflow validate methodologies``
prints, path, line and message.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli import main

HERE = Path(__file__).parent
BASE = HERE / "base"
BROKEN = HERE / "broken"
CASES = sorted(p for p in BROKEN.iterdir() if p.is_dir())
_NOT_OVERLAID = {"expected.txt", "deleted.txt"}


def _copy_with_case(case: Path, target: Path) -> None:
    shutil.copytree(BASE, target)
    for path in case.rglob("*"):
        if path.is_file() and path.relative_to(case).as_posix() not in _NOT_OVERLAID:
            destination = target / path.relative_to(case)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
    deleted = case / "deleted.txt"
    if deleted.exists():
        for line in deleted.read_text("utf-8").splitlines():
            if line.strip():
                (target / line.strip()).unlink()


def _validate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    return CliRunner().invoke(main, ["validate", "methodologies"])


@pytest.mark.parametrize("case", CASES, ids=[p.name for p in CASES])
def test_each_broken_file_is_reported_at_its_path_and_line(case, tmp_path, monkeypatch):
    _copy_with_case(case, tmp_path / "methodologies")
    result = _validate(tmp_path, monkeypatch)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1, result.output
    expected = (case / "expected.txt").read_text("utf-8").splitlines()
    assert result.stdout.splitlines() == expected


def test_there_are_at_least_thirty_broken_files_and_the_base_they_break_is_valid(tmp_path, monkeypatch):
    assert len(CASES) >= 30
    shutil.copytree(BASE, tmp_path / "methodologies")
    result = _validate(tmp_path, monkeypatch)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("OK:")


def test_a_segment_with_only_an_amount_band_does_not_hide_the_segments_after_it():
    # Only a segment without 'when' and without 'amount' matches every deal; one with
    # just an amount band takes some amounts, so the segments after it can still match.
    from engine.methodology import build
    from engine.methodology.yaml_source import read_yaml
    doc, problems = read_yaml("routing/default.yaml", (
        "routing: default\nlanes: {m: {rep: owner}}\nsegments:\n"
        "  - id: big\n    name: Big\n    amount: {currency: PLN, at_least: 50000}\n"
        "    methodology: m\n    team: sales\n    assignment: round_robin\n"
        "  - id: rest\n    name: Rest\n    methodology: m\n    team: sales\n    assignment: round_robin\n"
        "  - id: late\n    name: Late\n    methodology: m\n    team: sales\n    assignment: round_robin\n"))
    assert problems == []
    routing, problems = build.routing(doc)
    assert [s.id for s in routing.segments] == ["big", "rest", "late"]
    assert [str(p) for p in problems] == [
        "routing/default.yaml:15: segment 'late' can never match: the segment without 'when' or 'amount' "
        "on line 10 matches every opportunity first; move the catch-all segment to the end"]
