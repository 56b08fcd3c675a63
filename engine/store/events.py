"""The events of an opportunity's timeline (and its stage-history rows, noted alike).

``record_event`` only notes the row in the session; the noted rows are written with
one Core INSERT (executemany, no RETURNING: nothing reads an event's id back, and the
ORM's per-object bookkeeping cost more than the statement) when the session next
reads (or bulk-updates) through the ORM — so a use case that reads the deal's events, its view, after
recording one sees it — or just before it commits, whichever comes first. In the
order recorded, so the ids keep the timeline's order. ``note_row`` notes a row of
another append-only table of the deal the same way (``add_stage_change``'s history
row): one INSERT per table, each table's rows in the order noted.

Each INSERT is run ``inline()``: without it SQLAlchemy asks for a lone row's
generated id back (``RETURNING id`` on PostgreSQL, the cursor's ``lastrowid`` on
SQLite), and on PostgreSQL a statement with RETURNING cannot wait in the unit of
work's pipeline (engine.store.pipeline): a step's one history row and, when it
recorded one event, that event each cost a round trip of their own."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from engine.store.models import Event, Opportunity

PENDING = "dealflow.events.pending"  # session.info: [(INSERT, opportunity, the row's other columns)]
_INSERT = insert(Event.__table__)
_INLINE: dict[object, object] = {}  # a noted INSERT -> the same, inline() (asking for no id back)


def record_event(session: Session, opportunity: Opportunity, kind: str, actor_id: int | None,
                 now: datetime, **data) -> None:
    # The deal itself, not its id: a deal opened in this transaction has one once flushed.
    session.info.setdefault(PENDING, []).append(
        (_INSERT, opportunity, {"kind": kind, "actor_id": actor_id, "at": now, "data": data}))


def note_row(session: Session, statement, opportunity: Opportunity, values: dict) -> None:
    """Note a row for ``statement`` (a Core ``insert()`` of a table with an
    ``opportunity_id``, built once) to be written with the events: nothing may read
    its id back, nor change it, before it is written."""
    session.info.setdefault(PENDING, []).append((statement, opportunity, values))


def write_pending(session: Session, *, may_flush: bool = True) -> None:
    """Write the events noted in ``session``; a deal still without an id is flushed
    first (or, with ``may_flush`` false, everything waits for a later write).

    A deal's id is read from its identity, never by loading it: a deal expired by a
    savepoint's rollback would otherwise be loaded by a SELECT, whose read would come
    back here. The noted rows are taken out of the session before anything runs, for
    the same reason; what is noted meanwhile waits for the next write, after them."""
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    try:
        ids = [_id_of(deal) for _, deal, _ in pending]
        if None in ids:
            if not may_flush:
                session.info[PENDING] = pending + session.info.get(PENDING, [])
                return
            session.flush()
            ids = [_id_of(deal) for _, deal, _ in pending]
        tables: dict[object, list[dict]] = {}  # statement -> its rows, in the order noted
        for i, (statement, _, values) in zip(ids, pending):
            tables.setdefault(statement, []).append({"opportunity_id": i, **values})
        connection = session.connection()
        for statement, rows in tables.items():
            connection.execute(_inline(statement), rows)
    except BaseException:
        session.info[PENDING] = pending + session.info.get(PENDING, [])
        raise


def _inline(statement):
    """``statement.inline()``, built once per noted statement (each is built once)."""
    inline = _INLINE.get(statement)
    if inline is None:
        inline = _INLINE[statement] = statement.inline()
    return inline


def _id_of(deal: Opportunity) -> int | None:
    identity = inspect(deal).identity
    return identity[0] if identity else None


@event.listens_for(Session, "do_orm_execute")
def _before_read(state) -> None:
    # Before a bulk UPDATE or DELETE too: it may be meant for a noted row (a task's).
    if (state.is_select or state.is_update or state.is_delete) and state.session.info.get(PENDING):
        write_pending(state.session, may_flush=state.session.autoflush)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if session.info.get(PENDING):
        write_pending(session)
