"""The inbox row that asks a lost deal's owner why it was lost (M13): created when
the process loses a deal without a (complete) reason, closed when the reason is
recorded. An ordinary ``tasks`` row of kind ``WHY_LOST`` — so the inbox, the deal's
open tasks, the API's task list and the calendar feed show it as they show any
to-do — whose form is the methodology's list and the free text beside it."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.methodology.model import FormField, LostReason
from engine.store.models import InboxTask, Opportunity

WHY_LOST = "why_lost"  # InboxTask.kind (String(10))
# A to-do with a date shows in the agenda and the calendar feed, and turns overdue
# when left: two days is the time a rep needs to ask the customer.
DUE_AFTER = timedelta(days=2)
MAX_NAME = 300  # tasks.name


def ask_why_lost(session: Session, opportunity: Opportunity, reasons: tuple[LostReason, ...], owed: str,
                 now: datetime) -> InboxTask:
    """The owner's to-do "Record why <deal> was lost" (``owed``: "reason" or "note",
    as engine.rules.lost_reasons.owed says); an open one is reused, not doubled."""
    row = open_ask(session, opportunity.id)
    if row is not None:
        return row
    instructions = ("The process closed this deal as lost without a reason. Choose why it was lost from the "
                    "list; the lost-deal report counts it as “reason missing” until you do."
                    if owed == "reason" else
                    f"The process closed this deal as lost because of “{_label(reasons, opportunity)}”, which "
                    "needs a few words on why. Write them below.")
    fields = (FormField(id="reason_code", label="Why was it lost?", type="enum", line=0, required=True,
                        default=opportunity.lost_reason_code,
                        choices=tuple((r.id, r.label + (" (say more below)" if r.needs_note else ""))
                                      for r in reasons)),
              FormField(id="reason", label="In a few words", type="string", line=0))
    row = InboxTask(id=str(uuid.uuid4()), opportunity_id=opportunity.id, node_id=WHY_LOST,
                    name=f"Record why {opportunity.title} was lost"[:MAX_NAME], instructions=instructions,
                    form=[asdict(f) for f in fields], lane=None, assignee_id=opportunity.owner_id,
                    candidate_team_id=None, status="ready", due_at=now + DUE_AFTER, created_at=now,
                    kind=WHY_LOST, stage_id=opportunity.stage_id, required=False)
    session.add(row)
    return row


def open_ask(session: Session, opportunity_id: int) -> InboxTask | None:
    return session.scalar(select(InboxTask).where(
        InboxTask.opportunity_id == opportunity_id, InboxTask.kind == WHY_LOST, InboxTask.status == "ready")
        .order_by(InboxTask.created_at).limit(1))


def close_asks(session: Session, opportunity_id: int, actor_id: int, now: datetime) -> list[str]:
    """The deal's open asks, completed by ``actor_id`` (the reason is recorded): their ids."""
    rows = list(session.scalars(select(InboxTask).where(
        InboxTask.opportunity_id == opportunity_id, InboxTask.kind == WHY_LOST, InboxTask.status == "ready")))
    for row in rows:
        row.status = "completed"
        row.completed_by_id = actor_id
        row.completed_at = now
    return [row.id for row in rows]


def _label(reasons: tuple[LostReason, ...], opportunity: Opportunity) -> str:
    return next((r.label for r in reasons if r.id == opportunity.lost_reason_code), opportunity.lost_reason_code)
