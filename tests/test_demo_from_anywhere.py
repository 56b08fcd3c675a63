"""The demo works from any folder: the installed ``dealflow`` command, run from an empty
folder (no ./methodologies), deploys the example methodologies that ship inside the
package and says so in one line; a methodologies folder that is not there is one line
too. Nothing is installed here: the test runs the command of the environment it runs in."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from engine.demo import packaged_examples

DEALFLOW = Path(sys.executable).parent / "dealflow"
PACKAGED_LINE = f"methodologies: {packaged_examples()} (the packaged examples; --methodologies PATH deploys your own)"


@pytest.fixture
def empty_folder(tmp_path, monkeypatch):
    """An empty working folder, and the settings a user who just installed Dealflow has."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DEALFLOW_DATABASE_URL", raising=False)
    monkeypatch.delenv("DEALFLOW_SECRET_KEY", raising=False)
    return tmp_path


def dealflow(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(DEALFLOW), *args], cwd=cwd, env=os.environ.copy(), capture_output=True, text=True,
                          timeout=300)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_dealflow_demo_from_an_empty_folder_deploys_the_packaged_examples_and_says_so(empty_folder):
    result = dealflow("demo", cwd=empty_folder)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == PACKAGED_LINE
    assert "deployed seed002-funnel 1.0" in result.stdout
    assert result.stdout.count("WON:") == 3 and result.stdout.count("LOST:") == 2
    assert (empty_folder / "dealflow.db").exists()


def test_dealflow_serve_demo_from_an_empty_folder_serves_the_packaged_examples(empty_folder):
    port = free_port()
    server = subprocess.Popen([str(DEALFLOW), "serve", "--demo", "--port", str(port)], cwd=empty_folder,
                              env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 240  # seeding a year of about 200 deals takes a while
        while True:
            assert server.poll() is None, f"dealflow serve --demo stopped:\n{server.stdout.read()}"
            assert time.monotonic() < deadline, "dealflow serve --demo did not listen within 240 s"
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.5)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=10) as response:
            assert response.status == 200
            assert 'name="password"' in response.read().decode("utf-8")
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    lines = output.splitlines()
    assert lines[0] == PACKAGED_LINE
    assert lines[1].startswith("demo: 200 new deal(s); log in as rep1")


def test_a_methodologies_folder_in_the_current_folder_is_used_and_named(shipped_copy, run_cli, monkeypatch):
    monkeypatch.delenv("DEALFLOW_DATABASE_URL", raising=False)
    result = run_cli("demo")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "methodologies: methodologies (found in the current folder)"


def test_a_folder_given_with_methodologies_is_used_and_named(empty_folder, run_cli):
    result = run_cli("demo", "--methodologies", str(packaged_examples()))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == f"methodologies: {packaged_examples()} (--methodologies)"


@pytest.mark.parametrize("args", [
    ["demo", "--methodologies", "nowhere"],
    ["demo", "nowhere"],
    ["serve", "--demo", "--methodologies", "nowhere"],
    ["deploy", "nowhere"],
])
def test_a_missing_methodologies_folder_is_one_line(empty_folder, run_cli, args):
    result = run_cli(*args)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "error: no methodologies folder at nowhere\n"


def test_the_methodologies_folder_is_given_once(empty_folder, run_cli):
    result = run_cli("demo", "here", "--methodologies", "there")
    assert result.exit_code == 2 and "as PATH or with --methodologies" in result.output
