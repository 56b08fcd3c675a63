"""The notifications' table (issue 15): one row per thing a user is told about — a
task handed to them, a deal handed over to them, a swap that moved their deals — written
in the transaction of the use case that causes it; read in the app, and mailed by the
worker once (``mailed_at`` is claimed and committed before the mail goes out)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.store.models import Base
from engine.store.types import UtcDateTime


class Notification(Base):
    """What ``user_id`` is told: ``kind`` (task_assigned, deal_handed_over,
    partner_handed_over, deals_swapped, task_overdue), a sentence, and what it links to."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user", "user_id", "read_at", "id"),
        Index("ix_notifications_unmailed", "mailed_at", "id"),
        UniqueConstraint("user_id", "cause", name="uq_notifications_cause"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(String(1000))
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunities.id"))
    task_id: Mapped[str | None] = mapped_column(String(36))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    mailed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # claimed for the mail (or sent)
    mailed_to: Mapped[str | None] = mapped_column(String(320))
    cause: Mapped[str | None] = mapped_column(String(250))  # told once per user and cause (an overdue action)
