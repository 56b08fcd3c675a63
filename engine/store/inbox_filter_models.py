"""The inbox's saved filters (issue 15): a user's named inbox queries, as Camunda
Tasklist keeps them — the query string of the inbox's filters, nothing else."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.store.models import Base
from engine.store.types import UtcDateTime


class SavedInboxFilter(Base):
    """``user_id``'s filter ``name``: ``query`` is the inbox's query string
    (engine.rules.inbox_query.InboxQuery.as_query, url-encoded), shown only to them."""

    __tablename__ = "inbox_filters"
    __table_args__ = (UniqueConstraint("user_id", "name", name="uq_inbox_filters_user_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(100))
    query: Mapped[str] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
