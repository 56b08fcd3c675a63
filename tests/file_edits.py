"""Editing a copy of a methodology folder the way a designer would, for tests."""

import shutil
from pathlib import Path

from tests.conftest import BASE_METHODOLOGY


def copy_base(tmp_path: Path) -> Path:
    """A copy of the base test methodology as ``tmp_path/methodologies``."""
    target = tmp_path / "methodologies"
    shutil.copytree(BASE_METHODOLOGY, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of ``old`` in ``path``."""
    text = path.read_text("utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), "utf-8")
