"""bench/rearm_timers.py at a tiny size: the cloned deals agree with their workflows
(the bench refuses otherwise) and its last line gives the repair's figures (on SQLite,
and on PostgreSQL when DEALFLOW_TEST_POSTGRES_URL is set, as in CI)."""

from __future__ import annotations

import re

import pytest

from tests.bench import run_bench
from tests.conftest import DATABASES

LAST_LINE = re.compile(r"default_ratio=(\d+\.\d\d) all_ms_per_deal=(\d+\.\d{3}) deals=(\d+)")


@pytest.mark.parametrize("database", DATABASES)
def test_rearm_bench_reads_every_deal_and_finds_nothing_to_change(database):
    out = run_bench("rearm_timers.py", "--deals", "12", "--rounds", "1", database=database)
    found = LAST_LINE.fullmatch(out.strip().splitlines()[-1])
    assert found, out
    # The 12 clones and the deal walked to make them (won at the walk's end: read too, as a
    # won deal's other branches may still wait for timers), less any a step of the walk lost.
    assert 0 < int(found[3]) <= 13, out
