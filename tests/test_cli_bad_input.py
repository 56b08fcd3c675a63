"""The installed ``dealflow`` command given what a careless user or a hostile script types:
invalid UTF-8 (Python hands it over as lone surrogates, PEP 383), amounts no column holds,
texts longer than their columns. Each is one line on stderr and a non-zero exit, never a
traceback — on SQLite and PostgreSQL, run as a real process."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli import main

from tests.conftest import BASE_METHODOLOGY

BAD = os.fsdecode(b"a\xed\xa0\x80\xffb")  # invalid UTF-8 bytes, as the process receives them
LONG = "x" * 5000

CASES = [
    ["opportunity", "create", "--title", BAD, "--amount", "1", "--partner", "P", "--as", "manager"],
    ["opportunity", "create", "--title", "T", "--amount", "1", "--partner", BAD, "--as", "manager"],
    ["opportunity", "create", "--title", LONG, "--amount", "1", "--partner", "P", "--as", "manager"],
    ["opportunity", "create", "--title", "T", "--amount", "nan", "--partner", "P", "--as", "manager"],
    ["opportunity", "create", "--title", "T", "--amount", "1e400", "--partner", "P", "--as", "manager"],
    ["opportunity", "create", "--title", "T", "--amount", "\u0661\u0662", "--partner", "P", "--as", "manager"],
    ["opportunity", "create", "--title", "T", "--amount", "1", "--partner", "P", "--as", BAD],
    ["opportunity", "show", BAD],
    ["opportunity", "show", "99999999999"],
    ["opportunity", "lose", "1", "--reason", BAD, "--as", "manager"],
    ["opportunity", "lose", "1", "--reason", LONG, "--as", "manager"],
    ["opportunity", "lose", "1", "--reason", "price", "--stage", BAD, "--as", "manager"],
    ["opportunity", "probability", "1", "\u0664\u0665", "--as", "manager"],
    ["opportunity", "probability", "1", "40", "--reason", BAD, "--as", "manager"],
    ["opportunity", "answer", "1", BAD, f"budget={BAD}", "--as", "manager"],
    ["opportunity", "reassign", "1", "--to", BAD, "--as", "manager"],
    ["task", "complete", BAD, "--as", "manager"],
    ["task", "complete", "x", f"{BAD}=1", "--as", "manager"],
    ["task", "complete", "x", "--data", '{"a": "\\u0000"}', "--as", "manager"],
    ["task", "reassign", BAD, "--to", "manager", "--as", "manager"],
    ["task", "list", "--user", BAD],
    ["segment", "swap", BAD, "small-deal", "--as", "manager"],
    ["segment", "swap", "horeca", BAD, "--map", f"{BAD}=x", "--as", "manager"],
    ["team", "create", BAD, "--manager", "manager"],
    ["team", "create", "t", "--manager", BAD],
    ["user", "create", BAD, "--role", "rep"],
    ["user", "create", "u" * 300, "--role", "rep"],
    ["user", "create", "ok", "--role", BAD],
    ["token", "create", BAD],
    ["validate", BAD],
    ["deploy", BAD],
    [BAD],
]


# The command line leaves its engine's connections for the process's exit to close; run in
# this process, PostgreSQL's are closed by the garbage collector at the end of each test.
pytestmark = [pytest.mark.filterwarnings("ignore::ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]


@pytest.fixture
def database(db_url, tmp_path, monkeypatch, run_cli):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DEALFLOW_DATABASE_URL", db_url)
    monkeypatch.setenv("DEALFLOW_NEW_PASSWORD", "a long password")
    for args in (["db", "upgrade"], ["user", "create", "manager", "--role", "manager"],
                 ["deploy", str(BASE_METHODOLOGY)]):
        assert run_cli(*args).exit_code == 0
    yield db_url
    gc.collect()  # the commands' engines, while this module's warning filters apply


def test_every_mistake_is_a_short_message_and_a_non_zero_exit_never_a_traceback(database):
    """In-process through click (an exception would fail the test): fast enough for every case."""
    runner = CliRunner()
    failures = []
    for args in CASES:
        result = runner.invoke(main, args, catch_exceptions=False)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        if result.exit_code == 0 or not lines or len(lines) > 3 or result.stdout:
            failures.append((args[:3], result.exit_code, result.stderr[-400:], result.stdout[-200:]))
    assert not failures, "\n".join(map(repr, failures))


def test_invalid_utf8_in_the_real_process_arguments_is_one_line(database, tmp_path):
    """As the shell hands it over: bytes that are not UTF-8, decoded by Python with surrogateescape."""
    dealflow = str(Path(sys.executable).parent / "dealflow")
    for args in ([b"opportunity", b"create", b"--title", b"a\xed\xa0\x80b", b"--amount", b"1", b"--partner",
                  b"P", b"--as", b"manager"],
                 [b"user", b"create", b"\xff" * 3, b"--role", b"rep"]):
        result = subprocess.run([dealflow, *args], cwd=tmp_path, capture_output=True, timeout=120,
                                env={**os.environ, "DEALFLOW_DATABASE_URL": database})
        stderr = result.stderr.decode("utf-8", "replace")
        assert result.returncode == 1 and result.stdout == b"", stderr
        assert len(stderr.splitlines()) == 1 and "broken character" in stderr, stderr
