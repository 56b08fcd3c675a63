"""The one unit of work: every use case's session, transaction, retry and error mapping.

A write use case hands a function of the session to ``run``::

    def work(session):
        deal = opportunities.lock(session, deal_id)   # lock first, then re-check
        ...
        return something
    result = unit_of_work.run(ctx, work)

``run`` opens a session and a transaction, calls ``work``, and commits. When the
commit (or any flush) meets an optimistic-lock conflict — another transaction
moved the deal's version counter first (SQLAlchemy's ``StaleDataError``, or a bulk
write's ``RowsChangedError`` from the store), or
PostgreSQL gave up on a serialization failure or a deadlock, or SQLite's writer
lock was taken under a reader's snapshot — the transaction is rolled back and the
whole function runs again, on what is stored now, after a short randomized wait
that doubles each time (viewflow's ``workflow/lock.py``: lock, retry with backoff,
then fail clearly). After ``Retry.attempts`` tries it is a ``ConflictError`` that
says to reload and try again.

Database errors become Dealflow's error tree here and nowhere else:

    StaleDataError, serialization failure,
    deadlock, SQLite "database is locked"   retried, then ConflictError
    IntegrityError                          ConflictError (someone made the same
                                            change at the same time, e.g. completed
                                            the same task)
    any other OperationalError              DatabaseError (unreachable, ...)

Use cases never catch ``StaleDataError`` themselves. A DealflowError raised by the
work (a refusal) rolls back and goes to the caller unchanged, never retried.

Reads use ``read`` (one session, a consistent view on PostgreSQL's snapshot within
its statements) or ``quick_read`` (autocommit: no BEGIN/ROLLBACK round trips, each
statement sees the latest commit), or ``quick_connection`` (the same without the ORM
session, for one plain-row statement run on every request) — all map errors the same way.

Inside ``run``, ``read`` and ``quick_read`` the expressions' ``today()`` and ``now()``
read the engine's clock (``engine.runtime.clock.frozen_now``), not the wall clock: a
form's hide condition, a routing condition or a script is judged on the day the
use case runs on — a FakeClock's in tests, ``DEALFLOW_NOW``'s in a replay. ``today()``
is that moment's day in the company's time zone (``engine.runtime.clock.company_zone``;
the setting is read only if an expression asks), as every other "today" of the product
is (``engine.service.organisation.company_today``), and ``datetime(date)`` is that
day's midnight there; ``now()`` stays the UTC instant.
"""

from __future__ import annotations

import random
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterator, TypeVar

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine.errors import ConflictError, DatabaseError
from engine.service import stage_totals
from engine.rules import time_zones
from engine.runtime.clock import company_zone, frozen_now
from engine.store import deal_totals, pipeline, settings
from engine.store.db import RowsChangedError

if TYPE_CHECKING:
    from engine.service.context import ServiceContext

T = TypeVar("T")

CHANGED = "someone else changed this opportunity at the same time; reload it and try again"
DUPLICATE = "someone else made the same change at the same time; reload it and try again"

# PostgreSQL SQLSTATEs that mean "run the transaction again": serialization_failure, deadlock_detected.
_RETRY_SQLSTATES = frozenset({"40001", "40P01"})


@dataclass(frozen=True)
class Retry:
    """How often and how patiently a conflicting unit of work runs again.

    Try ``attempts`` times in all; before try n+1 wait a random time between half
    and all of ``min(cap, base * 2**(n-1))`` seconds (exponential backoff with
    jitter, so two workers that collided do not collide again in step). ``sleep``
    is the wait itself: tests pass one that only records."""

    attempts: int = 5
    base: float = 0.005
    cap: float = 0.2
    sleep: Callable[[float], None] = time.sleep
    random: Callable[[], float] = field(default=random.random)

    def __post_init__(self):
        if self.attempts < 1:
            raise ValueError("a unit of work is tried at least once")

    def delay(self, attempt: int) -> float:
        """The wait after failed try number ``attempt`` (1-based)."""
        ceiling = min(self.cap, self.base * 2 ** (attempt - 1))
        return ceiling * (0.5 + self.random() / 2)


def is_conflict(err: BaseException) -> bool:
    """Whether ``err`` means another transaction got there first, so running the
    same work again on what is stored now may well succeed."""
    if isinstance(err, (StaleDataError, RowsChangedError)):
        return True
    if isinstance(err, OperationalError):
        sqlstate = getattr(err.orig, "sqlstate", None)
        if sqlstate in _RETRY_SQLSTATES:
            return True
        return "database is locked" in str(err.orig)  # SQLite: a writer came first
    return False


def run(ctx: ServiceContext, work: Callable[[Session], T], *, attempts: int | None = None,
        changed: str = CHANGED, duplicate: str = DUPLICATE,
        on_conflict: Callable[[], T] | None = None) -> T:
    """Run ``work(session)`` in one transaction and commit; on a conflict, roll back
    and run it again (at most ``attempts`` times in all, ``ctx.retry``'s by default),
    waiting longer each time. Then: ``on_conflict()`` if given (a sweep that skips
    what others hold), else ConflictError(``changed``). An IntegrityError is
    ConflictError(``duplicate``) at once."""
    retry = ctx.retry
    tries = attempts if attempts is not None else retry.attempts
    for attempt in range(1, tries + 1):
        committing = False
        try:
            with _mapped(duplicate), frozen_now(ctx.now()), ctx.sessions() as session, session.begin(), \
                    company_zone(_zone_of(session)):
                deal_totals.watch(session)  # the deals it writes: their parts in the kept report totals
                result = work(session)
                for hook in ctx.after_work:  # messages the use case's steps left to deliver
                    hook(ctx, session)
                # The rows nobody reads back (events, history, inbox rows, kept parts and
                # sums) ride with the next statement that needs an answer (PostgreSQL).
                with pipeline.pipelined(session):
                    deal_totals.replace_marked(session)
                    # the pipeline analysis's kept stage figures of the deals the use case moved
                    stage_totals.replace_marked(ctx.catalog, session)
                committing = True
                return result
        except (StaleDataError, RowsChangedError, OperationalError) as err:
            if _lost_before_commit(err, committing) and attempt < tries:
                continue  # the pool reconnects: nothing of it was committed, so running it again is safe
            if not is_conflict(err):
                raise DatabaseError(f"the database failed: {err.orig if isinstance(err, DBAPIError) else err}") \
                    from err
            if attempt < tries:
                retry.sleep(retry.delay(attempt))
    if on_conflict is not None:
        return on_conflict()
    raise ConflictError(changed)


def _lost_before_commit(err: BaseException, committing: bool) -> bool:
    """Whether the connection died (the server restarted, an administrator ended the
    backend) before COMMIT was sent. The pool no longer pings every connection it
    hands out (engine.store.db), so this is where a dead one is met; a connection lost
    during COMMIT is not retried — the commit may have happened."""
    return not committing and isinstance(err, DBAPIError) and err.connection_invalidated


def _zone_of(session: Session) -> Callable[[], str]:
    """The company's time zone as the expressions' today() and datetime(date) ask for
    it: read from the use case's session only when an expression first calls one of
    them (most steps never do, and pay no statement), without flushing what the
    session holds mid-step."""
    def zone() -> str:
        with session.no_autoflush:
            return settings.get(session, settings.TIME_ZONE) or time_zones.DEFAULT
    return zone


@contextmanager
def read(ctx: ServiceContext) -> Iterator[Session]:
    """A session for a use case that only reads (nothing it does is committed)."""
    with _mapped(DUPLICATE), _unreachable(), frozen_now(ctx.now()), ctx.sessions() as session, \
            company_zone(_zone_of(session)):
        yield session


@contextmanager
def quick_read(ctx: ServiceContext) -> Iterator[Session]:
    """A read session in autocommit mode: no BEGIN and ROLLBACK round trips; each
    statement sees the latest committed data (fine for a list or a page)."""
    with _mapped(DUPLICATE), _unreachable(), frozen_now(ctx.now()), ctx.reads() as session, \
            company_zone(_zone_of(session)):
        yield session


@contextmanager
def quick_connection(ctx: ServiceContext) -> Iterator[Connection]:
    """``quick_read``'s autocommit connection without an ORM session around it, for a
    statement of plain rows on every request (the API's token check): the session's
    setup and ORM execution path cost about as much as the statement's own client
    CPU (0.6 -> 0.3 ms a check in process, PostgreSQL)."""
    with _mapped(DUPLICATE), _unreachable(), ctx.reads.kw["bind"].connect() as connection:
        yield connection


@contextmanager
def _mapped(duplicate: str) -> Iterator[None]:
    try:
        yield
    except IntegrityError:
        raise ConflictError(duplicate) from None


@contextmanager
def _unreachable() -> Iterator[None]:
    try:
        yield
    except OperationalError as err:
        raise DatabaseError(f"the database failed: {err.orig}") from err


@contextmanager
def savepoint(session: Session) -> Iterator[None]:
    """A SAVEPOINT inside the unit of work: if the block fails, what it wrote is undone
    and the rest of the transaction goes on; a row the database refuses there
    (IntegrityError) is a ConflictError(DUPLICATE), as it is for a whole unit of work."""
    try:
        with session.begin_nested():
            yield
    except IntegrityError:
        raise ConflictError(DUPLICATE) from None
