"""Handing a partner to another rep, in the database: the partner's deals locked in
one query, their owners, the old owners' planned activities and the deals' audit
events written in bulk.

A partner may have a thousand deals, so the deals are read as plain rows (no ORM
objects) and written with executemany, in chunks; each deal's UPDATE checks and
bumps its ``row_version`` as the ORM's optimistic locking does, so that a use case
that loaded a deal before the hand-over fails at its commit instead of giving the
deal back to the old owner. Planned activities are moved with one UPDATE whose
condition (still planned, still the old owner's) is evaluated on the row as it is
once any concurrent writer let go of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Mapping, Sequence

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from engine.store import stage_totals
from engine.store.db import RowsChangedError, hold_sqlite_writes
from engine.store.models import Event, InboxTask, Opportunity, Team
from engine.store.partner_models import Activity

CHUNK = 500


@dataclass(frozen=True)
class PartnerDeal:
    """One of the partner's deals, as the hand-over decides on it."""

    id: int
    owner_id: int
    status: str  # open, won, lost
    row_version: int
    team_id: int | None = None
    manager_id: int | None = None
    segment_id: str | None = None


def partner_deals(session: Session, partner_id: int, *, lock: bool = True) -> list[PartnerDeal]:
    """Every deal of the partner, open or closed; with ``lock`` row-locked in id order
    (SQLite: the write lock), as stored once the locks are held. In id order, as every
    use case that locks several deals does, so two of them wait for each other instead
    of deadlocking; PostgreSQL locks the rows in the order the query returns them."""
    query = (select(Opportunity.id, Opportunity.owner_id, Opportunity.status, Opportunity.row_version,
                    Opportunity.team_id, Opportunity.manager_id, Opportunity.segment_id)
             .where(Opportunity.partner_id == partner_id).order_by(Opportunity.id))
    if lock:
        hold_sqlite_writes(session)
        query = query.with_for_update()
    return [PartnerDeal(*row) for row in session.execute(query)]


def partner_deal_ids(session: Session, partner_id: int) -> list[int]:
    """The ids of the partner's deals as committed now, in id order (no lock)."""
    return list(session.scalars(select(Opportunity.id).where(Opportunity.partner_id == partner_id)
                                .order_by(Opportunity.id)))


def team_names(session: Session, team_ids: Iterable[int | None]) -> dict[int, str]:
    return {id_: name for id_, name in session.execute(
        select(Team.id, Team.name).where(Team.id.in_([i for i in team_ids if i])))}


def open_task_counts(session: Session, deals: Sequence[PartnerDeal]) -> dict[int, int]:
    """How many READY tasks each deal's owner holds on it (what a hand-over would move)."""
    counts: dict[int, int] = {}
    for chunk in _chunks(deals):
        owners = {d.id: d.owner_id for d in chunk}
        for deal_id, assignee_id in session.execute(
                select(InboxTask.opportunity_id, InboxTask.assignee_id).where(
                    InboxTask.opportunity_id.in_(list(owners)), InboxTask.status == "ready")):
            if assignee_id == owners[deal_id]:
                counts[deal_id] = counts.get(deal_id, 0) + 1
    return counts


def move_open_tasks(session: Session, deals: Sequence[PartnerDeal], to_user_id: int) -> dict[int, int]:
    """Give each deal's READY tasks of its owner to ``to_user_id``; how many per deal.
    What ``opportunities.reassign_open_tasks`` does for one deal, in a few statements
    for all of them (one UPDATE per owner and chunk): a thousand deals' worth of
    ORM rows and round trips took seconds."""
    counts = open_task_counts(session, deals)
    table = InboxTask.__table__
    by_owner: dict[int, list[int]] = {}
    for deal in deals:
        by_owner.setdefault(deal.owner_id, []).append(deal.id)
    for owner_id, ids in by_owner.items():
        for chunk in _chunks(ids):
            session.connection().execute(update(table).where(
                table.c.opportunity_id.in_(list(chunk)), table.c.status == "ready",
                table.c.assignee_id == owner_id).values(assignee_id=to_user_id))
    return counts


def set_owners(session: Session, deals: Sequence[PartnerDeal], to_user_id: int,
               teams: Mapping[int, tuple[int, int | None]] | None = None) -> None:
    """Give each deal to ``to_user_id`` — and the (team, manager) ``teams`` names for
    it, if any; the others keep theirs; RowsChangedError if one changed since it was
    read (the unit of work then runs the whole hand-over again)."""
    teams = teams or {}
    table = Opportunity.__table__
    statement = (update(table).where(table.c.id == bindparam("_id"), table.c.row_version == bindparam("_rv"))
                 .values(owner_id=to_user_id, team_id=bindparam("_team"), manager_id=bindparam("_manager"),
                         row_version=table.c.row_version + 1))
    for chunk in _chunks(deals):
        result = session.connection().execute(statement, [
            {"_id": d.id, "_rv": d.row_version, "_team": teams.get(d.id, (d.team_id, d.manager_id))[0],
             "_manager": teams.get(d.id, (d.team_id, d.manager_id))[1]} for d in chunk])
        if result.rowcount != len(chunk):
            raise RowsChangedError("some of the partner's deals changed while they were being handed over")
    stage_totals.mark(session, [d.id for d in deals])  # their stage figures count under the new owner and team


def move_planned_activities(session: Session, partner_id: int, from_user_id: int, to_user_id: int,
                            now: datetime, *, deal_ids: Sequence[int] | None = None) -> int:
    """Give the partner's planned activities of ``from_user_id`` (only those of
    ``deal_ids``, when given) to ``to_user_id``; how many. Done, cancelled and
    others' activities stay as they are. Each moved one counts a move in its
    ``sequence``, so calendar clients take the new copy over the old one."""
    table = Activity.__table__
    return sum(session.connection().execute(
        update(table).where(*where).values(owner_id=to_user_id, updated_at=now, sequence=table.c.sequence + 1,
                                           row_version=table.c.row_version + 1)).rowcount
        for where in _planned(partner_id, from_user_id, deal_ids))


def count_planned_activities(session: Session, partner_id: int, from_user_id: int, *,
                             deal_ids: Sequence[int] | None = None) -> int:
    """How many activities ``move_planned_activities`` would move."""
    return sum(session.scalar(select(func.count()).select_from(Activity.__table__).where(*where))
               for where in _planned(partner_id, from_user_id, deal_ids))


def _planned(partner_id: int, owner_id: int, deal_ids: Sequence[int] | None) -> Iterable[list]:
    """The WHERE clauses (one per chunk of ``deal_ids``) of the partner's planned
    activities of ``owner_id``."""
    table = Activity.__table__
    condition = [table.c.partner_id == partner_id, table.c.owner_id == owner_id, table.c.status == "planned"]
    if deal_ids is None:
        yield condition
        return
    for chunk in _chunks(deal_ids):
        yield condition + [table.c.opportunity_id.in_(list(chunk))]


def add_deal_events(session: Session, events: Sequence[dict]) -> None:
    """Insert deals' events (``Event`` columns as dicts), a chunk at a time."""
    for chunk in _chunks(events):
        session.connection().execute(insert(Event.__table__), list(chunk))


def _chunks(items: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
