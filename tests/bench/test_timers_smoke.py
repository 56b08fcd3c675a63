"""bench/timers.py at a tiny size: two real workers fire every due timer exactly once
and the bench says so in its last line (on SQLite, and on PostgreSQL when
DEALFLOW_TEST_POSTGRES_URL is set, as in CI)."""

from __future__ import annotations

import re

import pytest

from tests.bench import run_bench
from tests.conftest import DATABASES

LAST_LINE = re.compile(r"timers/s=(\d+\.\d) seconds=(\d+\.\d) fired_once=(\d+)/(\d+) workers=2")


@pytest.mark.parametrize("database", DATABASES)
def test_timers_bench_fires_each_timer_once(database):
    out = run_bench("timers.py", "--timers", "12", "--timeout", "240", database=database)
    found = LAST_LINE.fullmatch(out.strip().splitlines()[-1])
    assert found, out
    assert found[3] == found[4] == "12", out
