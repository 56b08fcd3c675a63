"""How long the early warnings' sweep (M18) takes over 100,000 open deals.

One command:  python bench/warnings.py [--deals 100000] [--postgres]

Builds, in a fresh SQLite file (or, with --postgres, a fresh schema of
DEALFLOW_BENCH_POSTGRES_URL / DEALFLOW_TEST_POSTGRES_URL), the test methodology with
'max_days_in_stage: 10' on its qualification stage and ``--deals`` open deals cloned
from a real one, spread so that every rule has work: stage entered 0-29 days ago
(a third rotting), the next action due -5..+9 days, one deal in four with a close
date in the past, one in ten with a probability drop (an override event), one done
activity and one completed task for half of them. Then times:

    the first sweep   (every warning new: inserted)
    a second sweep    (nothing changed: every warning found again, nothing written)
    a third sweep     a week later (rotting and idle ones move on, missed ones clear)

The floor, measured in the same run, is the sweep's reads sent straight through the
driver (the open deals' columns, the last activity and last task per deal); the last
line is ``ratio=X.XX`` (second sweep / floor). Target: a sweep <= 60 s.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import create_engine, insert, select, text

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from engine.service import Engine  # noqa: E402
from engine.store.models import Event, InboxTask, Opportunity  # noqa: E402
from engine.store.partner_models import Activity  # noqa: E402

START = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
BATCH = 5_000


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def methodology(folder: Path) -> Path:
    shutil.copytree(REPO / "tests" / "methodology" / "base", folder)
    stages = folder / "stages" / "small-deal.yaml"
    stages.write_text(stages.read_text("utf-8").replace(
        "    entered_at: [Task_Qualify]\n", "    entered_at: [Task_Qualify]\n    max_days_in_stage: 10\n"), "utf-8")
    return folder


def build(url: str, deals: int, clock: Clock) -> Engine:
    engine = Engine(url, clock=clock, upgrade_schema=True)
    engine.create_user("manager", "manager")
    engine.create_user("admin", "admin")
    for name in ("rep1", "rep2"):
        engine.create_user(name, "rep")
    engine.create_team("sales", "manager", ["rep1", "rep2"])
    engine.deploy(str(methodology(Path(tempfile.mkdtemp()) / "methodologies")), actor="admin")
    seed = engine.create_opportunity(title="Seed", amount="1000.00", partner="Bistro", actor="manager",
                                     attributes={"channel": "retail"}, owner="rep1")
    database = create_engine(engine.url)
    rng = random.Random(7)
    with database.begin() as connection:
        template = connection.execute(select(Opportunity.__table__).where(Opportunity.id == seed.id)).mappings().one()
        task = connection.execute(select(InboxTask.__table__).where(InboxTask.opportunity_id == seed.id)) \
            .mappings().first()
        owner = template["owner_id"]
    for start in range(1, deals, BATCH):
        rows, tasks, events, activities = [], [], [], []
        for n in range(start, min(start + BATCH, deals)):
            deal_id = seed.id + n
            entered = START - timedelta(days=rng.randrange(0, 30), hours=rng.randrange(0, 24))
            rows.append({**template, "id": deal_id, "title": f"Deal {n}", "row_version": 1,
                         "opened_at": entered - timedelta(days=5), "stage_entered_at": entered,
                         "next_action_at": START + timedelta(days=rng.randrange(-5, 10)),
                         "expected_close_date": (date(2026, 10, 1) if n % 4 == 0 else date(2027, 3, 31)),
                         "probability": 5 if n % 10 == 0 else template["probability"]})
            events.append(dict(opportunity_id=deal_id, kind="stage_changed", actor_id=None, at=entered,
                               data={"from_stage": None, "to_stage": "qualification", "probability": 20}))
            if n % 10 == 0:
                events.append(dict(opportunity_id=deal_id, kind="probability_overridden", actor_id=None,
                                   at=START - timedelta(days=2), data={"probability_before": 20, "probability": 5}))
            if n % 2 == 0:
                done = START - timedelta(days=rng.randrange(0, 30))
                tasks.append({**task, "id": str(uuid.UUID(int=rng.getrandbits(128))), "opportunity_id": deal_id,
                              "status": "completed", "completed_at": done, "completed_by_id": owner})
                activities.append(dict(partner_id=template["partner_id"], opportunity_id=deal_id, kind="call",
                                       subject=f"Call {n}", owner_id=owner, starts_at=done, duration_minutes=30,
                                       status="done", outcome="", notes="", created_by_id=owner, created_at=done,
                                       updated_at=done, done_at=done, sequence=0, row_version=1))
        with database.begin() as connection:
            connection.execute(insert(Opportunity.__table__), rows)
            connection.execute(insert(InboxTask.__table__), tasks)
            connection.execute(insert(Event.__table__), events)
            connection.execute(insert(Activity.__table__), activities)
        print(f"\r  {min(start + BATCH, deals):>7} deals", end="", flush=True)
    print()
    with database.begin() as connection:
        connection.execute(text("ANALYZE"))
    database.dispose()
    return engine


def floor(engine: Engine) -> float:
    """The sweep's main reads, straight through the driver."""
    database = create_engine(engine.url)
    statements = [
        "SELECT id, methodology_version_id, stage_id, stage_entered_at, next_action_at, expected_close_date, "
        "opened_at, probability, amount, currency FROM opportunities WHERE status = 'open'",
        "SELECT activities.opportunity_id, max(activities.done_at) FROM activities JOIN opportunities "
        "ON opportunities.id = activities.opportunity_id WHERE opportunities.status = 'open' "
        "AND activities.status = 'done' GROUP BY activities.opportunity_id",
        "SELECT tasks.opportunity_id, max(tasks.completed_at) FROM tasks JOIN opportunities "
        "ON opportunities.id = tasks.opportunity_id WHERE opportunities.status = 'open' "
        "AND tasks.status = 'completed' GROUP BY tasks.opportunity_id",
    ]
    with database.connect() as connection:
        raw = connection.connection.driver_connection
        started = time.perf_counter()
        cursor = raw.cursor()
        for sql in statements:
            cursor.execute(sql)
            cursor.fetchall()
        cursor.close()
        took = time.perf_counter() - started
    database.dispose()
    return took


def timed(action):
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


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
    clock = Clock(START - timedelta(days=40))
    try:
        engine = build(url, args.deals, clock)
        clock.now = START
        first, t1 = timed(engine.sweep_warnings)
        second, t2 = timed(engine.sweep_warnings)
        clock.now = START + timedelta(days=7)
        third, t3 = timed(engine.sweep_warnings)
        base_time = floor(engine)
        engine.close()
        assert first.deals == args.deals and second.fired == 0 and second.cleared == 0, (first, second)
        kind = "PostgreSQL" if args.postgres else "SQLite"
        print(f"{args.deals} open deals ({kind}): first sweep {t1:.1f} s ({first.fired} warnings raised), "
              f"second {t2:.1f} s (0 new, {second.open} open), a week later {t3:.1f} s "
              f"({third.fired} raised, {third.cleared} cleared); floor (the reads alone) {base_time:.2f} s")
        print(f"sweep={max(t1, t2, t3):.1f} s (target <= 60 s) ratio={t2 / base_time:.2f}")
    finally:
        if admin is not None:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
