"""The access epoch (``models.AccessEpoch``) read on every API request, on PostgreSQL.

A pooled checkout and a Core statement cost ≈ 0.3–0.5 ms of client CPU; this read
runs a statement prepared once on a connection of its own per process and thread,
through psycopg's libpq layer (≈ 0.02 ms). A connection made before a fork is never
used, nor closed, by the child (closing it would end the parent's session). A thread's
connection is closed when the thread ends: the development server (``dealflow serve``)
runs each request in a thread of its own, which would otherwise leave one PostgreSQL
connection open per request."""

from __future__ import annotations

import os
import threading
import weakref

import psycopg
from psycopg import pq
from sqlalchemy.engine import Engine

_NAME = b"dealflow_access_epoch"
_READ = b"SELECT epoch FROM access_epoch WHERE id = 1"


class _Held:
    """Beside a thread's connection in its thread-local, and held there only: when the
    thread ends, this goes, and its finalizer closes the connection."""

    __slots__ = ("__weakref__",)


class EpochReader:
    def __init__(self, engine: Engine):
        self._connect_args = engine.dialect.create_connect_args(engine.url)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: list[psycopg.Connection] = []  # this process's, for close()
        self._inherited: list[psycopg.Connection] = []  # a parent's: kept referenced, never closed here
        self._pid = os.getpid()

    def read(self) -> int | None:
        """The epoch now (a statement of its own: every commit before it is seen), or
        None when it cannot be read — the caller then checks in full, and the next read
        connects anew."""
        connection = self._connection()
        if connection is None:
            return None
        try:
            result = connection.pgconn.exec_prepared(_NAME, None)
        except psycopg.Error:
            result = None
        if result is None or result.status != pq.ExecStatus.TUPLES_OK or result.ntuples != 1:
            self._drop(connection)
            return None
        return int(result.get_value(0, 0))

    def _connection(self) -> psycopg.Connection | None:
        self._forget_parents()
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            return connection
        args, kwargs = self._connect_args
        try:
            connection = psycopg.connect(*args, **kwargs, autocommit=True)
            result = connection.pgconn.prepare(_NAME, _READ)
            if result.status != pq.ExecStatus.COMMAND_OK:
                connection.close()
                return None
        except psycopg.Error:
            return None
        with self._lock:
            self._open.append(connection)
        self._local.connection, self._local.held = connection, _Held()
        weakref.finalize(self._local.held, self._ended, connection, os.getpid())
        return connection

    def _ended(self, connection: psycopg.Connection, pid: int) -> None:
        """The thread that opened ``connection`` ended (or the reader was closed)."""
        if os.getpid() != pid:
            return  # a parent's, in a forked child: kept referenced, never closed here
        with self._lock:
            if connection not in self._open:
                return  # dropped or closed already
            self._open.remove(connection)
        connection.close()

    def _forget_parents(self) -> None:
        if os.getpid() == self._pid:
            return
        with self._lock:
            if os.getpid() != self._pid:
                self._inherited += self._open
                self._open = []
                self._local = threading.local()
                self._pid = os.getpid()

    def _drop(self, connection: psycopg.Connection) -> None:
        self._local.connection = self._local.held = None
        with self._lock:
            if connection in self._open:
                self._open.remove(connection)
        connection.close()

    def close(self) -> None:
        """Close this process's connections (an Engine's close)."""
        self._forget_parents()
        with self._lock:
            open_, self._open = self._open, []
        for connection in open_:
            connection.close()
        self._local = threading.local()
