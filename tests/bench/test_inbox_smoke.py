"""bench/inbox.py at a tiny size: it still builds its database (INSERT ... SELECT on
PostgreSQL, Core inserts on SQLite), measures, and prints its last line; both
builds give rep1 the same inbox."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATABASES

REPO = Path(__file__).resolve().parents[2]
LAST_LINE = re.compile(r"p95=(\d+\.\d\d) ms ratio=(\d+\.\d\d)")


@pytest.mark.parametrize("database", DATABASES)
def test_inbox_bench_builds_and_measures(database):
    env = {k: v for k, v in os.environ.items() if k != "DEALFLOW_BENCH_POSTGRES_URL"}
    command = [sys.executable, str(REPO / "bench" / "inbox.py"), "--rows", "4000", "--requests", "3"]
    result = subprocess.run(command + (["--sqlite"] if database == "sqlite" else []), env=env,
                            capture_output=True, text=True, timeout=400)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    assert LAST_LINE.fullmatch(lines[-1]), lines[-1]
    inbox = re.search(r"rep1's inbox, (\d+) tasks \((\d+) theirs, (\d+) in their teams' queues\)", result.stdout)
    total, mine, queued = map(int, inbox.groups())
    assert (total, mine) == (mine + queued, 40)  # 200 deals a rep, one in five open with one READY task
