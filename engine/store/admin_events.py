"""The audit trail of the admin's and designer's changes outside any deal: users
created, roles changed, team members added or removed, API tokens made or revoked,
methodologies deployed from the web. Append-only; deals keep their own (``events``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine.store.models import Base
from engine.store.types import UtcDateTime


class AdminEvent(Base):
    __tablename__ = "admin_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # user_created, role_changed, team_member_added, ...
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    subject: Mapped[str] = mapped_column(String(200))  # whom or what: a username, a team, a methodology
    data: Mapped[dict] = mapped_column(JSON, default=dict)


def record(session: Session, kind: str, *, actor_id: int | None, at: datetime, subject: str,
           **data: object) -> None:
    session.add(AdminEvent(kind=kind, actor_id=actor_id, at=at, subject=subject[:200], data=data))
    session.flush()


def recent(session: Session, limit: int = 50) -> list[AdminEvent]:
    return list(session.scalars(select(AdminEvent).order_by(AdminEvent.id.desc()).limit(limit)))
