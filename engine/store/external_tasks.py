"""External tasks' rows: the ones a worker may fetch now (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, so two workers never get the same row; SQLite's one writer stands in), a
deal's open ones, incidents, and workers' tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.store.db import hold_sqlite_writes
from engine.store.external_task_models import ExternalTask, WorkerToken


def fetchable(session: Session, topic: str, now: datetime, limit: int) -> list[ExternalTask]:
    """Up to ``limit`` open tasks of ``topic`` nobody holds a live lock on, oldest first,
    row-locked for this transaction; rows another transaction is locking are skipped."""
    hold_sqlite_writes(session)
    return list(session.scalars(
        select(ExternalTask)
        .where(ExternalTask.status == "open", ExternalTask.topic == topic,
               or_(ExternalTask.lock_expires_at.is_(None), ExternalTask.lock_expires_at <= now),
               or_(ExternalTask.retry_at.is_(None), ExternalTask.retry_at <= now))
        .order_by(ExternalTask.created_at, ExternalTask.id)
        .limit(limit)
        .with_for_update(skip_locked=True)))


def task(session: Session, task_id: str) -> ExternalTask | None:
    return session.get(ExternalTask, task_id[:36]) if isinstance(task_id, str) else None


def reread(session: Session, row: ExternalTask) -> ExternalTask:
    """The row as stored now (after its deal's lock was taken)."""
    session.refresh(row)
    return row


def live_rows(session: Session, opportunity_id: int) -> list[ExternalTask]:
    """A deal's external tasks still waiting (open or an incident)."""
    return list(session.scalars(select(ExternalTask).where(
        ExternalTask.opportunity_id == opportunity_id, ExternalTask.status.in_(("open", "incident")))
        .order_by(ExternalTask.created_at, ExternalTask.id)))


def incidents(session: Session, opportunity_id: int | None = None) -> list[ExternalTask]:
    query = select(ExternalTask).where(ExternalTask.status == "incident")
    if opportunity_id is not None:
        query = query.where(ExternalTask.opportunity_id == opportunity_id)
    return list(session.scalars(query.order_by(ExternalTask.created_at, ExternalTask.id)))


def worker_by_token_hash(session: Session, token_hash: str) -> WorkerToken | None:
    return session.scalar(select(WorkerToken).where(WorkerToken.token_hash == token_hash,
                                                    WorkerToken.revoked_at.is_(None)))


def worker_tokens(session: Session) -> list[WorkerToken]:
    """Every worker token, oldest first."""
    return list(session.scalars(select(WorkerToken).order_by(WorkerToken.id)))
