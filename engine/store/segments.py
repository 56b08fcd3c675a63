"""Segments and methodology swaps: segment overrides, open deals of a
segment read in bulk, and a swap's changes written in bulk.

A swap touches thousands of opportunities in one transaction, so rows are read as
plain tuples (no ORM objects) and written with executemany, in chunks. Each
opportunity's UPDATE checks and bumps its ``row_version``, exactly as the ORM's
optimistic locking does: a step that loaded the deal before the swap fails at its
commit instead of overwriting the swap (and the swap fails if one got in first).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable, Sequence

from sqlalchemy import bindparam, delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from engine.store import stage_totals
from engine.store.db import RowsChangedError, hold_sqlite_writes
from engine.store.external_task_models import ExternalTask
from engine.store.models import (Event, InboxTask, MethodologySwap, MethodologyVersion, Opportunity,
                                 SegmentMethodology, StageChange, SwapMove, User)


CHUNK = 500


_OPEN_COLUMNS = (Opportunity.id, Opportunity.stage_id, Opportunity.methodology_version_id,
                 Opportunity.row_version, Opportunity.error_message, Opportunity.amount,
                 Opportunity.probability_override, Opportunity.owner_id, Opportunity.manager_id,
                 Opportunity.team_id, Opportunity.status, Opportunity.scores)


@dataclass(frozen=True)
class DealRow:
    id: int
    stage_id: str | None
    version_id: int
    row_version: int
    error_message: str | None
    amount: object  # Decimal
    probability_override: int | None
    owner_id: int
    manager_id: int | None
    team_id: int | None
    status: str
    scores: dict
    workflow_state: str | None = None


@dataclass
class MovedDeal:
    """Everything one moved opportunity's rows get: column values, new inbox rows,
    the stage-history row, its event and (for a swap) its move record."""

    opportunity_id: int
    row_version: int  # as read; the UPDATE checks it
    values: dict  # opportunity columns
    tasks: list[dict] = field(default_factory=list)
    history: dict | None = None
    event: dict | None = None
    move: dict | None = None
    waits: tuple = ()  # the messages its new workflow waits for (engine.runtime.step.MessageWait)


def overrides(session: Session) -> dict[str, SegmentMethodology]:
    return {row.segment_id: row for row in session.scalars(select(SegmentMethodology))}


def override(session: Session, segment_id: str) -> SegmentMethodology | None:
    return session.get(SegmentMethodology, segment_id)


def set_override(session: Session, segment_id: str, version_id: int, *, pinned: bool, swap_id: int,
                 actor_id: int, now: datetime) -> None:
    row = session.get(SegmentMethodology, segment_id)
    if row is None:
        row = SegmentMethodology(segment_id=segment_id)
        session.add(row)
    row.methodology_version_id, row.pinned, row.swap_id = version_id, pinned, swap_id
    row.set_by_id, row.set_at = actor_id, now


def drop_override(session: Session, segment_id: str) -> None:
    session.execute(delete(SegmentMethodology).where(SegmentMethodology.segment_id == segment_id))


def lock_segment(session: Session, segment_id: str) -> None:
    """Hold the segment for this transaction, so two swaps (or a swap and its reversal)
    of one segment run one after the other, each deciding on what the other stored.
    PostgreSQL: a transaction-scoped advisory lock on the schema and the segment's id
    (advisory locks are per database; two deployments in schemas of one database must
    not wait on each other). SQLite: the
    database's one write lock, taken now — before the swap reads the segment's
    methodology, not at its first real write."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(current_schema()), hashtext(:name))"),
                        {"name": f"dealflow segment {segment_id}"})
    hold_sqlite_writes(session)


def open_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(Opportunity.segment_id, func.count())
                           .where(Opportunity.status == "open").group_by(Opportunity.segment_id))
    return {segment: count for segment, count in rows}


def open_deals(session: Session, segment_id: str, *, not_on: int, lock: bool) -> list[DealRow]:
    """The segment's open opportunities not on version ``not_on``; with ``lock`` with
    their workflow state, row-locked on PostgreSQL, skipping rows another
    transaction holds (they stay where they are; a second swap picks them up)."""
    columns = _OPEN_COLUMNS + ((Opportunity.workflow_state,) if lock else ())
    query = (select(*columns).where(Opportunity.segment_id == segment_id, Opportunity.status == "open",
                                    Opportunity.methodology_version_id != not_on)
             .order_by(Opportunity.id))
    if lock:
        query = query.with_for_update(skip_locked=True)
    return [DealRow(*row) for row in session.execute(query)]


def open_deal_ids(session: Session, segment_id: str, *, not_on: int) -> list[int]:
    """Ids of the segment's open opportunities not on version ``not_on``, locked or not
    (those ``open_deals`` skipped are the difference)."""
    return list(session.scalars(select(Opportunity.id).where(
        Opportunity.segment_id == segment_id, Opportunity.status == "open",
        Opportunity.methodology_version_id != not_on)))


def deals_by_id(session: Session, ids: Sequence[int]) -> dict[int, DealRow]:
    """Opportunities by id with their workflow state, row-locked (PostgreSQL; skip locked)."""
    result = {}
    for chunk in _chunks(list(ids)):
        query = (select(*_OPEN_COLUMNS, Opportunity.workflow_state).where(Opportunity.id.in_(chunk))
                 .with_for_update(skip_locked=True))
        result.update({row[0]: DealRow(*row) for row in session.execute(query)})
    return result


def done_activities(session: Session, ids: Sequence[int]) -> dict[int, set[str]]:
    """Node ids of the suggested activities each deal has done (not suggested again)."""
    done: dict[int, set[str]] = {}
    for chunk in _chunks(list(ids)):
        rows = session.execute(select(InboxTask.opportunity_id, InboxTask.node_id).where(
            InboxTask.opportunity_id.in_(chunk), InboxTask.kind == "activity", InboxTask.status == "completed"))
        for opportunity_id, node_id in rows:
            done.setdefault(opportunity_id, set()).add(node_id)
    return done


def new_swap(session: Session, **values) -> MethodologySwap:
    """The swap's audit row, inserted first: on SQLite this write takes the database's
    write lock, so nothing changes the deals between reading and writing them."""
    swap = MethodologySwap(**values)
    session.add(swap)
    session.flush()
    return swap


def swap(session: Session, swap_id: int) -> MethodologySwap | None:
    return session.get(MethodologySwap, swap_id)


def latest_swap_id(session: Session, segment_id: str) -> int | None:
    return session.scalar(select(func.max(MethodologySwap.id)).where(MethodologySwap.segment_id == segment_id))


def swap_moves(session: Session, swap_id: int) -> list[tuple]:
    """(opportunity id, from version, from stage, to stage, from state, row version after)."""
    return list(session.execute(select(
        SwapMove.opportunity_id, SwapMove.from_version_id, SwapMove.from_stage, SwapMove.to_stage,
        SwapMove.from_state, SwapMove.row_version_after)
        .where(SwapMove.swap_id == swap_id).order_by(SwapMove.opportunity_id)))


def swaps(session: Session, segment_id: str | None = None) -> list[tuple]:
    """(swap, from "id@label", to "id@label", by username), newest first."""
    versions = {vid: f"{mid}@{label}" for vid, mid, label in session.execute(select(
        MethodologyVersion.id, MethodologyVersion.methodology_id, MethodologyVersion.label))}
    query = (select(MethodologySwap, User.username).outerjoin(User, User.id == MethodologySwap.by_id)
             .order_by(MethodologySwap.id.desc()))
    if segment_id is not None:
        query = query.where(MethodologySwap.segment_id == segment_id)
    return [(row, versions.get(row.from_version_id), versions[row.to_version_id], username)
            for row, username in session.execute(query)]


def write_moves(session: Session, moved: Sequence[MovedDeal]) -> None:
    """Write every moved deal's rows: one executemany per table and chunk."""
    if not moved:
        return
    table = Opportunity.__table__
    columns = sorted(moved[0].values)
    statement = (update(table).where(table.c.id == bindparam("_id"), table.c.row_version == bindparam("_rv"))
                 .values(row_version=table.c.row_version + 1, **{c: bindparam(c) for c in columns}))
    for chunk in _chunks(moved):
        result = session.connection().execute(
            statement, [{"_id": m.opportunity_id, "_rv": m.row_version, **m.values} for m in chunk])
        if result.rowcount != len(chunk):
            # A deal changed between reading and writing it: the unit of work runs the
            # whole swap again on what is stored now, as for any concurrent change.
            raise RowsChangedError("some of the segment's opportunities changed while they were being moved")
    ids = [m.opportunity_id for m in moved]
    tasks_table = InboxTask.__table__
    for chunk in _chunks(ids):
        session.connection().execute(
            update(tasks_table).where(tasks_table.c.opportunity_id.in_(chunk), tasks_table.c.status == "ready")
            .values(status="cancelled"))  # the old process's tasks and stage's suggestions
        session.connection().execute(
            update(ExternalTask.__table__).where(ExternalTask.opportunity_id.in_(chunk),
                                                 ExternalTask.status.in_(("open", "incident")))
            .values(status="cancelled"))  # and its external tasks: withdrawn from workers
    new_tasks = [t for m in moved for t in m.tasks]
    for chunk in _chunks(new_tasks):
        existing = set(session.scalars(select(InboxTask.id).where(InboxTask.id.in_([t["id"] for t in chunk]))))
        if existing:  # a reversal brings back the very tasks the swap cancelled
            session.connection().execute(
                update(tasks_table).where(tasks_table.c.id.in_(existing)).values(status="ready"))
        fresh = [t for t in chunk if t["id"] not in existing]
        if fresh:
            session.connection().execute(insert(tasks_table), fresh)
    _insert(session, StageChange, [m.history for m in moved if m.history])
    stage_totals.mark(session, ids)  # their part in the analysis's stage figures (new version, new history)
    _insert(session, Event, [m.event for m in moved if m.event])
    _insert(session, SwapMove, [m.move for m in moved if m.move])


def _insert(session: Session, model, rows: list[dict]) -> None:
    for chunk in _chunks(rows):
        session.connection().execute(insert(model.__table__), chunk)


def _chunks(items: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
