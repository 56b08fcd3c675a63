"""A fixed read run straight on psycopg's cursor (PostgreSQL), for the statements of
every request whose path through SQLAlchemy costs more client CPU than the round trip:
the inbox's counts and page. Per execution SQLAlchemy computes the statement's cache
key (a walk of the whole statement), sets up an execution context, reads the cursor's
description (psycopg builds a column object per column) and wraps each row; for the
page of 25 rows that was 0.41 ms of the 0.60 ms the statement cost a worker in process,
straight on the cursor 0.19 ms (PostgreSQL, bench/load.py's database, 2026-12-06).

What stays SQLAlchemy's: the SQL (the statement compiled once per dialect, as
``read_ahead`` does), the parameters (passed through the statement's own bind
processors: an aware datetime made UTC, an array), the values read back (through the
columns' result processors: a timestamp as an aware UTC datetime) and the rows'
attribute names. The engine's ``before_cursor_execute`` / ``after_cursor_execute``
listeners still see the statement (the benchmarks count statements with them; the
pipeline's and ``read_ahead``'s listeners do nothing without an execution context).
A driver error sends the statement again through SQLAlchemy, so its error — wrapped,
a lost connection invalidated — is the one raised. Anywhere else (SQLite, another
driver, a statement whose SQL depends on its values: an expanding IN) the statement
runs through SQLAlchemy as usual, and so does a statement with a column whose result
processor needs the type code only a cursor reports (a Float or Numeric on psycopg)."""

from __future__ import annotations

import weakref
from collections import namedtuple

from sqlalchemy.engine import Connection
from sqlalchemy.exc import InvalidRequestError

# False: every statement through SQLAlchemy — what the tests compare the answers with.
USE_DRIVER = True


class DriverRead:
    """``statement`` (a Core select of plain columns, built once), read as a list of
    named tuples — the same values and names as ``connection.execute(...).all()``."""

    def __init__(self, statement):
        self.statement = statement
        self._plans: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # dialect -> _Plan or None

    def rows(self, connection: Connection, params: dict) -> list:
        dialect = connection.dialect
        plan = self._plans.get(dialect, False)
        if plan is False:
            plan = self._plans[dialect] = _Plan.of(self.statement, dialect)
        if plan is None or not USE_DRIVER:
            return connection.execute(self.statement, params).all()
        cursor = connection.connection.driver_connection.cursor()
        try:
            sql, values = plan.sql, plan.values(params)
            listened = connection._has_events or connection.engine._has_events
            if listened:
                for listener in connection.dispatch.before_cursor_execute:
                    sql, values = listener(connection, cursor, sql, values, None, False)
            try:
                cursor.execute(sql, values)
                fetched = cursor.fetchall()
            except dialect.loaded_dbapi.Error:
                return connection.execute(self.statement, params).all()
            if listened:
                for listener in connection.dispatch.after_cursor_execute:
                    listener(connection, cursor, sql, values, None, False)
        finally:
            cursor.close()
        return plan.made(fetched)


class _Plan:
    """The statement as compiled for one dialect: its SQL, how its parameters and
    values are processed, the class of its rows."""

    def __init__(self, compiled, dialect):
        self.sql = compiled.string
        self._compiled = compiled
        self._binds = compiled._bind_processors  # bind name -> processor, as SQLAlchemy applies them
        columns = compiled._result_columns
        self._results = tuple((i, processor) for i, processor in (
            (i, column.type._cached_result_processor(dialect, None)) for i, column in enumerate(columns))
            if processor is not None)
        self._row = namedtuple("DriverRow", [column.keyname for column in columns], rename=True)

    @classmethod
    def of(cls, statement, dialect) -> "_Plan | None":
        if dialect.name != "postgresql" or dialect.driver != "psycopg":
            return None
        compiled = statement.compile(dialect=dialect)
        if compiled.positiontup is not None or compiled.escaped_bind_names or compiled.post_compile_params \
                or compiled.literal_execute_params:
            return None  # the SQL or its parameters' names depend on the values: SQLAlchemy's path
        try:
            return cls(compiled, dialect)
        except (TypeError, InvalidRequestError):
            # A column whose result processor depends on the type code the cursor reports
            # (psycopg's Float and Numeric ask for it, and refuse None): SQLAlchemy's path.
            return None

    def values(self, params: dict) -> dict:
        values = self._compiled.construct_params(params)
        binds = self._binds
        for key, value in values.items():
            if key in binds:
                values[key] = binds[key](value)
        return values

    def made(self, fetched: list) -> list:
        make, results = self._row._make, self._results
        if not results:
            return [make(raw) for raw in fetched]
        rows = []
        for raw in fetched:
            raw = list(raw)
            for i, processor in results:
                raw[i] = processor(raw[i])
            rows.append(make(raw))
        return rows
