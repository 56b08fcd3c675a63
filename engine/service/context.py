"""What every use case works with: the session factories, the clock, the catalog of
deployed methodologies and how conflicts are retried. One per ``Engine``; the use-case
modules are plain functions taking it as their first argument."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

from sqlalchemy.orm import Session, sessionmaker

from engine.service.catalog import Catalog
from engine.service.token_cache import TokenCache
from engine.service.unit_of_work import Retry


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class ServiceContext:
    """``sessions`` open read-write sessions (through ``unit_of_work.run``);
    ``reads`` autocommit ones for pages and lists (``unit_of_work.quick_read``)."""

    sessions: sessionmaker[Session]
    reads: sessionmaker[Session]
    catalog: Catalog
    clock: Callable[[], datetime] = utc_now
    retry: Retry = field(default_factory=Retry)
    # Run by unit_of_work.run after each use case's work, in its transaction (the
    # façade passes engine.service.messages.deliver_pending: messages its steps left).
    after_work: tuple[Callable[[ServiceContext, Session], None], ...] = ()
    # The API's checked tokens (PostgreSQL; None: every check reads the database in full).
    tokens: TokenCache | None = None

    def now(self) -> datetime:
        """The clock's time in UTC; the clock must give aware datetimes."""
        now = self.clock()
        if now.tzinfo is None:
            raise ValueError("the clock must give aware datetimes")
        return now.astimezone(timezone.utc)
