"""Fixtures shared by every test package."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli import main

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "methodologies"


@pytest.fixture
def run_cli():
    """Run ``dealflow ARGS...`` in-process through click; returns the click Result."""
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return run


@pytest.fixture
def shipped_copy(tmp_path, monkeypatch) -> Path:
    """A copy of the shipped methodologies as ./methodologies in a fresh directory."""
    shutil.copytree(SHIPPED, tmp_path / "methodologies")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "methodologies"
