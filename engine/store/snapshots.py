"""Daily deal snapshots (M17): reading the open deals a sweep files, filing them
idempotently, and "the deals as of day D" for reports.

Filing uses ``INSERT … ON CONFLICT (snapshot_date, opportunity_id) DO NOTHING`` on
both SQLite and PostgreSQL: a row already filed for the day — by an earlier sweep,
or by another process sweeping at the same moment — is left as it is, never
duplicated and never an error. (On PostgreSQL a second inserter of the same key
waits for the first's transaction and then skips the row.)
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Iterable

from sqlalchemy import Select, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.rules.report_scope import Scope
from engine.store.report_scope import where_in_scope

from engine.store import snapshot_totals
from engine.store.models import Opportunity, User
from engine.store.snapshot_models import DealSnapshot

#: the columns of an open deal a snapshot copies, in the order open_deals gives them
DEAL_COLUMNS = (Opportunity.id, Opportunity.stage_id, Opportunity.amount, Opportunity.currency,
                Opportunity.probability, Opportunity.forecast_category_override, Opportunity.expected_close_date,
                Opportunity.owner_id, Opportunity.manager_id, Opportunity.team_id,
                Opportunity.methodology_version_id, Opportunity.segment_id)


def open_deals(session: Session, day: date, *, after_id: int, opened_before: datetime, limit: int) -> list:
    """The next ``limit`` open deals by id after ``after_id`` that were opened before
    ``opened_before`` (a deal opened after the day it would be filed under is not
    part of that day) and are not on file for ``day`` yet."""
    filed = (select(DealSnapshot.opportunity_id)
             .where(DealSnapshot.snapshot_date == day, DealSnapshot.opportunity_id == Opportunity.id))
    return list(session.execute(
        select(*DEAL_COLUMNS)
        .where(Opportunity.status == "open", Opportunity.id > after_id, Opportunity.opened_at < opened_before,
               ~filed.exists())  # a re-run reads only what is not on file yet
        .order_by(Opportunity.id).limit(limit)))


def file_rows(session: Session, rows: list[dict]) -> None:
    """Insert the snapshot rows of one day, skipping any deal already filed, and add
    the inserted ones to the day's totals (``engine.store.snapshot_totals``)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
    table = DealSnapshot.__table__
    # Core, not the ORM's bulk path: nothing here needs identity or events, and the
    # ORM's per-row bookkeeping was most of a sweep's time.
    inserted = session.connection().execute(insert(table).on_conflict_do_nothing(
        index_elements=[table.c.snapshot_date, table.c.opportunity_id]).returning(table.c.opportunity_id), rows)
    # the day's totals for the trend, in the same transaction, of the rows really
    # inserted (a row another sweep filed first is not returned)
    new = set(inserted.scalars())
    snapshot_totals.add_filed(session, (row for row in rows if row["opportunity_id"] in new))


def count_on(session: Session, day: date) -> int:
    return session.scalar(select(func.count()).select_from(DealSnapshot)
                          .where(DealSnapshot.snapshot_date == day)) or 0


def day_on_or_before(session: Session, day: date) -> date | None:
    """The latest day up to ``day`` that has snapshots (a day the sweep did not run
    — the worker was down — reads as the last day before it that it did)."""
    return session.scalar(select(func.max(DealSnapshot.snapshot_date)).where(DealSnapshot.snapshot_date <= day))


def as_of(day: date, scope: Scope) -> Select:
    """The snapshot rows of exactly ``day`` (resolve it with ``day_on_or_before``
    first) that ``scope`` covers, as they were that day (owner, manager, team), as a
    query reports can group and sum in SQL."""
    return where_in_scope(select(DealSnapshot).where(DealSnapshot.snapshot_date == day), scope,
                          DealSnapshot.owner_id, DealSnapshot.manager_id, DealSnapshot.team_id)


def deals_as_of(session: Session, day: date, scope: Scope) -> tuple[date | None, list]:
    """The day the snapshots were read from (None: none that early) and its rows
    (plain rows with DealSnapshot's columns, not entities: a day is 100,000 of
    them), by deal id."""
    found = day_on_or_before(session, day)
    if found is None:
        return None, []
    query = as_of(found, scope).order_by(DealSnapshot.opportunity_id)
    return found, list(session.execute(query.with_only_columns(*DealSnapshot.__table__.c)))


def history_of(session: Session, opportunity_ids: Iterable[int]) -> list[DealSnapshot]:
    """Every snapshot of these deals, oldest first per deal."""
    ids = list(opportunity_ids)
    return list(session.scalars(select(DealSnapshot).where(DealSnapshot.opportunity_id.in_(ids))
                                .order_by(DealSnapshot.opportunity_id, DealSnapshot.snapshot_date))) if ids else []


def usernames(session: Session, user_ids: Iterable[int]) -> dict[int, str]:
    ids = list(user_ids)
    return {i: name for i, name in session.execute(select(User.id, User.username).where(User.id.in_(ids)))} if ids else {}
