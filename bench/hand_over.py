"""How long handing a partner with 1,000 open deals to another rep takes (M12).

One command:  python bench/hand_over.py [--deals 1000] [--activities 200] [--postgres]

In a fresh SQLite file (with --postgres: a fresh schema of DEALFLOW_BENCH_POSTGRES_URL
or DEALFLOW_TEST_POSTGRES_URL) with the shipped methodologies, partner "Bistro" of
rep1 gets its deals: 20 through the façade (Engine.create_opportunity: real rows,
tasks, events), the rest cloned from the first in bulk with its READY inbox rows and
an 'opened' event; then ``--activities`` planned activities of rep1 with it. It
times one dry run and one Engine.hand_over_partner(to='rep2', closed_deals='move')
and checks what the goal asks besides the time: every deal and task moved, and the
activity and history rows as many as before (plus the hand-over's own audit).
Target: < 2 s for 1,000 deals (docs/benchmarks.md).
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
from engine.store.models import Event, InboxTask, Opportunity, StageChange  # noqa: E402
from engine.store.partner_models import Activity, PartnerEvent  # noqa: E402

SEEDS = 20
ATTRIBUTES = {"channel": "horeca", "territory": "PL-MZ"}


def build(url: str, deals: int, activities: int) -> tuple[Engine, int]:
    engine = Engine(url, upgrade_schema=True)
    engine.create_user("manager", "manager")
    for name in ("rep1", "rep2"):
        engine.create_user(name, "rep")
    engine.deploy(str(REPO / "methodologies"), actor="manager")
    for team in {s.team for s in engine.list_segments(viewer=None)}:
        engine.create_team(team, "manager", ["rep1", "rep2"])
    seeds = [engine.create_opportunity(title=f"Seed {n}", amount="1000.00", partner="Bistro", actor="manager",
                                       attributes=ATTRIBUTES, owner="rep1") for n in range(min(SEEDS, deals))]
    partner_id = seeds[0].partner_id
    database = create_engine(engine.url)
    now = datetime.now(timezone.utc)
    with database.begin() as connection:
        template = connection.execute(select(Opportunity.__table__).where(
            Opportunity.id == seeds[0].id)).mappings().one()
        task = connection.execute(select(InboxTask.__table__).where(
            InboxTask.opportunity_id == seeds[0].id, InboxTask.status == "ready")).mappings().first()
        next_id = connection.execute(text("SELECT max(id) FROM opportunities")).scalar() + 1
        clones = range(deals - len(seeds))
        connection.execute(insert(Opportunity.__table__), [
            {**template, "id": next_id + n, "title": f"Clone {n}", "row_version": 1} for n in clones])
        connection.execute(insert(InboxTask.__table__), [
            {**task, "id": str(uuid.uuid4()), "opportunity_id": next_id + n} for n in clones])
        connection.execute(insert(Event.__table__), [
            dict(opportunity_id=next_id + n, kind="opened", actor_id=None, at=now, data={"cloned": True})
            for n in clones])
        owner = template["owner_id"]
        connection.execute(insert(Activity.__table__), [
            dict(partner_id=partner_id, opportunity_id=None, kind="call", subject=f"Call {n}", owner_id=owner,
                 starts_at=now + timedelta(days=1 + n % 30), duration_minutes=30, status="planned", outcome="",
                 notes="", created_by_id=owner, created_at=now, updated_at=now, sequence=0, row_version=1)
            for n in range(activities)])
        if engine.url.startswith("postgresql"):
            connection.execute(text("ANALYZE"))
    database.dispose()
    return engine, partner_id


def rows(engine: Engine) -> dict[str, int]:
    with engine._sessions() as session:
        return {model.__name__: session.scalar(select(func.count()).select_from(model))
                for model in (Event, StageChange, Activity, InboxTask, PartnerEvent)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=1000)
    parser.add_argument("--activities", type=int, default=200)
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
        engine, partner_id = build(url, args.deals, args.activities)
        before = rows(engine)
        started = time.perf_counter()
        preview = engine.hand_over_partner(partner_id, to="rep2", actor="manager", closed_deals="move", dry_run=True)
        dry = time.perf_counter() - started
        started = time.perf_counter()
        report = engine.hand_over_partner(partner_id, to="rep2", actor="manager", closed_deals="move")
        took = time.perf_counter() - started
        after = rows(engine)
        assert len(report.open_deals_moved) == args.deals and report.tasks_moved >= args.deals
        assert report.activities_moved == args.activities and preview.tasks_moved == report.tasks_moved
        assert after == {**before, "Event": before["Event"] + args.deals,
                         "PartnerEvent": before["PartnerEvent"] + 1}, (before, after)
        engine.close()
        print(f"{args.deals} deals, {report.tasks_moved} tasks, {report.activities_moved} activities "
              f"({'PostgreSQL' if args.postgres else 'SQLite'}): dry run {dry:.2f} s, hand-over {took:.2f} s, "
              f"{took / args.deals * 1000:.2f} ms a deal; activity and history rows as before plus "
              f"{args.deals} reassigned events and 1 partner entry")
    finally:
        if admin is not None:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
