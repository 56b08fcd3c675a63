"""A user's saved inbox filters (engine.store.inbox_filter_models): only ever read,
replaced or deleted through their owner's id."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine.store.inbox_filter_models import SavedInboxFilter
from engine.views.inbox import SavedFilterView

MAX_PER_USER = 50


def of_user(session: Session, user_id: int) -> tuple[SavedFilterView, ...]:
    rows = session.scalars(select(SavedInboxFilter).where(SavedInboxFilter.user_id == user_id)
                           .order_by(SavedInboxFilter.name, SavedInboxFilter.id))
    return tuple(SavedFilterView(row.id, row.name, row.query) for row in rows)


def count(session: Session, user_id: int) -> int:
    return len(session.scalars(select(SavedInboxFilter.id).where(SavedInboxFilter.user_id == user_id)).all())


def save(session: Session, user_id: int, name: str, query: str, now: datetime) -> SavedFilterView:
    """Add the filter, or give the user's filter of that name the new query."""
    row = session.scalar(select(SavedInboxFilter).where(SavedInboxFilter.user_id == user_id,
                                                        SavedInboxFilter.name == name))
    if row is None:
        row = SavedInboxFilter(user_id=user_id, name=name, query=query, created_at=now)
        session.add(row)
    else:
        row.query = query
    session.flush()
    return SavedFilterView(row.id, row.name, row.query)


def delete_owned(session: Session, filter_id: int, user_id: int) -> bool:
    """Delete the filter if it is ``user_id``'s; whether it was."""
    return session.execute(delete(SavedInboxFilter).where(
        SavedInboxFilter.id == filter_id, SavedInboxFilter.user_id == user_id)).rowcount == 1
