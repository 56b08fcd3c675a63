"""How fast one rep's inbox answers in a big database.

One command:  python bench/inbox.py [--opportunities 100000] [--requests 300]

Builds, in a fresh SQLite file (and, when DEALFLOW_BENCH_POSTGRES_URL or
DEALFLOW_TEST_POSTGRES_URL is set, in a fresh PostgreSQL schema), 100,000
opportunities and 1,000,000 task rows — ten per deal, most of them completed; 500
reps own 200 deals each, of which one in five is open with one READY task, so a rep's
inbox holds about 40 tasks — then measures, through Flask's test client:

    GET /api/v1/inbox       (bearer token)
    GET /                   (the inbox page, logged in)

and prints p50 and p95 latency of each. The floor, measured in the same run, is the
inbox's two queries (count and first page) sent straight through the database
driver; the last line is ratio=X.XX (API p50 / floor p50). Target: p95 <= 15 ms.
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

from sqlalchemy import create_engine, insert, text

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from engine.service import Engine  # noqa: E402
from engine.store.models import InboxTask, Opportunity, TeamMember, User  # noqa: E402
from webui import create_app  # noqa: E402

REPS = 500
TASKS_PER_DEAL = 10
PASSWORD = "benchmark-password"
STAGES = [("need_information", 1), ("meeting", 3), ("opportunity_analysis", 5), ("negotiation", 40),
          ("order", 80)]


def build(url: str, opportunities: int) -> Engine:
    engine = Engine(url, upgrade_schema=True)
    engine.create_user("manager", "manager", password=PASSWORD)
    engine.create_team("sales", "manager", [])
    engine.deploy(str(REPO / "methodologies"), actor="manager")
    database = create_engine(engine.url)
    now = datetime.now(timezone.utc)
    rng = random.Random(7)
    with database.begin() as connection:
        version_id = connection.execute(text("SELECT max(id) FROM methodology_versions")).scalar()
        team_id = connection.execute(text("SELECT id FROM teams WHERE name = 'sales'")).scalar()
        manager_id = connection.execute(text("SELECT id FROM users WHERE username = 'manager'")).scalar()
        connection.execute(insert(User.__table__), [
            dict(username=f"rep{i}", display_name=f"Rep {i}", role="rep", password_hash=None, active=True,
                 created_at=now) for i in range(1, REPS + 1)])
        rep_ids = [r for (r,) in connection.execute(text("SELECT id FROM users WHERE role = 'rep' ORDER BY id"))]
        connection.execute(insert(TeamMember.__table__), [dict(team_id=team_id, user_id=r) for r in rep_ids])
    engine.set_password("rep1", PASSWORD)
    batch = 5_000
    for start in range(0, opportunities, batch):
        deals, tasks = [], []
        for n in range(start, min(start + batch, opportunities)):
            owner = rep_ids[n % REPS]
            is_open = (n // REPS) % 5 == 0  # one deal in five of every rep
            stage, probability = STAGES[n % len(STAGES)]
            amount = Decimal(rng.randrange(1_000, 500_000))
            deals.append(dict(
                id=n + 1, title=f"Deal {n}", partner_name=f"Partner {n % 9973}", partner={}, amount=amount,
                currency="PLN", attributes={"channel": "wholesale"}, segment_id="wholesale-central",
                team_id=team_id, owner_id=owner, manager_id=manager_id, methodology_version_id=version_id,
                stage_id=stage if is_open else "payment", stage_entered_at=now, probability=probability,
                expected_revenue=(amount * probability / 100).quantize(Decimal("0.01")), status="open" if is_open else "won",
                opened_at=now - timedelta(days=90), workflow_state="", row_version=1))
            for k in range(TASKS_PER_DEAL):
                ready = is_open and k == TASKS_PER_DEAL - 1
                created = now - timedelta(days=90 - k)
                tasks.append(dict(
                    id=str(uuid.UUID(int=rng.getrandbits(128))), opportunity_id=n + 1, node_id=f"Task_{k}",
                    name=f"Step {k}", instructions="", form=[], lane="rep", assignee_id=owner,
                    candidate_team_id=None, status="ready" if ready else "completed",
                    due_at=created + timedelta(days=rng.randrange(-5, 15)), created_at=created,
                    completed_by_id=None if ready else owner, completed_at=None if ready else created))
        with database.begin() as connection:
            connection.execute(insert(Opportunity.__table__), deals)
            connection.execute(insert(InboxTask.__table__), tasks)
        print(f"\r  {min(start + batch, opportunities):>7} opportunities, "
              f"{min(start + batch, opportunities) * TASKS_PER_DEAL:>8} tasks", end="", flush=True)
    print()
    with database.begin() as connection:
        connection.execute(text("ANALYZE"))  # fresh statistics, as a live database has
    database.dispose()
    return engine


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.95) - 1] * 1000


def timed(action, requests: int) -> list[float]:
    for _ in range(20):
        action()  # warm up
    samples = []
    for _ in range(requests):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return samples


def floor(engine: Engine, requests: int) -> list[float]:
    """The inbox's count and first-page queries sent straight through the driver."""
    database = create_engine(engine.url)
    rep_id = None
    with database.connect() as connection:
        rep_id = connection.execute(text("SELECT id FROM users WHERE username = 'rep1'")).scalar()
    count = text("SELECT count(*) FROM tasks WHERE status = 'ready' AND assignee_id = :rep")
    first_page = text("SELECT tasks.*, opportunities.title FROM tasks JOIN opportunities "
                      "ON opportunities.id = tasks.opportunity_id WHERE tasks.status = 'ready' "
                      "AND tasks.assignee_id = :rep ORDER BY tasks.due_at LIMIT 25")
    connection = database.connect()
    raw = connection.connection.driver_connection

    def queries():
        cursor = raw.cursor()
        for statement in (count, first_page):
            sql = str(statement.compile(dialect=database.dialect))
            if database.dialect.name == "sqlite":
                cursor.execute(sql.replace("?", str(rep_id)) if "?" in sql else sql.replace(":rep", str(rep_id)))
            else:
                cursor.execute(sql.replace("%(rep)s", str(rep_id)))
            cursor.fetchall()
        cursor.close()

    samples = timed(queries, requests)
    connection.close()
    database.dispose()
    return samples


def measure(engine: Engine, requests: int, label: str) -> float:
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "ENGINE": engine, "WTF_CSRF_ENABLED": False})
    token = engine.create_token("rep1")
    api = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    page = app.test_client()
    login = page.post("/login", data={"username": "rep1", "password": PASSWORD})
    if login.status_code not in (302, 303):
        raise SystemExit(f"could not log in to the inbox page: HTTP {login.status_code}")

    def get_api():
        response = api.get("/api/v1/inbox", headers=headers)
        assert response.status_code == 200, response.status_code

    def get_page():
        response = page.get("/")
        assert response.status_code == 200, response.status_code

    tasks = len(api.get("/api/v1/inbox", headers=headers).get_json()["tasks"])
    floor_p50, floor_p95 = percentiles(floor(engine, requests))
    api_p50, api_p95 = percentiles(timed(get_api, requests))
    page_p50, page_p95 = percentiles(timed(get_page, requests))
    print(f"{label}: rep1's inbox, {tasks} tasks on the first page; {requests} requests each")
    print(f"  floor  (the two inbox queries through the driver): p50 {floor_p50:6.2f} ms  p95 {floor_p95:6.2f} ms")
    print(f"  GET /api/v1/inbox:                                 p50 {api_p50:6.2f} ms  p95 {api_p95:6.2f} ms")
    print(f"  GET / (inbox page):                                p50 {page_p50:6.2f} ms  p95 {page_p95:6.2f} ms")
    return api_p50 / floor_p50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opportunities", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        print(f"SQLite: building {args.opportunities} opportunities ...")
        engine = build(f"sqlite:///{folder}/inbox.db", args.opportunities)
        ratio = measure(engine, args.requests, "SQLite")
        engine.close()
    postgres = os.environ.get("DEALFLOW_BENCH_POSTGRES_URL") or os.environ.get("DEALFLOW_TEST_POSTGRES_URL")
    if postgres:
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(postgres.replace("postgresql://", "postgresql+psycopg://", 1))
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            print(f"PostgreSQL: building {args.opportunities} opportunities ...")
            separator = "&" if "?" in postgres else "?"
            engine = build(f"{postgres}{separator}options=-csearch_path%3D{schema}", args.opportunities)
            measure(engine, args.requests, "PostgreSQL")
            engine.close()
        finally:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    else:
        print("PostgreSQL: skipped; set DEALFLOW_BENCH_POSTGRES_URL (or DEALFLOW_TEST_POSTGRES_URL) to measure it")
    print(f"ratio={ratio:.2f}")


if __name__ == "__main__":
    main()
