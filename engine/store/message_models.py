"""Messages' tables (docs/integration.md): one row per message catch a deal's process
waits at (kept in step with the workflow after every step, so a sender finds the deals
waiting for a message without loading any workflow), and the messages a sender asked
to keep for a while because nothing waited for them yet."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.store.models import Base
from engine.store.types import UtcDateTime


class MessageWait(Base):
    """A receive task, message catch event, message boundary event or event
    subprocess's message start a deal's token waits at now."""

    __tablename__ = "message_waits"
    __table_args__ = (Index("ix_message_waits_message", "message", "opportunity_id"),
                      Index("ix_message_waits_key", "message", "correlation_key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id"), index=True)
    message: Mapped[str] = mapped_column(String(200))
    node_id: Mapped[str] = mapped_column(String(200))
    task_id: Mapped[str] = mapped_column(String(36))  # "" for an event subprocess's start
    variables: Mapped[dict] = mapped_column(JSON, default=dict)  # the data when it began to wait
    correlation_key: Mapped[str | None] = mapped_column(String(200))  # Camunda 8's, evaluated then
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class BufferedMessage(Base):
    """A message sent while nothing waited for it, kept until ``expires_at``: the first
    deal that starts waiting for it and matches its correlation takes it."""

    __tablename__ = "buffered_messages"
    __table_args__ = (Index("ix_buffered_messages_message", "message", "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message: Mapped[str] = mapped_column(String(200))
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunities.id"))  # correlation: the deal
    business_key: Mapped[str | None] = mapped_column(String(200))  # or its business key
    variable_name: Mapped[str | None] = mapped_column(String(200))  # or one of its variables
    variable_value: Mapped[object | None] = mapped_column(JSON)
    correlation_key: Mapped[str | None] = mapped_column(String(200))  # or Camunda 8's correlation key
    variables: Mapped[dict] = mapped_column(JSON, default=dict)  # what the message brings
    sent_by: Mapped[str] = mapped_column(String(120))  # "user NAME" or "worker NAME"
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    delivered_to: Mapped[int | None] = mapped_column(ForeignKey("opportunities.id"))
