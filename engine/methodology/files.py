"""Finding methodology files and telling which kind each one is.

A methodologies folder holds ``bpmn/`` (BPMN and DMN), ``stages/``,
``questionnaires/`` and ``routing/``, and ``scenarios/`` (its tests, which are
checked here as ``dealflow test`` reads them, and run by it). The folder decides a YAML file's kind; a
YAML file elsewhere is recognised by its first key (``methodology:`` for a stage
table, ``questionnaire:``, ``routing:``, ``scenario:``). Paths are shown as the user gave them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from engine.methodology.problems import Problem

YAML_KINDS = ("stages", "questionnaires", "routing", "scenarios")
_KIND_BY_FIRST_KEY = {"methodology": "stages", "questionnaire": "questionnaires", "routing": "routing",
                      "scenario": "scenarios"}
_SKIPPED_DIRS = {".git", "__pycache__", ".venv", "node_modules"}


@dataclass(frozen=True)
class SourceFile:
    path: str  # as shown in messages: the user's path joined with the relative part
    kind: str  # bpmn, dmn, stages, questionnaires, routing, scenarios, or yaml (kind still unknown)
    data: bytes


def kind_of(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith((".bpmn", ".bpmn20.xml", ".bpmn2")):
        return "bpmn"
    if name.endswith(".dmn"):
        return "dmn"
    if name.endswith(".form"):
        return "form"  # a Camunda Forms file (engine.methodology.camunda_forms)
    if name.endswith((".yaml", ".yml")):
        parent = path.parent.name
        return parent if parent in YAML_KINDS else "yaml"
    return None


def kind_from_first_key(data: object) -> str | None:
    if isinstance(data, dict) and data:
        return _KIND_BY_FIRST_KEY.get(next(iter(data)))
    return None


def discover(root: str) -> tuple[list[SourceFile], list[Problem]]:
    """Every methodology file under ``root`` (a folder or one file), sorted by path."""
    base = Path(root)
    if not base.exists():
        return [], [Problem(root, 1, "no such file or folder")]
    candidates = [base] if base.is_file() else sorted(_walk(base))
    files, problems = [], []
    for path in candidates:
        kind = kind_of(path)
        shown = str(path) if base.is_file() else os.path.join(root, str(path.relative_to(base)))
        if kind is None:
            if base.is_file():
                problems.append(Problem(shown, 1, "not a methodology file: expected .bpmn, .dmn, .yaml or .yml"))
            continue
        try:
            files.append(SourceFile(shown, kind, path.read_bytes()))
        except OSError as err:
            problems.append(Problem(shown, 1, f"cannot read the file: {err.strerror}"))
    if not files and not problems:
        problems.append(Problem(root, 1, "no methodology files here: expected bpmn/, stages/, "
                                         "questionnaires/ and routing/ folders"))
    return files, problems


def _walk(base: Path):
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = [d for d in dirnames if d not in _SKIPPED_DIRS and not d.startswith(".")]
        for name in filenames:
            yield Path(dirpath) / name
