"""External tasks' tables: one row per external task a deal's process waits on (a
worker fetches it, locks it for a while, completes it or reports a failure), and the
workers' API tokens, each scoped to the topics it may fetch (docs/integration.md)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.store.models import Base
from engine.store.types import UtcDateTime


class ExternalTask(Base):
    """A READY external task of a deal's workflow (id = the workflow's task id).

    status: ``open`` (fetchable when unlocked or its lock expired, and its retry time
    passed), ``incident`` (retries ran out, or a BPMN error nothing catches: a designer
    or admin retries it), ``completed`` or ``cancelled`` (a boundary event took the token)."""

    __tablename__ = "external_tasks"
    __table_args__ = (Index("ix_external_tasks_fetch", "status", "topic", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id"), index=True)
    node_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300))
    topic: Mapped[str | None] = mapped_column(String(100))  # None: the routing maps no topic (an incident)
    status: Mapped[str] = mapped_column(String(12), default="open")
    variables: Mapped[dict] = mapped_column(JSON, default=dict)  # the task data when it became ready
    retries: Mapped[int] = mapped_column(default=3)
    worker_id: Mapped[str | None] = mapped_column(String(200))  # the lock's owner
    lock_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    retry_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # not fetched before (a failure's retryTimeout)
    error_message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class WorkerToken(Base):
    """A worker's API token (only its SHA-256 kept): it may fetch and work the tasks of
    its topics and call nothing else."""

    __tablename__ = "worker_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    topics: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
