"""Parts a process keeps from the transactions it committed, per database, so that a
deal's next step can move its part on without reading it (``engine.store.deal_totals``,
``engine.store.stage_totals``). A transaction stages what it wrote in its session's
``info`` (``staged``); the entries join the kept ones only once it commits. A
rollback — a SAVEPOINT's too (a timer's failed firing) — drops them, and the deals
noted for moving on in place (``noted``) go to those recomputed from what is stored
(``whole``): the savepoint may have taken some of their writes with it. Each user
checks that what it kept is still what is stored before trusting it."""

from __future__ import annotations

import threading
import weakref
from typing import Generic, Mapping, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session

Entry = TypeVar("Entry")


class KeptParts(Generic[Entry]):
    """deal id -> ``Entry`` per database (its SQLAlchemy engine), the newest
    ``limit`` deals of each (the oldest dropped first)."""

    def __init__(self, limit: int, *, staged: str, noted: str, whole: str):
        self.limit = limit
        self.staged, self.noted, self.whole = staged, noted, whole  # session.info keys (see the module)
        self._by_database: "weakref.WeakKeyDictionary[object, dict[int, Entry]]" = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()  # the web server's threads commit at once
        event.listen(Session, "after_soft_rollback", self._rolled_back)
        event.listen(Session, "after_commit", self._committed)

    def _rolled_back(self, session: Session, _previous) -> None:
        noted = session.info.pop(self.noted, None)
        if noted:
            session.info.setdefault(self.whole, set()).update(noted)
        session.info.pop(self.staged, None)

    def _committed(self, session: Session) -> None:
        staged = session.info.pop(self.staged, None)
        if staged:
            self.commit(session.get_bind(), staged)

    def of(self, database) -> Mapping[int, Entry]:
        """What is kept for ``database`` (read without the lock: one dict lookup)."""
        return self._by_database.get(database, {})

    def commit(self, database, staged: Mapping[int, Entry | None]) -> None:
        """Keep what a committed transaction staged (None: forget the deal)."""
        with self._lock:
            kept = self._by_database.setdefault(database, {})
            for deal_id, entry in staged.items():
                kept.pop(deal_id, None)  # re-inserted last: the oldest go first
                if entry is not None:
                    kept[deal_id] = entry
            while len(kept) > self.limit:
                del kept[next(iter(kept))]
