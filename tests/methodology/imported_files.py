"""Writing what ``plan_import`` planned into a folder, as ``dealflow import-bpmn`` does,
and reading back what validation says of it: the helpers of the import tests."""

from __future__ import annotations

from pathlib import Path

from engine import load_methodologies


def write_plan(root: Path, files: dict[str, bytes]) -> Path:
    """The planned files under ``root``, every end event's undecided stage decided as won
    (the one decision import-bpmn leaves that validation insists on)."""
    for relative, content in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_bytes(content)
    for table in (root / "stages").glob("*.yaml"):
        table.write_text(table.read_text("utf-8").replace("outcome: TODO", "outcome: won"), "utf-8")
    return root


def problems_of(root: Path) -> list[str]:
    """``file.bpmn:line: message`` for each problem validation finds."""
    return [f"{Path(p.path).name}:{p.line}: {p.message}" for p in load_methodologies(str(root)).problems]
