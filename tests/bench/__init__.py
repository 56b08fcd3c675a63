"""Smoke tests of the benchmarks: each bench run at a tiny size as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_bench(script: str, *args: str, database: str, timeout: float = 600) -> str:
    """``bench/<script>`` run on ``database`` (a temporary SQLite file, or a fresh schema
    in DEALFLOW_TEST_POSTGRES_URL: the bench's own variable is cleared so that CI's
    database is the one used); its standard output, after asserting it exited 0."""
    env = {k: v for k, v in os.environ.items() if k != "DEALFLOW_BENCH_POSTGRES_URL"}
    command = [sys.executable, str(REPO / "bench" / script), *args] + (["--sqlite"] if database == "sqlite" else [])
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout
