"""The rows the deal page reads beyond the deal's own view (engine.service.deal_page):
its events and tasks, the methodology versions its stages came from, and the people
its events name."""

from __future__ import annotations

from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.store.models import Event, InboxTask, StageChange, User


def events(session: Session, opportunity_id: int) -> list[Event]:
    """The deal's events, oldest first."""
    return list(session.scalars(select(Event).where(Event.opportunity_id == opportunity_id).order_by(Event.id)))


def tasks_by_id(session: Session, opportunity_id: int) -> dict[str, InboxTask]:
    return {t.id: t for t in session.scalars(select(InboxTask).where(InboxTask.opportunity_id == opportunity_id))}


def stage_version_ids(session: Session, opportunity_id: int) -> list[int]:
    """The methodology versions whose stages the deal has stood in (more than one after a swap)."""
    return [v for v in session.scalars(select(StageChange.methodology_version_id).distinct()
                                       .where(StageChange.opportunity_id == opportunity_id)) if v is not None]


def display_names(session: Session, ids: Iterable[int], usernames: Iterable[str]) -> list[tuple[int, str, str]]:
    """(id, username, display name) of the users with one of ``ids`` or ``usernames``."""
    ids, usernames = set(ids), set(usernames)
    if not ids and not usernames:
        return []
    return [(i, u, d or u) for i, u, d in session.execute(
        select(User.id, User.username, User.display_name).where(User.id.in_(ids) | User.username.in_(usernames)))]
