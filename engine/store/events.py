"""The events of an opportunity's timeline.

``record_event`` only notes the row in the session; the noted rows are written with
one Core INSERT (executemany, no RETURNING: nothing reads an event's id back, and the
ORM's per-object bookkeeping cost more than the statement) when the session next
reads through the ORM — so a use case that reads the deal's events, its view, after
recording one sees it — or just before it commits, whichever comes first. In the
order recorded, so the ids keep the timeline's order."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import event, insert
from sqlalchemy.orm import Session

from engine.store.models import Event, Opportunity

PENDING = "dealflow.events.pending"  # session.info: [(opportunity, the row's other columns)]
_INSERT = insert(Event.__table__)


def record_event(session: Session, opportunity: Opportunity, kind: str, actor_id: int | None,
                 now: datetime, **data) -> None:
    # The deal itself, not its id: a deal opened in this transaction has one once flushed.
    session.info.setdefault(PENDING, []).append(
        (opportunity, {"kind": kind, "actor_id": actor_id, "at": now, "data": data}))


def write_pending(session: Session, *, may_flush: bool = True) -> None:
    """Write the events noted in ``session``; a deal still without an id is flushed
    first (or, with ``may_flush`` false, everything waits for a later write)."""
    pending = session.info.get(PENDING)
    if not pending:
        return
    if any(deal.id is None for deal, _ in pending):
        if not may_flush:
            return
        session.flush()
    rows = [{"opportunity_id": deal.id, **values} for deal, values in pending]
    pending.clear()
    session.connection().execute(_INSERT, rows)


@event.listens_for(Session, "do_orm_execute")
def _before_read(state) -> None:
    if state.is_select and state.session.info.get(PENDING):
        write_pending(state.session, may_flush=state.session.autoflush)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if session.info.get(PENDING):
        write_pending(session)
