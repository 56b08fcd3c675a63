"""bench/inbox.py at a tiny size: it still builds its database (INSERT ... SELECT on
PostgreSQL, Core inserts on SQLite), measures, and prints its last line; both
builds give rep1 the same inbox."""

from __future__ import annotations

import re

import pytest

from tests.bench import run_bench
from tests.conftest import DATABASES

LAST_LINE = re.compile(r"p95=(\d+\.\d\d) ms ratio=(\d+\.\d\d)")


@pytest.mark.parametrize("database", DATABASES)
def test_inbox_bench_builds_and_measures(database):
    out = run_bench("inbox.py", "--rows", "4000", "--requests", "3", database=database, timeout=400)
    lines = out.strip().splitlines()
    assert LAST_LINE.fullmatch(lines[-1]), lines[-1]
    inbox = re.search(r"rep1's inbox, (\d+) tasks \((\d+) theirs, (\d+) in their teams' queues\)", out)
    total, mine, queued = map(int, inbox.groups())
    assert (total, mine) == (mine + queued, 40)  # 200 deals a rep, one in five open with one READY task
