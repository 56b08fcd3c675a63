"""Keeping a deal's message_waits rows in step with its workflow (called by
``progress.apply_step`` after every step, in its transaction), and noting what the
step leaves for ``engine.service.messages`` to deliver once the use case's work is
done (``deliver_pending``, in the same transaction): a buffered message a new wait
matches, and the messages the step threw that nothing in the deal caught."""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

from engine.runtime.step import StepResult
from engine.service.unit_of_work import Session
from engine.store import messages as store
from engine.store.message_models import MessageWait
from engine.store.models import Opportunity
from engine.store.segments import MovedDeal

PENDING = "dealflow.messages_pending"  # session.info key: (kind, opportunity id, detail)


def sync_rows(session: Session, opportunity: Opportunity, result: StepResult, now: datetime) -> None:
    """message_waits rows for exactly the waits of ``result`` (none for a closed deal)."""
    _replace(session, opportunity.id, result.messages if opportunity.status == "open" else (), now)
    for thrown in result.thrown:
        session.info.setdefault(PENDING, []).append(("thrown", opportunity.id, thrown))


def sync_moved(session: Session, moved: Iterable[MovedDeal], now: datetime) -> None:
    """The waits of the deals a swap or its reversal put on another workflow (written
    in bulk, not through apply_step): else senders would look for the old process's
    catches and never find the new ones."""
    for deal in moved:
        _replace(session, deal.opportunity_id, deal.waits, now)


def _replace(session: Session, opportunity_id: int, waits, now: datetime) -> None:
    before = store.waits_of(session, opportunity_id)
    if before or waits:
        old = {(w.message, w.node_id, w.task_id) for w in before}
        store.replace_waits(session, opportunity_id, [
            MessageWait(opportunity_id=opportunity_id, message=w.message[:200], node_id=w.node_id[:200],
                        task_id=w.task_id, variables=w.variables, correlation_key=w.correlation_key,
                        created_at=now) for w in waits])
        new = {w.message for w in waits if (w.message, w.node_id, w.task_id) not in old}
        if new:
            session.info.setdefault(PENDING, []).append(("waits", opportunity_id, tuple(sorted(new))))


def matches(row, opportunity: Opportunity, waits) -> bool:
    """Whether buffered message ``row`` is for ``opportunity`` (its ``waits`` rows)."""
    if row.opportunity_id is not None:
        return row.opportunity_id == opportunity.id
    if row.business_key is not None:
        return store.business_key_of(opportunity.attributes) == row.business_key
    if row.correlation_key is not None:
        return any(w.message == row.message and w.correlation_key == row.correlation_key for w in waits)
    if row.variable_name is not None:
        return any(w.message == row.message and row.variable_name in (w.variables or {})
                   and (w.variables or {})[row.variable_name] == row.variable_value for w in waits)
    return False
