"""The deals whose stored next timer the timer repair (engine.service.timer_repair)
checks against their workflows: their ids, and their rows with workflow states.

Those are the deals not lost: an open deal's process runs, and so may a won deal's —
winning ends one branch, and the others (a follow-up after a timer) go on and fire
as an open deal's do. A lost deal's process stopped (engine.service.closing)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from engine.store.models import Opportunity

_LIVE = Opportunity.status != "lost"


def live_deal_ids(session: Session, *, with_error_only: bool) -> list[int]:
    """The open and won deals, in id order; ``with_error_only``: those showing an error."""
    query = select(Opportunity.id).where(_LIVE)
    if with_error_only:
        query = query.where(Opportunity.error_message.is_not(None))
    return list(session.scalars(query.order_by(Opportunity.id)))


def with_states(session: Session, ids: Iterable[int]) -> list[Opportunity]:
    """Those of deals ``ids`` still not lost, with their workflow states, unlocked (a
    read to find which ones need a change; the change locks and reads each again)."""
    return list(session.scalars(select(Opportunity).options(undefer(Opportunity.workflow_state))
                                .where(Opportunity.id.in_(list(ids)), _LIVE)
                                .order_by(Opportunity.id)))
