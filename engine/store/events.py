"""The events of an opportunity's timeline."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from engine.store.models import Event, Opportunity


def record_event(session: Session, opportunity: Opportunity, kind: str, actor_id: int | None,
                 now: datetime, **data) -> None:
    session.add(Event(opportunity_id=opportunity.id, kind=kind, actor_id=actor_id, at=now, data=data))
