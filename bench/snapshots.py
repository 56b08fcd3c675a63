"""How long the daily snapshot of 100,000 open deals takes (issue 13, M17).

One command:  python bench/snapshots.py [--deals 100000] [--postgres]

In a fresh SQLite file (with --postgres: a fresh schema of DEALFLOW_BENCH_POSTGRES_URL
or DEALFLOW_TEST_POSTGRES_URL) with the shipped methodologies, 20 deals are opened
through the façade and the rest cloned from them in bulk, spread over the seeds'
methodologies, with probabilities 0-100 and every 10th deal's forecast category
overridden by hand. Then, timed:

(a) Floor: the same rows filed in one ``INSERT … SELECT`` inside the database, under
    the day before — the category computed by one SQL CASE over the default ranges,
    with no Python in the loop. No sweep that reads each methodology's own ranges can
    be cheaper than this copy.
(b) Engine.take_snapshots(): the sweep as the worker runs it — batches of 5,000 open
    deals read by id, each deal's category from its methodology version's ranges
    (engine.rules.forecast_categories), filed with INSERT … ON CONFLICT DO NOTHING,
    one transaction a batch.
(c) The same sweep again the same day: idempotent, it files nothing.
(d) Engine.deals_as_of(today) as an admin: the 100,000 rows back as views.

Checks that (b) filed one row per open deal and (c) none; prints the four times and,
last, ratio=X.XX ((b) / (a)). Target: (b) ≤ 60 s for 100,000 deals, like the
early-warning sweep (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import create_engine, func, insert, select, text

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from engine.service import Engine  # noqa: E402
from engine.store.models import Opportunity  # noqa: E402
from engine.store.snapshot_models import DealSnapshot  # noqa: E402

SEEDS = 20
CHANNELS = ("retail", "horeca", "wholesale", "key_account")
CATEGORIES = ("commit", "best_case", "pipeline", "omitted")

FLOOR = """
INSERT INTO deal_snapshots (snapshot_date, opportunity_id, stage_id, amount, currency, probability,
    forecast_category, category_overridden, expected_close_date, owner_id, manager_id, team_id,
    methodology_version_id, segment_id, taken_at)
SELECT :day, id, stage_id, amount, currency, probability,
    COALESCE(forecast_category_override,
             CASE WHEN probability >= 85 THEN 'commit' WHEN probability >= 70 THEN 'best_case' ELSE 'pipeline' END),
    forecast_category_override IS NOT NULL, expected_close_date, owner_id, manager_id, team_id,
    methodology_version_id, segment_id, :now
FROM opportunities WHERE status = 'open'
"""


def build(url: str, deals: int) -> Engine:
    engine = Engine(url, upgrade_schema=True)
    engine.create_user("manager", "manager")
    engine.create_user("admin", "admin")
    for name in ("rep1", "rep2", "rep3"):
        engine.create_user(name, "rep")
    engine.deploy(str(REPO / "methodologies"), actor="admin")
    for team in {s.team for s in engine.list_segments(viewer=None)}:
        engine.create_team(team, "manager", ["rep1", "rep2", "rep3"])
    seeds = [engine.create_opportunity(title=f"Seed {n}", amount=f"{1000 + n}.00", partner=f"Partner {n}",
                                       actor="manager", attributes={"channel": CHANNELS[n % len(CHANNELS)],
                                                                    "territory": "PL-MZ"})
             for n in range(min(SEEDS, deals))]
    database = create_engine(engine.url)
    with database.begin() as connection:
        templates = list(connection.execute(select(Opportunity.__table__).where(
            Opportunity.id.in_([s.id for s in seeds]))).mappings())
        next_id = connection.execute(text("SELECT max(id) FROM opportunities")).scalar() + 1
        clones = deals - len(seeds)
        for start in range(0, clones, 10_000):
            connection.execute(insert(Opportunity.__table__), [
                {**templates[n % len(templates)], "id": next_id + n, "title": f"Clone {n}", "row_version": 1,
                 "amount": templates[n % len(templates)]["amount"] + n % 977, "probability": n % 101,
                 "forecast_category_override": CATEGORIES[n % 4] if n % 10 == 0 else None}
                for n in range(start, min(start + 10_000, clones))])
        if engine.url.startswith("postgresql"):
            connection.execute(text("ANALYZE"))
    database.dispose()
    return engine


def on_file(engine: Engine, day) -> int:
    with engine._sessions() as session:
        return session.scalar(select(func.count()).select_from(DealSnapshot).where(DealSnapshot.snapshot_date == day))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    admin, schema = None, None
    if args.postgres:
        base = os.environ.get("DEALFLOW_BENCH_POSTGRES_URL") or os.environ["DEALFLOW_TEST_POSTGRES_URL"]
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1))
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    else:
        url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    try:
        engine = build(url, args.deals)
        today = engine.now().date()
        database = create_engine(engine.url)
        started = time.perf_counter()
        with database.begin() as connection:
            connection.execute(text(FLOOR), {"day": today - timedelta(days=1), "now": datetime.now(timezone.utc)})
        floor = time.perf_counter() - started
        database.dispose()
        assert on_file(engine, today - timedelta(days=1)) == args.deals

        started = time.perf_counter()
        report = engine.take_snapshots()
        sweep = time.perf_counter() - started
        started = time.perf_counter()
        again = engine.take_snapshots()
        rerun = time.perf_counter() - started
        started = time.perf_counter()
        day = engine.deals_as_of(today, viewer="admin")
        read = time.perf_counter() - started
        assert (report.on_file, report.new, again.on_file, again.new) == (args.deals, args.deals, args.deals, 0)
        assert len(day.deals) == args.deals and day.day == today
        overridden = sum(d.category_overridden for d in day.deals)
        assert overridden == len(range(0, args.deals - SEEDS, 10)), overridden
        engine.close()
        print(f"{args.deals} open deals ({'PostgreSQL' if args.postgres else 'SQLite'}): "
              f"floor (one INSERT ... SELECT) {floor:.2f} s; sweep {sweep:.2f} s "
              f"({sweep / args.deals * 1e6:.0f} µs a deal); re-run the same day {rerun:.2f} s (0 new); "
              f"deals_as_of {read:.2f} s")
        print(f"ratio={sweep / floor:.2f}")
    finally:
        if admin is not None:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
