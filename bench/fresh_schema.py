"""A fresh PostgreSQL schema for a benchmark, dropped afterwards."""

from __future__ import annotations

import os
import re
import uuid
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import create_engine, text


@contextmanager
def postgres_schema(bench: str, name: str | None = None, keep: bool = False) -> Iterator[tuple[str, object, str]]:
    """(database URL with the schema as search path, an admin engine, the schema's
    name) in DEALFLOW_BENCH_POSTGRES_URL, else DEALFLOW_TEST_POSTGRES_URL; the schema
    is dropped however the block ends, unless ``keep``. With ``name``, that schema is
    used (created if missing) instead of a fresh one."""
    postgres = os.environ.get("DEALFLOW_BENCH_POSTGRES_URL") or os.environ.get("DEALFLOW_TEST_POSTGRES_URL")
    if not postgres:
        raise SystemExit(f"bench/{bench}: set DEALFLOW_BENCH_POSTGRES_URL (or DEALFLOW_TEST_POSTGRES_URL), "
                         "e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test, or pass --sqlite")
    postgres = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", postgres)
    schema = name or f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    try:
        separator = "&" if "?" in postgres else "?"
        yield f"{postgres}{separator}options=-csearch_path%3D{schema}", admin, schema
    finally:
        if not keep:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
