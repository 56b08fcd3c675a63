"""The reads of the lost-deal report (M13): which deals were lost, the stage each
was in before it was lost (from its stage history, as Salesforce's
OpportunityHistory gives the last stage before loss), and the work done on each
before — completed inbox tasks and suggested activities, and done activities of
the partner card. One query each for the whole report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.rules.report_scope import Scope
from engine.store.report_scope import where_in_scope
from engine.store.models import InboxTask, MethodologyVersion, Opportunity, StageChange, User
from engine.store.partner_models import Activity


@dataclass(frozen=True)
class LostRow:
    id: int
    title: str
    partner_name: str
    amount: Decimal
    currency: str
    segment_id: str
    owner: str
    methodology_id: str
    methodology_version_id: int
    version_label: str
    stage_id: str | None  # the lost stage it is in
    reason_code: str | None
    reason: str | None
    opened_at: datetime
    closed_at: datetime


@dataclass(frozen=True)
class WorkRow:
    """Something done on a deal: ``kind`` is task, activity (the Sales Assistant's)
    or call/meeting/email/visit/task of the partner card (``source`` partner)."""

    opportunity_id: int
    source: str  # inbox or partner
    kind: str
    name: str
    done_at: datetime | None
    by: str | None
    note: str


def lost_deals(session: Session, *, since: datetime | None, until: datetime | None,
               methodology_id: str | None, segment_id: str | None, owner: str | None,
               scope: Scope) -> list[LostRow]:
    """Lost deals closed in [since, until), newest first, of those ``scope`` covers
    (the viewer's report scope, as every other report counts them)."""
    query = (select(Opportunity.id, Opportunity.title, Opportunity.partner_name, Opportunity.amount,
                    Opportunity.currency, Opportunity.segment_id, User.username, MethodologyVersion.methodology_id,
                    MethodologyVersion.id, MethodologyVersion.label, Opportunity.stage_id,
                    Opportunity.lost_reason_code, Opportunity.lost_reason, Opportunity.opened_at,
                    Opportunity.closed_at)
             .join(User, User.id == Opportunity.owner_id)
             .join(MethodologyVersion, MethodologyVersion.id == Opportunity.methodology_version_id)
             .where(Opportunity.status == "lost"))
    if since is not None:
        query = query.where(Opportunity.closed_at >= since)
    if until is not None:
        query = query.where(Opportunity.closed_at < until)
    if methodology_id:
        query = query.where(MethodologyVersion.methodology_id == methodology_id)
    if segment_id:
        query = query.where(Opportunity.segment_id == segment_id)
    if owner:
        query = query.where(User.username == owner)
    query = where_in_scope(query, scope, Opportunity.owner_id, Opportunity.manager_id, Opportunity.team_id)
    query = query.order_by(Opportunity.closed_at.desc(), Opportunity.id.desc())
    return [LostRow(*row) for row in session.execute(query).all()]


def stages_before_loss(session: Session, deals: list[LostRow]) -> dict[int, str | None]:
    """Per deal, the stage it left for its lost stage: the ``from_stage`` of the
    last move into the stage it is lost in (None: lost in its first stage)."""
    lost_in = {d.id: d.stage_id for d in deals}
    before: dict[int, str | None] = {}
    for chunk in _chunks(list(lost_in)):
        rows = session.execute(select(StageChange.opportunity_id, StageChange.from_stage, StageChange.to_stage)
                               .where(StageChange.opportunity_id.in_(chunk)).order_by(StageChange.id))
        for deal_id, from_stage, to_stage in rows:
            if to_stage == lost_in[deal_id]:
                before[deal_id] = from_stage  # a later move into it wins
    return before


def work_done(session: Session, deal_ids: list[int]) -> list[WorkRow]:
    """Completed inbox tasks and suggested activities of the deals, and the done
    activities of their partner cards that name them, oldest first."""
    work = []
    for chunk in _chunks(deal_ids):
        tasks = session.execute(
            select(InboxTask.opportunity_id, InboxTask.kind, InboxTask.name, InboxTask.completed_at,
                   User.username, InboxTask.note)
            .outerjoin(User, User.id == InboxTask.completed_by_id)
            .where(InboxTask.opportunity_id.in_(chunk), InboxTask.status == "completed"))
        work += [WorkRow(deal, "inbox", "activity" if kind == "activity" else "task", name, at, by, note or "")
                 for deal, kind, name, at, by, note in tasks]
        activities = session.execute(
            select(Activity.opportunity_id, Activity.kind, Activity.subject, Activity.done_at, User.username,
                   Activity.outcome, Activity.notes)
            .outerjoin(User, User.id == Activity.owner_id)
            .where(Activity.opportunity_id.in_(chunk), Activity.status == "done"))
        work += [WorkRow(deal, "partner", kind, subject, at, by, " — ".join(t for t in (outcome, notes) if t))
                 for deal, kind, subject, at, by, outcome, notes in activities]
    return sorted(work, key=lambda w: (w.opportunity_id, w.done_at is None, w.done_at or datetime.min))


def _chunks(ids: list[int], size: int = 500):
    """IN lists of bounded length (SQLite allows a limited number of parameters)."""
    for start in range(0, len(ids), size):
        yield ids[start:start + size]
