"""How long the analysis reports take over a big database (issue 13, M16).

One command:  python bench/reports.py [--opportunities 100000] [--runs 7] [--only sqlite|postgresql]

Builds 100,000 opportunities of the base test methodology (small-deal: lead ->
qualification -> offer -> won | lost) over 1,000 partners and 50 reps in two teams,
with Core inserts: one in three deals open (in lead, qualification or offer), the
others won or lost, opened over the past year, each with its stage history (three
to four rows, ~330,000 in all) and the stage figures kept from it (rebuilt by the
function the migration that adds them uses), deal attributes for territory and lead source and
partner cards with industry and campaign, and a year of daily snapshots of the
deals open each day (~8,000,000 rows at 100,000 deals; see ``file_snapshots``) with
the per-day totals the trend reads; then times each report through the façade as
the manager (who sees every deal here): the pipeline analysis grouped by each of
its groupings (each run includes the stage funnel, the lead sources and the 90-day
trend), and the methodology comparison. ``--runs`` timings per report after one
warm-up run.

When DEALFLOW_BENCH_POSTGRES_URL (or DEALFLOW_TEST_POSTGRES_URL) is set, the same on
PostgreSQL, in a fresh schema dropped afterwards.

Target (issue 13): every report p95 <= 300 ms. Prints, per database, each report's
p50 and p95 and the floor measured in the same run (``floor_ms``: one bare SELECT of
every kept grouped total), and last ``p95=... ms (worst report: NAME) floor=... ms
ratio=...`` — the worst p95 of any report on any database, against its database's floor.

Also over the snapshots: the pipeline as of a month ago (by stage, by rep) and the
deal changes from a week ago and from a month ago to the live deals.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.orm import Session

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from engine.rules import forecast_categories  # noqa: E402
from engine.service import Engine  # noqa: E402
from engine.store import deal_totals, snapshot_totals, stage_totals  # noqa: E402
from engine.store.analysis_models import DealReportTotal  # noqa: E402
from engine.store.snapshot_models import DealSnapshot  # noqa: E402
from engine.store.models import Opportunity, StageChange, TeamMember, User  # noqa: E402
from engine.store.partner_models import Partner  # noqa: E402

METHODOLOGY = REPO / "tests" / "methodology" / "base"
REPS = 50
PARTNERS = 1_000
OPEN_STAGES = [("lead", 5), ("qualification", 20), ("offer", 50)]
TERRITORIES = ["PL-MZ", "PL-PM", "PL-MA", "PL-DS", "PL-LD", None]
SOURCES = ["fair", "web", "campaign", "cold call", "partner referral", None]
INDUSTRIES = ["retail", "wholesale", "hospitality", "cafés", None]
CAMPAIGNS = ["spring", "autumn", None]
GROUPINGS = ["stage", "methodology", "segment", "rep", "team", "territory", "industry", "source", "campaign"]


def build(url: str, opportunities: int) -> Engine:
    engine = Engine(url, upgrade_schema=True)
    engine.create_user("manager", "manager")
    engine.create_team("sales", "manager", [])
    engine.create_team("horeca", "manager", [])
    engine.deploy(str(METHODOLOGY), actor="manager")
    database = create_engine(engine.url)
    now = datetime.now(timezone.utc)
    rng = random.Random(13)
    with database.begin() as connection:
        version_id = connection.execute(text("SELECT max(id) FROM methodology_versions")).scalar()
        teams = [t for (t,) in connection.execute(text("SELECT id FROM teams ORDER BY id"))]
        manager_id = connection.execute(text("SELECT id FROM users WHERE username = 'manager'")).scalar()
        connection.execute(insert(User.__table__), [
            dict(username=f"rep{i}", display_name=f"Rep {i}", role="rep", password_hash=None, active=True,
                 created_at=now) for i in range(1, REPS + 1)])
        rep_ids = [r for (r,) in connection.execute(text("SELECT id FROM users WHERE role = 'rep' ORDER BY id"))]
        connection.execute(insert(TeamMember.__table__), [dict(team_id=teams[i % 2], user_id=r)
                                                           for i, r in enumerate(rep_ids)])
        connection.execute(insert(Partner.__table__), [dict(
            id=p + 1, kind="prospect", name=f"Partner {p}", name_city_key=f"partner {p} | ", addresses=[],
            industry=INDUSTRIES[p % len(INDUSTRIES)], campaign=CAMPAIGNS[p % len(CAMPAIGNS)], balance=Decimal(0),
            currency="PLN", status="active", notes="", attributes={}, created_at=now, updated_at=now, row_version=1)
            for p in range(PARTNERS)])
    batch = 5_000
    changes = 0
    lives: list[tuple] = []  # (id, opened, closed, [(at, stage, probability)], deal columns) for the snapshots
    for start in range(0, opportunities, batch):
        deals, history = [], []
        for n in range(start, min(start + batch, opportunities)):
            opened = now - timedelta(days=rng.uniform(1, 365))
            amount = Decimal(rng.randrange(1_000, 500_000))
            currency = "EUR" if n % 10 == 0 else "PLN"
            path = [("lead", 5), ("qualification", 20)]
            if n % 3 == 0:
                path = path[:rng.randrange(1, 3)] + ([("offer", 50)] if rng.random() < 0.4 else [])
                status, closed = "open", None
            else:
                path.append(("offer", 50))
                won = rng.random() < 0.35
                path.append(("won", 100) if won else ("lost", 0))
                status = "won" if won else "lost"
            at = opened
            moves = []
            for i, (stage, probability) in enumerate(path):
                history.append(dict(opportunity_id=n + 1, from_stage=path[i - 1][0] if i else None, to_stage=stage,
                                    probability=probability, changed_by_id=manager_id, changed_at=at))
                moves.append((at, stage, probability))
                if i + 1 < len(path):
                    at = min(at + timedelta(days=rng.uniform(0, 20)), now)
            closed = at if status != "open" else None
            stage, probability = path[-1]
            attributes = {k: v for k, v in (("territory", TERRITORIES[n % len(TERRITORIES)]),
                                            ("source", SOURCES[(n // 7) % len(SOURCES)])) if v}
            deals.append(dict(
                id=n + 1, title=f"Deal {n}", partner_id=n % PARTNERS + 1, partner_name=f"Partner {n % PARTNERS}",
                partner={}, amount=amount, currency=currency, attributes=attributes,
                segment_id="horeca" if n % 4 == 0 else "everyone-else", team_id=teams[n % 2],
                owner_id=rep_ids[n % REPS], manager_id=manager_id, methodology_version_id=version_id,
                stage_id=stage, stage_entered_at=at, probability=probability,
                expected_revenue=(amount * probability / 100).quantize(Decimal("0.01")), status=status,
                opened_at=opened, closed_at=closed, workflow_state="", row_version=1))
            lives.append((n + 1, opened, closed, moves, deals[-1]))
        with database.begin() as connection:
            connection.execute(insert(Opportunity.__table__), deals)
            connection.execute(insert(StageChange.__table__), history)
        changes += len(history)
        done = min(start + batch, opportunities)
        print(f"\r  {done:>7} opportunities, {changes:>7} stage changes", end="", flush=True)
    print()
    with database.begin() as connection:
        # the kept stage figures, as the migration that adds them computes them for a
        # deployment's existing history (the use cases keep them from then on)
        parts = stage_totals.rebuild_on(connection)
    print(f"  {parts} deal-stage parts of the kept stage figures rebuilt from the history")
    with database.begin() as connection, Session(bind=connection) as session:
        # the kept grouped totals (engine.store.deal_totals), as the use cases keep them
        parts = deal_totals.rebuild(session)
    print(f"  {parts} deal parts of the kept grouped totals rebuilt from the deals")
    file_snapshots(database, lives, now)
    with database.begin() as connection:
        connection.execute(text("ANALYZE"))  # fresh statistics, as a live database has
    database.dispose()
    return engine


def file_snapshots(database, lives: list[tuple], now: datetime) -> None:
    """A year of daily snapshots as the sweep files them (its row shape:
    engine.service.snapshots._row): on each past day, a row per deal open when the
    day began (or opened that day), in the stage it stood in then. Core inserts on
    SQLite, COPY on PostgreSQL, a month of days at a time; then the per-day totals
    the trend reads, rebuilt by the function the migration that adds them uses
    (engine.store.snapshot_totals.rebuild), as a deployment upgraded with a year of
    snapshots on file has them (from then on the sweep adds to them)."""
    today = now.date()
    first = today - timedelta(days=365)
    category = {p: forecast_categories.category_of(p, None) for p in (5, 20, 50)}
    columns = [c.name for c in DealSnapshot.__table__.columns]
    filed = 0
    for start in range(0, 366, 31):
        days = [first + timedelta(days=d) for d in range(start, min(start + 31, 366))]
        rows = []
        chunk_begins = datetime.combine(days[0], datetime.min.time(), tzinfo=timezone.utc)
        chunk_ends = chunk_begins + timedelta(days=len(days))
        alive = [life for life in lives if life[1] < chunk_ends and (life[2] is None or life[2] > chunk_begins)]
        for day in days:
            begins = datetime.combine(day, datetime.min.time(), tzinfo=timezone.utc)
            ends = begins + timedelta(days=1)
            for deal_id, opened, closed, moves, deal in alive:
                if opened >= ends or (closed is not None and closed <= begins):
                    continue
                _, stage, probability = next((m for m in reversed(moves) if m[0] <= begins), moves[0])
                rows.append((day, deal_id, stage, int(deal["amount"]) * 100, deal["currency"], probability,
                             category[probability], False, None, deal["owner_id"], deal["manager_id"],
                             deal["team_id"], deal["methodology_version_id"], deal["segment_id"], begins))
        with database.begin() as connection:
            if database.dialect.name == "postgresql":
                with connection.connection.cursor() as cursor, cursor.copy(
                        f"COPY deal_snapshots ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:  # the text SQLAlchemy's Date, DateTime and Boolean store on SQLite; amounts in cents
                connection.exec_driver_sql(
                    f"INSERT INTO deal_snapshots ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                    [(day.isoformat(), *rest[:6], int(rest[6]), *rest[7:13],
                      taken.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")) for day, *rest, taken in rows])
        filed += len(rows)
        print(f"\r  {filed:>9} snapshot rows up to {days[-1]}", end="", flush=True)
    print()
    with database.begin() as connection:
        totals = snapshot_totals.rebuild(connection)
    print(f"  {totals} per-day totals rebuilt from them")


FLOORS: dict[str, float] = {}  # per database: the floor measured in this run


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def floor_ms(engine: Engine, runs: int) -> float:
    """The floor, measured in the same run: the median time to read every row of the
    kept grouped totals (what a grouped report reads at the least) in one bare
    statement on a connection of its own — no façade, no scope, no views."""
    database = create_engine(engine.url)
    statement = select(DealReportTotal.__table__)
    samples = []
    with database.connect() as connection:
        connection.execute(statement).fetchall()  # warm-up
        for _ in range(runs):
            started = time.perf_counter()
            connection.execute(statement).fetchall()
            samples.append((time.perf_counter() - started) * 1000)
    database.dispose()
    return statistics.median(samples)


def measure(engine: Engine, runs: int, label: str) -> dict[str, float]:
    reports = {f"pipeline --group-by {g}": (lambda g=g: engine.pipeline_report(viewer="manager", group_by=g))
               for g in GROUPINGS}
    reports["methodologies"] = lambda: engine.methodology_report(viewer="manager")
    # over the snapshots (issue 13's --as-of and deal changes): a month ago, and what moved since
    month_ago = (datetime.now(timezone.utc) - timedelta(days=30)).date().isoformat()
    for g in ("stage", "rep"):
        reports[f"pipeline --as-of {month_ago} --group-by {g}"] = (
            lambda g=g: engine.pipeline_report_as_of(viewer="manager", as_of=month_ago, group_by=g))
    reports["changes (last week to now)"] = lambda: engine.deal_changes(viewer="manager")
    reports[f"changes --since {month_ago}"] = lambda: engine.deal_changes(viewer="manager", since=month_ago)
    worst = {}
    for name, run in reports.items():
        run()  # warm-up: the catalog's methodology cache, the statement cache
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            run()
            samples.append((time.perf_counter() - started) * 1000)
        p50, p95 = percentiles(samples)
        worst[f"{label}: {name}"] = p95
        print(f"  {label:<10} {name:<46} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms")
    floor = floor_ms(engine, runs)
    FLOORS[label] = floor
    print(f"  {label:<10} floor (every kept total, one bare SELECT): {floor:.1f} ms; "
          f"worst p95 / floor = {max(worst.values()) / floor:.1f}")
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opportunities", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--only", choices=("sqlite", "postgresql"), help="measure one database only")
    args = parser.parse_args()
    results: dict[str, float] = {}
    if args.only != "postgresql":
        with tempfile.TemporaryDirectory() as folder:
            print(f"SQLite: building {args.opportunities} opportunities ...")
            engine = build(f"sqlite:///{folder}/reports.db", args.opportunities)
            results.update(measure(engine, args.runs, "SQLite"))
            engine.close()
    postgres = os.environ.get("DEALFLOW_BENCH_POSTGRES_URL") or os.environ.get("DEALFLOW_TEST_POSTGRES_URL")
    if postgres and args.only != "sqlite":
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(postgres.replace("postgresql://", "postgresql+psycopg://", 1))
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            print(f"PostgreSQL: building {args.opportunities} opportunities ...")
            separator = "&" if "?" in postgres else "?"
            engine = build(f"{postgres}{separator}options=-csearch_path%3D{schema}", args.opportunities)
            results.update(measure(engine, args.runs, "PostgreSQL"))
            engine.close()
        finally:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    elif args.only != "sqlite":
        print("PostgreSQL: skipped; set DEALFLOW_BENCH_POSTGRES_URL (or DEALFLOW_TEST_POSTGRES_URL) to measure it")
    name, p95 = max(results.items(), key=lambda item: item[1])
    floor = FLOORS[name.split(":")[0]]
    print(f"p95={p95:.0f} ms (worst report: {name}) floor={floor:.1f} ms ratio={p95 / floor:.1f}")


if __name__ == "__main__":
    main()
