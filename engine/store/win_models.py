"""The reads and writes of the learned win probability: deals as
``engine.rules.win_facts.DealHistory`` (the deal, its stage history, the classes
its questionnaires gave it, its lead source and industry — the deal's own
attribute, else its partner card's, as the pipeline analysis reads them), and the
trained models' rows."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.rules.win_facts import ClassGiven, DealHistory, StageEntry
from engine.store.models import MethodologyVersion, Opportunity, StageChange
from engine.store.partner_models import Partner
from engine.store.win_model_models import WinModel


def closed_histories(session: Session, limit: int) -> list[DealHistory]:
    """The ``limit`` deals closed last (won or lost), oldest first."""
    ids = list(session.scalars(
        select(Opportunity.id).where(Opportunity.status.in_(("won", "lost")), Opportunity.closed_at.is_not(None))
        .order_by(Opportunity.closed_at.desc(), Opportunity.id.desc()).limit(limit)))
    histories = histories_of(session, ids)
    return sorted(histories, key=lambda h: (h.closed_at, h.deal_id))


def histories_of(session: Session, ids: Iterable[int]) -> list[DealHistory]:
    ids = sorted(set(ids))
    if not ids:
        return []
    methodology_of = dict(session.execute(select(MethodologyVersion.id, MethodologyVersion.methodology_id)).all())
    stages: dict[int, list[StageChange]] = defaultdict(list)
    deals = []
    for chunk in _chunks(ids, 1000):  # IN lists stay small on either database
        for row in session.scalars(select(StageChange).where(StageChange.opportunity_id.in_(chunk))
                                   .order_by(StageChange.changed_at, StageChange.id)):
            stages[row.opportunity_id].append(row)
        deals.extend(session.execute(
            select(Opportunity.id, Opportunity.methodology_version_id, Opportunity.segment_id,
                   Opportunity.attributes, Opportunity.amount, Opportunity.opened_at, Opportunity.closed_at,
                   Opportunity.status, Opportunity.scores, Partner.source, Partner.industry)
            .join(Partner, Partner.id == Opportunity.partner_id).where(Opportunity.id.in_(chunk))).all())
    return [_history(row, stages[row.id], methodology_of) for row in deals]


def _history(row, changes: list[StageChange], methodology_of: dict[int, str]) -> DealHistory:
    methodology = methodology_of[row.methodology_version_id]
    closed = row.status in ("won", "lost") and row.closed_at is not None
    entries = tuple(
        StageEntry(change.to_stage, change.changed_at, change.probability,
                   # the move that closed the deal enters its won or lost stage
                   row.status if closed and change.changed_at >= row.closed_at else "open",
                   _other(methodology_of.get(change.methodology_version_id), methodology))
        for change in changes)
    classes = tuple(
        ClassGiven(record["questionnaire"], record["class"], datetime.fromisoformat(record["answered_at"]))
        for record in (row.scores or {}).values()
        if record.get("answered_at") and record.get("class") and record.get("questionnaire"))
    attributes = row.attributes or {}
    return DealHistory(
        row.id, methodology, row.segment_id, _text(attributes.get("source")) or row.source,
        _text(attributes.get("industry")) or row.industry, float(row.amount), row.opened_at, entries, classes,
        row.closed_at if closed else None, (row.status == "won") if closed else None)


def _other(methodology: str | None, deal_methodology: str) -> str | None:
    return methodology if methodology and methodology != deal_methodology else None


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _chunks(ids: list[int], size: int):
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def latest(session: Session) -> WinModel | None:
    return session.scalars(select(WinModel).order_by(WinModel.id.desc()).limit(1)).first()


def add(session: Session, row: WinModel) -> WinModel:
    session.add(row)
    session.flush()
    return row
