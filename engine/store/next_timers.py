"""The deals whose stored next timer the timer repair (engine.service.timer_repair)
checks against their workflows: their ids, and their rows with workflow states."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from engine.store.models import Opportunity


def open_deal_ids(session: Session, *, with_error_only: bool) -> list[int]:
    """The open deals, in id order; ``with_error_only``: those showing an error."""
    query = select(Opportunity.id).where(Opportunity.status == "open")
    if with_error_only:
        query = query.where(Opportunity.error_message.is_not(None))
    return list(session.scalars(query.order_by(Opportunity.id)))


def with_states(session: Session, ids: Iterable[int]) -> list[Opportunity]:
    """Those of deals ``ids`` still open, with their workflow states, unlocked (a read
    to find which ones need a change; the change locks and reads each again)."""
    return list(session.scalars(select(Opportunity).options(undefer(Opportunity.workflow_state))
                                .where(Opportunity.id.in_(list(ids)), Opportunity.status == "open")
                                .order_by(Opportunity.id)))
