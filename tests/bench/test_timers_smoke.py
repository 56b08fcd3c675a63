"""bench/timers.py at a tiny size: two real workers fire every due timer exactly once
and the bench says so in its last line (on SQLite, and on PostgreSQL when
DEALFLOW_TEST_POSTGRES_URL is set, as in CI)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATABASES

REPO = Path(__file__).resolve().parents[2]
LAST_LINE = re.compile(r"timers/s=(\d+\.\d) seconds=(\d+\.\d) fired_once=(\d+)/(\d+) workers=2")


@pytest.mark.parametrize("database", DATABASES)
def test_timers_bench_fires_each_timer_once(database):
    env = {k: v for k, v in os.environ.items() if k != "DEALFLOW_BENCH_POSTGRES_URL"}
    command = [sys.executable, str(REPO / "bench" / "timers.py"), "--timers", "12", "--timeout", "240"]
    result = subprocess.run(command + (["--sqlite"] if database == "sqlite" else []), env=env,
                            capture_output=True, text=True, timeout=400)
    assert result.returncode == 0, result.stdout + result.stderr
    found = LAST_LINE.fullmatch(result.stdout.strip().splitlines()[-1])
    assert found, result.stdout
    assert found[3] == found[4] == "12", result.stdout
