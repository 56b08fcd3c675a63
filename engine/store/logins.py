"""Login throttling rows (one per account, one per client address, by a hashed key)
and each user's session generation (engine.service.logins says what they mean)."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from engine.store.models import LoginThrottle, User


def key(kind: str, name: str) -> str:
    """The row key for an account or address: a hash, so any text typed as a username
    (NUL, lone surrogates, 10 kB) fits the column and is never stored as typed."""
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{kind}:{digest}"


def blocked_until(session: Session, keys: list[str]) -> datetime | None:
    """The latest moment any of ``keys`` is refused until (None: not refused)."""
    return session.scalar(select(func.max(LoginThrottle.blocked_until)).where(LoginThrottle.key.in_(keys)))


def locked(session: Session, key_: str) -> LoginThrottle | None:
    """The row, locked for this transaction (PostgreSQL; SQLite has one writer)."""
    return session.scalar(select(LoginThrottle).where(LoginThrottle.key == key_).with_for_update())


def forget(session: Session, key_: str) -> None:
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == key_))


def forget_before(session: Session, moment: datetime) -> None:
    """Drop the rows of failures older than ``moment`` (they no longer count)."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.last_failure_at < moment))


def session_generation(session: Session, username: str) -> int | None:
    """The active user's session generation; None for no such active user."""
    return session.scalar(select(User.session_generation)
                          .where(User.username == username, User.active.is_(True)))


def next_session_generation(session: Session, username: str) -> None:
    """Count the user's generation up: every session issued before ends."""
    session.execute(update(User).where(User.username == username)
                    .values(session_generation=User.session_generation + 1)
                    .execution_options(synchronize_session=False))
