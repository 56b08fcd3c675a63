"""bench/load.py at a tiny size: it still runs, prints its last line, counts no
error, and leaves no gunicorn process behind (on SQLite, and on PostgreSQL when
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
LAST_LINE = re.compile(r"completions/s=(\d+\.\d) inbox_p95=(\d+\.\d) ms errors=(\d+) cpu_ms_per_completion=(\d+\.\d)")


def group_alive(group: int) -> list[int]:
    alive = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                data = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = data[data.rindex(")") + 2:].split()
            if int(fields[2]) == group and fields[0] != "Z":
                alive.append(int(entry))
    return alive


@pytest.mark.parametrize("database", DATABASES)
def test_load_bench_runs_without_errors_and_leaves_no_gunicorn(database):
    env = {k: v for k, v in os.environ.items() if k != "DEALFLOW_BENCH_POSTGRES_URL"}
    command = [sys.executable, str(REPO / "bench" / "load.py"), "--deals", "20", "--reps", "2", "--workers", "2",
               "--seconds", "2", "--warmup", "0.5"] + (["--sqlite"] if database == "sqlite" else [])
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    found = LAST_LINE.fullmatch(lines[-1])
    assert found, lines[-1]
    assert float(found[1]) > 0 and found[3] == "0", result.stdout
    gunicorn = int(re.search(r"gunicorn: pid (\d+)", result.stdout)[1])
    assert group_alive(gunicorn) == []
