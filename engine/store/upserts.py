"""``INSERT ... ON CONFLICT DO UPDATE`` for the two databases Dealflow runs on, each
statement built once per dialect and reused (building a statement costs more Python
than running a cached one)."""

from __future__ import annotations

from typing import Sequence

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

_BUILT: dict[tuple, object] = {}
_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def upsert(session: Session, table: Table, keys: Sequence[str], *, add: Sequence[str] = ()):
    """Rows of ``table``; on a clash of ``keys``: the columns of ``add`` increased by the
    new values, or, without ``add``, every other column set to the new values."""
    dialect = session.get_bind().dialect.name
    cache_key = (dialect, table.name, tuple(keys), tuple(add))
    statement = _BUILT.get(cache_key)
    if statement is None:
        insert = _INSERT[dialect](table)
        changes = ({name: table.c[name] + insert.excluded[name] for name in add} if add else
                   {c.name: insert.excluded[c.name] for c in table.c if c.name not in keys})
        statement = _BUILT[cache_key] = insert.on_conflict_do_update(
            index_elements=[table.c[k] for k in keys], set_=changes)
    return statement
