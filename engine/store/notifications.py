"""The notifications' rows (engine.store.notification_models): written by the use
cases that cause them, listed per user, marked read, claimed for the mail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.store.models import Opportunity
from engine.store.notification_models import Notification


def add(session: Session, user_id: int, kind: str, text: str, now: datetime, *, opportunity_id: int | None = None,
        task_id: str | None = None, partner_id: int | None = None) -> None:
    session.add(Notification(user_id=user_id, kind=kind, text=text[:1000], opportunity_id=opportunity_id,
                             task_id=task_id, partner_id=partner_id, created_at=now))


IN_CHUNK = 1000


def add_once(session: Session, rows: list[dict], now: datetime) -> None:
    """Insert each row (user_id, kind, text, opportunity_id, cause) unless its user has
    been told that cause already: two sweeps at once tell them once (the unique pair;
    PostgreSQL waits for the other transaction, then skips)."""
    if not rows:
        return
    table = Notification.__table__
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).on_conflict_do_nothing(index_elements=[table.c.user_id, table.c.cause])
    session.execute(statement, [dict(row, text=row["text"][:1000], created_at=now) for row in rows])


def tell_owners_once(session: Session, kind: str, items: list[tuple[int, str, str]], now: datetime) -> None:
    """For each (deal id, cause, message): tell the deal's owner "TITLE: message",
    once per cause (``add_once``)."""
    if not items:
        return
    ids = sorted({deal_id for deal_id, _, _ in items})
    deals = {}
    for start in range(0, len(ids), IN_CHUNK):  # a first sweep finds tens of thousands: SQLite caps bound variables
        deals.update((row.id, row) for row in session.execute(
            select(Opportunity.id, Opportunity.owner_id, Opportunity.title)
            .where(Opportunity.id.in_(ids[start:start + IN_CHUNK]))))
    add_once(session, [dict(user_id=deals[deal_id].owner_id, kind=kind, opportunity_id=deal_id, cause=cause,
                            text=f"{deals[deal_id].title}: {message}")
                       for deal_id, cause, message in items if deal_id in deals], now)


def of_user(session: Session, user_id: int, limit: int, before: int | None = None) -> list[Notification]:
    """The user's notifications, newest first; only those older than id ``before``."""
    q = select(Notification).where(Notification.user_id == user_id)
    if before is not None:
        q = q.where(Notification.id < before)
    return list(session.scalars(q.order_by(Notification.id.desc()).limit(limit)))


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
