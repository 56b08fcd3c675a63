"""Quota records and lines (M14): locking a person's quotas before a new version,
writing drafts and commits, the history of a record's versions, and the quota in
force for each person of a period (the newest committed record with a line for them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from engine.rules.periods import Period
from engine.store.db import hold_sqlite_writes
from engine.store.models import User
from engine.store.quota_models import QuotaLine, QuotaRecord


@dataclass(frozen=True)
class RecordRow:
    id: int
    kind: str
    subject_id: int
    currency: str
    status: str
    version: int | None
    note: str
    created_by_id: int
    created_at: datetime
    lines: tuple[tuple[int, Decimal], ...]  # (user id, amount), by user id


@dataclass(frozen=True)
class InForce:
    amount: Decimal
    currency: str
    kind: str
    version: int
    record_subject_id: int


def lock_subject(session: Session, subject_id: int) -> None:
    """Serialise every writer of this person's quota records: the person's user row
    is locked (SQLite: its one write lock), so the next version number read after it
    is the one to use, and two commits at once become versions n and n+1."""
    hold_sqlite_writes(session)
    session.execute(select(User.id).where(User.id == subject_id).with_for_update())


def _in(period: Period):
    return (QuotaRecord.period_start == period.start, QuotaRecord.period_end == period.end)


def next_version(session: Session, kind: str, subject_id: int, period: Period) -> int:
    latest = session.scalar(select(func.max(QuotaRecord.version))
                            .where(QuotaRecord.kind == kind, QuotaRecord.subject_id == subject_id, *_in(period)))
    return (latest or 0) + 1


def add(session: Session, *, kind: str, subject_id: int, period: Period, currency: str, status: str,
        version: int | None, note: str, by: int, at: datetime, lines: dict[int, Decimal]) -> int:
    record = QuotaRecord(kind=kind, subject_id=subject_id, period_kind=period.kind, period_start=period.start,
                         period_end=period.end, currency=currency, status=status, version=version, note=note,
                         created_by_id=by, created_at=at)
    session.add(record)
    session.flush()
    session.add_all(QuotaLine(record_id=record.id, user_id=uid, amount=amount) for uid, amount in lines.items())
    session.flush()
    return record.id


def drop(session: Session, record_id: int) -> None:
    """Remove a draft and its lines (only drafts are ever removed)."""
    session.execute(delete(QuotaLine).where(QuotaLine.record_id == record_id))
    session.execute(delete(QuotaRecord).where(QuotaRecord.id == record_id, QuotaRecord.status == "draft"))


def draft_of(session: Session, kind: str, subject_id: int, period: Period, author_id: int) -> RecordRow | None:
    rows = _records(session, QuotaRecord.kind == kind, QuotaRecord.subject_id == subject_id, *_in(period),
                    QuotaRecord.status == "draft", QuotaRecord.created_by_id == author_id)
    return rows[0] if rows else None


def committed(session: Session, kind: str, subject_id: int, period: Period) -> list[RecordRow]:
    """Every committed version, newest first."""
    return _records(session, QuotaRecord.kind == kind, QuotaRecord.subject_id == subject_id, *_in(period),
                    QuotaRecord.status == "committed")


def _records(session: Session, *where) -> list[RecordRow]:
    records = list(session.scalars(select(QuotaRecord).where(*where)
                                   .order_by(QuotaRecord.version.desc(), QuotaRecord.id.desc())))
    lines: dict[int, list[tuple[int, Decimal]]] = {r.id: [] for r in records}
    if records:
        for record_id, user_id, amount in session.execute(
                select(QuotaLine.record_id, QuotaLine.user_id, QuotaLine.amount)
                .where(QuotaLine.record_id.in_(list(lines))).order_by(QuotaLine.user_id)):
            lines[record_id].append((user_id, amount))
    return [RecordRow(r.id, r.kind, r.subject_id, r.currency, r.status, r.version, r.note, r.created_by_id,
                      r.created_at, tuple(lines[r.id])) for r in records]


def in_force(session: Session, period: Period, user_ids: list[int] | None = None) -> dict[int, InForce]:
    """Each person's quota of the period: the line of the newest committed record
    (by commit time, then id) that holds one for them — counting only the newest
    version of each split or set, so that a re-committed split that leaves a person
    out withdraws the part an older version gave them."""
    newest: dict[tuple[str, int], tuple[int, int]] = {}
    for record_id, kind, subject_id, version in session.execute(
            select(QuotaRecord.id, QuotaRecord.kind, QuotaRecord.subject_id, QuotaRecord.version)
            .where(QuotaRecord.status == "committed", *_in(period))):
        if (kind, subject_id) not in newest or version > newest[kind, subject_id][1]:
            newest[kind, subject_id] = (record_id, version)
    if not newest:
        return {}
    query = (select(QuotaLine.user_id, QuotaLine.amount, QuotaRecord.currency, QuotaRecord.kind,
                    QuotaRecord.version, QuotaRecord.subject_id)
             .join(QuotaRecord, QuotaRecord.id == QuotaLine.record_id)
             .where(QuotaRecord.id.in_([record_id for record_id, _ in newest.values()]))
             .order_by(QuotaRecord.created_at, QuotaRecord.id))
    if user_ids is not None:
        query = query.where(QuotaLine.user_id.in_(user_ids))
    result: dict[int, InForce] = {}
    for user_id, amount, currency, kind, version, subject_id in session.execute(query):
        result[user_id] = InForce(amount, currency, kind, version, subject_id)  # later rows win
    return result
