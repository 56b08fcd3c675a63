"""bench/fresh_schema.py drops its schema when the bench is stopped by SIGTERM (a CI
timeout, ``kill``), not only when it ends by itself. PostgreSQL only: the schema is
a PostgreSQL one (CI sets DEALFLOW_TEST_POSTGRES_URL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from sqlalchemy import create_engine, text

from tests.bench import REPO
from tests.conftest import DATABASES, POSTGRES_URL

# Enters the schema, says its name, then waits on standard input, which stays open.
HOLDER = """
import sys
sys.path.insert(0, "bench")
from fresh_schema import postgres_schema
with postgres_schema("test") as (url, admin, schema):
    print(schema, flush=True)
    sys.stdin.readline()
"""


def schema_exists(name: str) -> bool:
    admin = create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with admin.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM information_schema.schemata WHERE schema_name = :n"),
                                      {"n": name}).scalar_one() == 1
    finally:
        admin.dispose()


@pytest.mark.parametrize("database", [d for d in DATABASES if d == "postgresql"])
def test_a_bench_stopped_by_sigterm_drops_its_schema(database):
    env = {**{k: v for k, v in os.environ.items() if k != "DEALFLOW_BENCH_POSTGRES_URL"},
           "DEALFLOW_TEST_POSTGRES_URL": POSTGRES_URL}
    with subprocess.Popen([sys.executable, "-c", HOLDER], cwd=REPO, env=env, text=True, stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as holder:  # closes its pipes
        try:
            schema = holder.stdout.readline().strip()
            assert schema.startswith("bench_"), holder.stderr.read()
            assert schema_exists(schema)
            holder.send_signal(signal.SIGTERM)
            assert holder.wait(timeout=60) == 128 + signal.SIGTERM
            assert not schema_exists(schema)
        finally:
            if holder.poll() is None:
                holder.kill()
