"""A fresh PostgreSQL schema for a benchmark, dropped afterwards."""

from __future__ import annotations

import os
import re
import signal
import threading
import uuid
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import create_engine, text


@contextmanager
def postgres_schema(bench: str, name: str | None = None, keep: bool = False) -> Iterator[tuple[str, object, str]]:
    """(database URL with the schema as search path, an admin engine, the schema's
    name) in DEALFLOW_BENCH_POSTGRES_URL, else DEALFLOW_TEST_POSTGRES_URL; the schema
    is dropped however the block ends (a SIGTERM — a CI timeout, ``kill`` — included,
    which Python would otherwise end without running ``finally``), unless ``keep``.
    With ``name``, that schema is used (created if missing) instead of a fresh one."""
    postgres = os.environ.get("DEALFLOW_BENCH_POSTGRES_URL") or os.environ.get("DEALFLOW_TEST_POSTGRES_URL")
    if not postgres:
        raise SystemExit(f"bench/{bench}: set DEALFLOW_BENCH_POSTGRES_URL (or DEALFLOW_TEST_POSTGRES_URL), "
                         "e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test, or pass --sqlite")
    postgres = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", postgres)
    schema = name or f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    restore = _exit_on_sigterm()
    try:
        separator = "&" if "?" in postgres else "?"
        yield f"{postgres}{separator}options=-csearch_path%3D{schema}", admin, schema
    finally:
        restore()
        if not keep:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _exit_on_sigterm():
    """Make SIGTERM raise SystemExit (so the ``finally`` above drops the schema);
    returns what puts the previous handler back. Signal handlers belong to the main
    thread: elsewhere this changes nothing."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def terminated(signum, frame):
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, terminated)
    return lambda: signal.signal(signal.SIGTERM, previous)
