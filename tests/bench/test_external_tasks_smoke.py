"""bench/external_tasks.py at a tiny size: two worker processes of the packaged client
complete every external task exactly once through gunicorn, the floor completes as
many, and the bench says so in its last line (on SQLite, and on PostgreSQL when
DEALFLOW_TEST_POSTGRES_URL is set, as in CI)."""

from __future__ import annotations

import re

import pytest

from tests.bench import run_bench
from tests.conftest import DATABASES

LAST_LINE = re.compile(r"completions/s=(\d+\.\d) floor/s=(\d+\.\d) ratio=(\d+\.\d\d) "
                       r"completed_once=(\d+)/(\d+) workers=2")


@pytest.mark.parametrize("database", DATABASES)
def test_external_tasks_bench_completes_each_task_once(database):
    out = run_bench("external_tasks.py", "--tasks", "12", "--server-workers", "2", database=database)
    found = LAST_LINE.fullmatch(out.strip().splitlines()[-1])
    assert found, out
    assert found[4] == found[5] == "12", out
    assert float(found[1]) > 0 and float(found[2]) > 0
