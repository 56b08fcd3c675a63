"""How fast the pipeline board answers for a manager with 1,000 open deals.

One command:  python bench/board.py [--deals 1000] [--requests 30]

Builds, in a fresh SQLite file (and, when DEALFLOW_BENCH_POSTGRES_URL or
DEALFLOW_TEST_POSTGRES_URL is set, in a fresh PostgreSQL schema), the demo's people
and the shipped methodologies, one real deal opened through the façade, and copies of
it with their open task up to ``--deals`` — then measures Engine.board('manager')
(every deal on one board, with its moves) and GET /board through Flask's test client,
and counts the statements one board takes. The floor, measured in the same run, is
the board's two main queries (the deals with their owner, their open tasks) sent
straight through the driver; the last line is ratio=X.XX (board p50 / floor p50).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, event, insert, select, text
from sqlalchemy.engine import Engine as SqlEngine

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from engine.demo import seed_demo  # noqa: E402
from engine.service import Engine  # noqa: E402
from engine.store.models import InboxTask, Opportunity  # noqa: E402
from webui import create_app  # noqa: E402

FLOOR_DEALS = ("SELECT o.id, o.title, o.partner_name, o.amount, o.currency, o.probability, o.stage_id, "
               "o.status, o.methodology_version_id, u.username, u.display_name FROM opportunities o "
               "JOIN users u ON u.id = o.owner_id WHERE o.status = 'open'")
FLOOR_TASKS = "SELECT id, opportunity_id, node_id, name, due_at FROM tasks WHERE status = 'ready'"


def build(url: str, deals: int) -> Engine:
    engine = Engine(url, upgrade_schema=True)
    seed_demo(engine, str(REPO / "methodologies"), count=0)
    first = engine.create_opportunity(title="Hurtownia 0", amount="25000.00", partner="Hurt-Pol", actor="manager",
                                      attributes={"channel": "wholesale", "territory": "PL-MZ"}, owner="rep1")
    database = create_engine(engine.url)
    with database.begin() as connection:
        row = dict(connection.execute(select(Opportunity.__table__)
                                      .where(Opportunity.id == first.id)).mappings().one())
        tasks = [dict(t) for t in connection.execute(select(InboxTask.__table__).where(
            InboxTask.opportunity_id == first.id, InboxTask.status == "ready")).mappings()]
        row.pop("id")
        copies = [{**row, "title": f"Hurtownia {n}", "amount": row["amount"] + n} for n in range(1, deals)]
        ids = [r for (r,) in connection.execute(insert(Opportunity.__table__).returning(Opportunity.id), copies)]
        connection.execute(insert(InboxTask.__table__), [{**t, "id": str(uuid.uuid4()), "opportunity_id": i}
                                                         for i in ids for t in tasks])
    database.dispose()
    return engine


def timed(action, requests: int) -> list[float]:
    action()  # warm-up (the catalog reads the methodology version once)
    samples = []
    for _ in range(requests):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def statements(engine: Engine) -> int:
    seen = []

    def count(*_):
        seen.append(1)
    event.listen(SqlEngine, "before_cursor_execute", count)
    try:
        engine.board("manager")
    finally:
        event.remove(SqlEngine, "before_cursor_execute", count)
    return len(seen)


def measure(engine: Engine, deals: int, requests: int, label: str) -> float:
    database = create_engine(engine.url)

    def floor():
        with database.connect() as connection:
            connection.execute(text(FLOOR_DEALS)).all()
            connection.execute(text(FLOOR_TASKS)).all()

    app = create_app({"ENGINE": engine, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    engine.set_password("manager", "benchmark-password")
    client = app.test_client()
    client.post("/login", data={"username": "manager", "password": "benchmark-password"})
    cards = sum(b.count for b in engine.board("manager").boards)
    assert cards == deals, f"the manager's board shows {cards} deals, not {deals}"

    def page():
        assert client.get("/board").status_code == 200

    floor_p50 = statistics.median(timed(floor, requests))
    board_p50 = statistics.median(timed(lambda: engine.board("manager"), requests))
    page_p50 = statistics.median(timed(page, requests))
    database.dispose()
    print(f"{label}: the manager's board, {deals} open deals; {requests} requests each; "
          f"{statements(engine)} statements a board")
    print(f"  floor (deals and open tasks through the driver): p50 {floor_p50:7.2f} ms")
    print(f"  Engine.board('manager'):                          p50 {board_p50:7.2f} ms")
    print(f"  GET /board (the page):                            p50 {page_p50:7.2f} ms")
    return board_p50 / floor_p50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = build(f"sqlite:///{Path(folder) / 'board.db'}", args.deals)
        ratio = measure(engine, args.deals, args.requests, "SQLite")
        engine.close()
    postgres = os.environ.get("DEALFLOW_BENCH_POSTGRES_URL") or os.environ.get("DEALFLOW_TEST_POSTGRES_URL")
    if postgres:
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(postgres)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        separator = "&" if "?" in postgres else "?"
        try:
            engine = build(f"{postgres}{separator}options=-csearch_path%3D{schema}", args.deals)
            ratio = measure(engine, args.deals, args.requests, "PostgreSQL")
            engine.close()
        finally:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    print(f"ratio={ratio:.2f}")


if __name__ == "__main__":
    main()
