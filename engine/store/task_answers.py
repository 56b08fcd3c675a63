"""The events a revision of a task's answers is decided on (engine.rules.revision):
the deal's completions and revisions, and the events that leave a stage."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.rules import revision
from engine.store.models import Event


def answer_events(session: Session, opportunity_id: int) -> list[tuple[int, str, dict]]:
    """(id, kind, data) of the deal's answering and stage-leaving events, oldest first
    (by the events index on kind and deal)."""
    kinds = (*revision.ANSWERED, *revision.LEAVING)
    return [(i, k, d or {}) for i, k, d in session.execute(
        select(Event.id, Event.kind, Event.data)
        .where(Event.opportunity_id == opportunity_id, Event.kind.in_(kinds)).order_by(Event.id))]
