"""The notifications' rows (engine.store.notification_models): written by the use
cases that cause them, listed per user, marked read, claimed for the mail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from engine.store.notification_models import Notification


def add(session: Session, user_id: int, kind: str, text: str, now: datetime, *, opportunity_id: int | None = None,
        task_id: str | None = None, partner_id: int | None = None) -> None:
    session.add(Notification(user_id=user_id, kind=kind, text=text[:1000], opportunity_id=opportunity_id,
                             task_id=task_id, partner_id=partner_id, created_at=now))


def of_user(session: Session, user_id: int, limit: int) -> list[Notification]:
    """The user's notifications, newest first."""
    return list(session.scalars(select(Notification).where(Notification.user_id == user_id)
                                .order_by(Notification.id.desc()).limit(limit)))


def unread_count(session: Session, user_id: int) -> int:
    return session.scalar(select(func.count(Notification.id))
                          .where(Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def mark_read(session: Session, user_id: int, notification_id: int, now: datetime) -> Notification | None:
    """The user's notification, marked read (None: no such notification of theirs)."""
    row = session.get(Notification, notification_id)
    if row is None or row.user_id != user_id:
        return None
    if row.read_at is None:
        row.read_at = now
    return row


def mark_all_read(session: Session, user_id: int, now: datetime) -> int:
    return session.execute(update(Notification).where(Notification.user_id == user_id,
                                                      Notification.read_at.is_(None))
                           .values(read_at=now)).rowcount


def unmailed(session: Session, limit: int) -> list[Notification]:
    return list(session.scalars(select(Notification).where(Notification.mailed_at.is_(None))
                                .order_by(Notification.id).limit(limit)))


def claim_mail(session: Session, notification_id: int, address: str, now: datetime) -> bool:
    """Claim the notification for the mail: False when another run has claimed it."""
    return session.execute(update(Notification).where(Notification.id == notification_id,
                                                      Notification.mailed_at.is_(None))
                           .values(mailed_at=now, mailed_to=address)).rowcount == 1


def unclaim_mail(session: Session, notification_id: int) -> None:
    session.execute(update(Notification).where(Notification.id == notification_id)
                    .values(mailed_at=None, mailed_to=None))
