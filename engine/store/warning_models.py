"""The early warnings' table (M18): one row per deal and cause, however many sweeps
find it. The unique (opportunity, cause) pair is what keeps two sweeps running at
once from raising the same warning twice: the second insert finds the first's row."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.store.models import Base
from engine.store.types import UtcDateTime


class DealWarning(Base):
    """A warning about an open deal (engine.rules.warnings): its rule, the cause key
    that makes it fire once, what is wrong and what to do; acknowledged by someone,
    and cleared (``cleared_at``) when a sweep no longer finds its cause."""

    __tablename__ = "deal_warnings"
    __table_args__ = (
        UniqueConstraint("opportunity_id", "cause", name="uq_deal_warnings_cause"),
        Index("ix_deal_warnings_open", "cleared_at", "fired_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id"), index=True)
    rule: Mapped[str] = mapped_column(String(40))
    cause: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    advice: Mapped[str] = mapped_column(Text)
    fired_at: Mapped[datetime] = mapped_column(UtcDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cleared_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class WarningDigest(Base):
    """A user's daily digest of warnings: sent by e-mail when SMTP is configured,
    else kept here for the app to show. One per user and day."""

    __tablename__ = "warning_digests"
    __table_args__ = (UniqueConstraint("user_id", "day", name="uq_warning_digests_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    day: Mapped[str] = mapped_column(String(10))  # YYYY-MM-DD, UTC
    text: Mapped[str] = mapped_column(Text)
    warning_ids: Mapped[list] = mapped_column(JSON, default=list)
    sent_to: Mapped[str | None] = mapped_column(String(300))  # the address; None: in the app only
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
