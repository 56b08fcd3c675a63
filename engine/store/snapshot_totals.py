"""The per-day totals of the filed snapshots (``analysis_models.SnapshotDayTotal``):
added to by the sweep in the transaction that files the rows, rebuilt from the
snapshot rows by the migration that creates them (and by bench/reports.py, which
files its year of snapshots by Core inserts), read by the trend.

Only rows the sweep really inserted count: the insert returns the keys it wrote
(``ON CONFLICT DO NOTHING … RETURNING``), so a re-run, or a second process filing
the same day at once, adds nothing twice."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Iterable

from sqlalchemy import BigInteger, Connection, delete, func, insert, select, type_coerce
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.store.analysis_models import SnapshotDayTotal
from engine.store.snapshot_models import DealSnapshot

KEY = ("snapshot_date", "owner_id", "manager_id", "team_id", "currency")
REBUILD_DAYS = 31  # the rebuild's batch: one INSERT … SELECT per month of snapshot days


def add_filed(session: Session, rows: Iterable[dict]) -> None:
    """Add the snapshot rows just inserted (dicts of DealSnapshot's columns, amount
    a Decimal) to their days' totals."""
    sums: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        cents = int(row["amount"] * 100)
        total = sums[(row["snapshot_date"], row["owner_id"], row["manager_id"] or 0, row["team_id"] or 0,
                      row["currency"])]
        total[0] += 1
        total[1] += cents
        total[2] += cents * row["probability"]
    if not sums:
        return
    table = SnapshotDayTotal.__table__
    dialect = session.get_bind().dialect.name
    upsert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect](table)
    statement = upsert.on_conflict_do_update(index_elements=[table.c[k] for k in KEY], set_={
        name: table.c[name] + upsert.excluded[name] for name in ("deals", "amount_cents", "weighted_cents")})
    # in key order, so that two sweeps at once lock the rows they share in one order
    session.connection().execute(statement, [dict(zip(KEY, key), deals=n, amount_cents=a, weighted_cents=w)
                                             for key, (n, a, w) in sorted(sums.items())])


def rebuild(connection: Connection) -> int:
    """Recompute every day's totals from the snapshot rows, a month of days per
    statement; how many total rows. For the migration that adds the table and for
    snapshots filed around the sweep (bench/reports.py's Core inserts)."""
    connection.execute(delete(SnapshotDayTotal.__table__))
    first, last = connection.execute(select(func.min(DealSnapshot.snapshot_date),
                                            func.max(DealSnapshot.snapshot_date))).one()
    if first is None:
        return 0
    day = first
    while day <= last:
        end = day + timedelta(days=REBUILD_DAYS)
        connection.execute(insert(SnapshotDayTotal.__table__).from_select(
            [*KEY, "deals", "amount_cents", "weighted_cents"],
            _summed().where(DealSnapshot.snapshot_date >= day, DealSnapshot.snapshot_date < end)))
        day = end
    return connection.execute(select(func.count()).select_from(SnapshotDayTotal.__table__)).scalar_one()


def recomputed(connection: Connection | Session) -> dict[tuple, tuple[int, int, int]]:
    """The totals recomputed from the snapshot rows, keyed like the table (tests
    compare the kept totals with this)."""
    return {tuple(row[:5]): (row[5], int(row[6]), int(row[7])) for row in connection.execute(_summed())}


def _summed():
    """The snapshot rows summed per key of the totals (no manager, no team: 0)."""
    cents = type_coerce(DealSnapshot.amount, BigInteger)  # raw cents, not the Money type's Decimal
    columns = (DealSnapshot.snapshot_date, DealSnapshot.owner_id, func.coalesce(DealSnapshot.manager_id, 0),
               func.coalesce(DealSnapshot.team_id, 0), DealSnapshot.currency)
    return select(*columns, func.count(), func.sum(cents), func.sum(cents * DealSnapshot.probability)).group_by(*columns)


def kept(connection: Connection | Session) -> dict[tuple, tuple[int, int, int]]:
    t = SnapshotDayTotal.__table__
    return {(r.snapshot_date, r.owner_id, r.manager_id, r.team_id, r.currency):
            (r.deals, r.amount_cents, r.weighted_cents) for r in connection.execute(select(t))}

