"""How fast one rep's inbox answers in a big database.

One command:
    DEALFLOW_BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        python bench/inbox.py [--rows 10000000] [--teams-per-user 50] [--requests 300]
    python bench/inbox.py --schema inbox_10m    # build into a kept schema; run again: measure only
    python bench/inbox.py --sqlite --rows 100000      # a temporary SQLite file instead

Builds, in a fresh PostgreSQL schema (dropped at the end), ``--rows`` task rows on
``--rows``/10 opportunities — ten tasks per deal, nine in ten completed. Reps own 200
deals each (so there are rows/2,000 reps), one deal in five is open with one READY
task, so a rep's own inbox holds about 40 tasks; there are 500 teams and every user is
a member of ``--teams-per-user`` of them; one open deal in fifty waits unclaimed in a
team's queue instead of with its owner (rep1 sees about 400 of those). On PostgreSQL
the rows are written by INSERT ... SELECT over generate_series from one template row
per table (the columns the use cases fill, their defaults included), with the tasks'
secondary indexes dropped during the load and created again after (as they were); on
SQLite by Core inserts (small sizes). Then ANALYZE and, through Flask's test client:

    GET /api/v1/inbox       (bearer token)
    GET /                   (the inbox page, logged in)

p50 and p95 latency of each, over ``--requests`` requests. The floor, measured in the
same run, is the two queries the inbox needs — the visible tasks' counts grouped by
stage and version, and the first page (25, earliest due first, with the deal's title
and the assignee's and queue's names) — under rep1's visibility (theirs, or unclaimed
in one of their teams, as two arms: engine.store.inbox_arms), sent straight through
the database driver. ``--schema NAME`` (never the default) builds into that schema
and keeps it; a later run with the same name only measures (upgrading its schema
first: a new migration's indexes are built on the kept rows), so a change to the
queries is measured without the build (10,000,000 rows: 705 s on a busy machine).
Drop it yourself: DROP SCHEMA NAME CASCADE. Last line:
p95=X ms ratio=Y (the API's p95; its p50 over the floor's p50). Target (issue 16,
10,000,000 rows, 50 teams per user, PostgreSQL): p95 <= 10 ms, ratio <= 10.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import signal
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, event, insert, text
from sqlalchemy.engine import Engine as SqlEngine

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.fresh_schema import postgres_schema  # noqa: E402
from engine.service import Engine  # noqa: E402
from engine.store.models import InboxTask, Opportunity, Team, TeamMember, User  # noqa: E402
from webui import create_app  # noqa: E402

DEALS_PER_REP = 200
TASKS_PER_DEAL = 10
TEAMS = 500
QUEUED_EVERY = 50  # one open deal in fifty waits in a team's queue
PASSWORD = "benchmark-password"
STAGES = [("need_information", 1), ("meeting", 3), ("opportunity_analysis", 5), ("negotiation", 40),
          ("order", 80)]


def build(url: str, rows: int, teams_per_user: int) -> Engine:
    opportunities = max(1, rows // TASKS_PER_DEAL)
    reps = max(1, opportunities // DEALS_PER_REP)
    started = time.perf_counter()
    engine = Engine(url, upgrade_schema=True)
    engine.create_user("manager", "manager", password=PASSWORD)
    engine.deploy(str(REPO / "methodologies"), actor="manager")
    partner = engine.create_partner(actor="manager", name="Hurtownia Benchmark")
    database = create_engine(engine.url)
    now = datetime.now(timezone.utc)
    with database.begin() as connection:
        version_id = connection.execute(text("SELECT max(id) FROM methodology_versions")).scalar()
        manager_id = connection.execute(text("SELECT id FROM users WHERE username = 'manager'")).scalar()
        connection.execute(insert(User.__table__), [
            dict(username=f"rep{i}", display_name=f"Rep {i}", role="rep", password_hash=None, active=True,
                 created_at=now) for i in range(1, reps + 1)])
        rep_ids = [r for (r,) in connection.execute(text("SELECT id FROM users WHERE role = 'rep' ORDER BY id"))]
        connection.execute(insert(Team.__table__), [dict(name=f"team{t}", manager_id=manager_id, created_at=now)
                                                    for t in range(TEAMS)])
        team_ids = [t for (t,) in connection.execute(text("SELECT id FROM teams ORDER BY id"))]
        members = [dict(team_id=team_ids[(n * 7 + j) % TEAMS], user_id=r)
                   for n, r in enumerate(rep_ids) for j in range(min(teams_per_user, TEAMS))]
        for start in range(0, len(members), 50_000):
            connection.execute(insert(TeamMember.__table__), members[start:start + 50_000])
    engine.set_password("rep1", PASSWORD)
    layout = Layout(rep_ids, team_ids, manager_id, version_id, partner.id, now)
    if database.dialect.name == "postgresql":
        fill_postgres(database, layout, opportunities)
    else:
        fill_python(database, layout, opportunities)
    with database.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))  # fresh statistics, as a live database has
    database.dispose()
    print(f"  {opportunities} opportunities, {opportunities * TASKS_PER_DEAL} tasks, {reps} reps in "
          f"{min(teams_per_user, TEAMS)} of {TEAMS} teams each, in {time.perf_counter() - started:.0f} s")
    return engine


class Layout:
    """Who owns deal n, whether it is open, where its READY task waits — the same
    rules in Python (SQLite) and in SQL (PostgreSQL)."""

    def __init__(self, rep_ids, team_ids, manager_id, version_id, partner_id, now):
        self.rep_ids, self.team_ids, self.partner_id = rep_ids, team_ids, partner_id
        self.manager_id, self.version_id, self.now = manager_id, version_id, now
        assert rep_ids == list(range(rep_ids[0], rep_ids[0] + len(rep_ids))), "rep ids are not consecutive"
        assert team_ids == list(range(team_ids[0], team_ids[0] + len(team_ids))), "team ids are not consecutive"

    def deal(self, n: int, amount: Decimal) -> dict:
        reps = len(self.rep_ids)
        is_open = (n // reps) % 5 == 0  # one deal in five of every rep
        stage, probability = STAGES[n % len(STAGES)]
        return dict(
            id=n + 1, title=f"Deal {n}", partner_id=self.partner_id, partner_name="Hurtownia Benchmark", partner={},
            amount=amount,
            currency="PLN", attributes={"channel": "wholesale"}, segment_id="wholesale-central",
            team_id=self.team_ids[n % TEAMS], owner_id=self.rep_ids[n % reps], manager_id=self.manager_id,
            methodology_version_id=self.version_id, stage_id=stage if is_open else "payment",
            stage_entered_at=self.now, probability=probability,
            expected_revenue=(amount * probability / 100).quantize(Decimal("0.01")),
            status="open" if is_open else "won", opened_at=self.now - timedelta(days=90), workflow_state="",
            row_version=1)

    def task(self, n: int, k: int, deal: dict, rng: random.Random) -> dict:
        ready = deal["status"] == "open" and k == TASKS_PER_DEAL - 1
        queued = ready and n % QUEUED_EVERY == 7
        created = self.now - timedelta(days=90 - k)
        return dict(
            id=str(uuid.UUID(int=rng.getrandbits(128))), opportunity_id=n + 1, node_id=f"Task_{k}",
            name=f"Step {k}", instructions="", form=[], lane="rep",
            assignee_id=None if queued else deal["owner_id"],
            candidate_team_id=self.team_ids[n % TEAMS] if queued else None,
            status="ready" if ready else "completed",
            due_at=created + timedelta(days=rng.randrange(-5, 15)), created_at=created,
            completed_by_id=None if ready else deal["owner_id"], completed_at=None if ready else created)


def fill_python(database, layout: Layout, opportunities: int) -> None:
    rng = random.Random(7)
    batch = 5_000
    for start in range(0, opportunities, batch):
        deals, tasks = [], []
        for n in range(start, min(start + batch, opportunities)):
            deals.append(layout.deal(n, Decimal(rng.randrange(1_000, 500_000))))
            tasks += [layout.task(n, k, deals[-1], rng) for k in range(TASKS_PER_DEAL)]
        with database.begin() as connection:
            connection.execute(insert(Opportunity.__table__), deals)
            connection.execute(insert(InboxTask.__table__), tasks)
        print(f"\r  {min(start + batch, opportunities):>8} opportunities", end="", flush=True)
    print()


def fill_postgres(database, layout: Layout, opportunities: int) -> None:
    """Deal 0 and its tasks through Core (so every column has what an INSERT gives it,
    defaults included), then the rest by INSERT ... SELECT from them over
    generate_series, with the columns that differ computed by the Layout's rules."""
    rng = random.Random(7)
    first = layout.deal(0, Decimal(rng.randrange(1_000, 500_000)))
    with database.begin() as connection:
        connection.execute(insert(Opportunity.__table__), [first])
        connection.execute(insert(InboxTask.__table__), [layout.task(0, k, first, rng) for k in range(TASKS_PER_DEAL)])
        indexes = [(name, sql) for name, sql in connection.execute(text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = 'tasks' AND indexname <> 'tasks_pkey'"))]
        for name, _ in indexes:
            connection.execute(text(f'DROP INDEX "{name}"'))
    reps, rep0, team0 = len(layout.rep_ids), layout.rep_ids[0], layout.team_ids[0]
    deal_columns = {  # g: the deal's number
        # money is stored in grosze (engine.store.types.Money)
        "id": "g + 1", "title": "'Deal ' || g", "amount": "(1000 + (g::bigint * 7919) % 499000) * 100",
        "team_id": f"{team0} + g % {TEAMS}", "owner_id": f"{rep0} + g % {reps}",
        "status": f"CASE WHEN (g / {reps}) % 5 = 0 THEN 'open' ELSE 'won' END",
        "stage_id": f"CASE WHEN (g / {reps}) % 5 = 0 THEN (ARRAY{[s for s, _ in STAGES]})[g % {len(STAGES)} + 1] "
                    "ELSE 'payment' END",
        "probability": f"(ARRAY{[p for _, p in STAGES]})[g % {len(STAGES)} + 1]",
        "expected_revenue": f"(1000 + (g::bigint * 7919) % 499000) * (ARRAY{[p for _, p in STAGES]})"
                            f"[g % {len(STAGES)} + 1]",
    }
    ready = f"(g / {TASKS_PER_DEAL} / {reps}) % 5 = 0 AND g % {TASKS_PER_DEAL} = {TASKS_PER_DEAL - 1}"
    queued = f"({ready}) AND (g / {TASKS_PER_DEAL}) % {QUEUED_EVERY} = 7"
    task_columns = {  # g: the task's number; g / 10 the deal's
        "id": "'00000000-0000-4000-8000-' || lpad(to_hex(g), 12, '0')",
        "opportunity_id": f"g / {TASKS_PER_DEAL} + 1", "node_id": f"'Task_' || g % {TASKS_PER_DEAL}",
        "name": f"'Step ' || g % {TASKS_PER_DEAL}",
        "assignee_id": f"CASE WHEN {queued} THEN NULL ELSE {rep0} + (g / {TASKS_PER_DEAL}) % {reps} END",
        "candidate_team_id": f"CASE WHEN {queued} THEN {team0} + (g / {TASKS_PER_DEAL}) % {TEAMS} END",
        "status": f"CASE WHEN {ready} THEN 'ready' ELSE 'completed' END",
        "created_at": f"now() - make_interval(days => 90 - g % {TASKS_PER_DEAL})",
        "due_at": f"now() - make_interval(days => 90 - g % {TASKS_PER_DEAL} - (g * 37) % 20 + 5)",
        "completed_by_id": f"CASE WHEN {ready} THEN NULL ELSE {rep0} + (g / {TASKS_PER_DEAL}) % {reps} END",
        "completed_at": f"CASE WHEN {ready} THEN NULL ELSE now() - make_interval(days => 90 - g % {TASKS_PER_DEAL}) END",
    }
    step = 1_000_000
    for table, columns, total, key in (("opportunities", deal_columns, opportunities, "id = 1"),
                                       ("tasks", task_columns, opportunities * TASKS_PER_DEAL,
                                        "opportunity_id = 1 AND node_id = 'Task_0'")):
        with database.connect() as connection:
            names = [c for (c,) in connection.execute(text(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = :t ORDER BY ordinal_position"), {"t": table})]
        select_list = ", ".join(columns.get(name, f't."{name}"') for name in names)
        for low in range(0, total, step):
            high = min(low + step, total)
            with database.begin() as connection:
                low_ = max(low, TASKS_PER_DEAL if table == "tasks" else 1)  # deal 0 is the template
                if low_ < high:
                    connection.execute(text(
                        f'INSERT INTO {table} ({", ".join(chr(34) + n + chr(34) for n in names)}) '
                        f"SELECT {select_list} FROM {table} t, generate_series({low_}, {high - 1}) AS s(g) "
                        f"WHERE t.{key}"))
            print(f"\r  {table}: {high:>9}", end="", flush=True)
        print()
    with database.begin() as connection:
        for name, sql in indexes:
            connection.execute(text(sql))
        connection.execute(text("SELECT setval(pg_get_serial_sequence('opportunities', 'id'), "
                                "(SELECT max(id) FROM opportunities))"))


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.95) - 1] * 1000


def timed(action, requests: int, cpu: list | None = None) -> list[float]:
    """Wall seconds of each of ``requests`` calls; ``cpu`` gets this process's CPU
    seconds per call (on a shared machine the figure that waiting for a core does not
    inflate)."""
    for _ in range(20):
        action()  # warm up
    samples = []
    started = time.process_time()
    for _ in range(requests):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    if cpu is not None:
        cpu.append((time.process_time() - started) / requests)
    return samples


def floor(engine: Engine, requests: int) -> list[float]:
    """The inbox's two queries under rep1's visibility, straight through the driver."""
    database = create_engine(engine.url)
    with database.connect() as connection:
        rep = connection.execute(text("SELECT id FROM users WHERE username = 'rep1'")).scalar()
        teams = [t for (t,) in connection.execute(text("SELECT team_id FROM team_members WHERE user_id = :r"),
                                                 {"r": rep})]
    # The inbox's two statements for a rep as the app sends them since migration 0029
    # (engine.store.inbox_arms): their tasks and their teams' unclaimed ones as two
    # arms, each from its own index; the page's 25 ids chosen before its rows are read.
    team_list = ", ".join(map(str, teams or [-1]))
    mine = f"t.assignee_id = {rep} AND t.status = 'ready'"
    queued = f"t.assignee_id IS NULL AND t.candidate_team_id IN ({team_list}) AND t.status = 'ready'"
    now = "now()" if database.dialect.name == "postgresql" else "CURRENT_TIMESTAMP"
    order = "due_at IS NULL, due_at, created_at, id"
    statements = (
        f"SELECT o.stage_id, o.methodology_version_id, count(*), sum(v.mine), count(*) - sum(v.mine), "
        f"sum(CASE WHEN v.due_at < {now} THEN 1 ELSE 0 END) "
        f"FROM (SELECT t.opportunity_id, t.due_at, 1 AS mine FROM tasks t WHERE {mine} UNION ALL "
        f"SELECT t.opportunity_id, t.due_at, 0 FROM tasks t WHERE {queued}) v "
        f"JOIN opportunities o ON o.id = v.opportunity_id GROUP BY o.stage_id, o.methodology_version_id",
        f"SELECT t.id, t.opportunity_id, t.node_id, t.name, t.instructions, t.form, t.lane, t.assignee_id, "
        f"t.candidate_team_id, t.status, t.due_at, t.created_at, t.completed_by_id, t.completed_at, t.kind, "
        f"t.stage_id, t.required, o.title, o.stage_id, o.methodology_version_id, u.username, tm.name "
        f"FROM (SELECT * FROM (SELECT * FROM (SELECT t.id, t.due_at, t.created_at FROM tasks t WHERE {mine} "
        f"ORDER BY t.due_at NULLS LAST, t.created_at, t.id LIMIT 25) a UNION ALL "
        f"SELECT * FROM (SELECT t.id, t.due_at, t.created_at FROM tasks t WHERE {queued} "
        f"ORDER BY t.due_at NULLS LAST, t.created_at, t.id LIMIT 25) b) arms ORDER BY {order} LIMIT 25) p "
        f"JOIN tasks t ON t.id = p.id JOIN opportunities o ON o.id = t.opportunity_id "
        f"LEFT JOIN users u ON u.id = t.assignee_id LEFT JOIN teams tm ON tm.id = t.candidate_team_id "
        f"ORDER BY p.due_at IS NULL, p.due_at, p.created_at, p.id")
    connection = database.connect()
    raw = connection.connection.driver_connection

    def queries():
        cursor = raw.cursor()
        for sql in statements:
            cursor.execute(sql)
            cursor.fetchall()
        cursor.close()

    samples = timed(queries, requests)
    connection.close()
    database.dispose()
    return samples


def statements_per_request(action, requests: int = 20) -> float:
    """SQL statements sent per call of ``action`` (every SQLAlchemy engine of the process)."""
    seen = [0]

    def count(*_):
        seen[0] += 1

    event.listen(SqlEngine, "before_cursor_execute", count)
    try:
        for _ in range(requests):
            action()
    finally:
        event.remove(SqlEngine, "before_cursor_execute", count)
    return seen[0] / requests


def profiled(action, requests: int, path: str) -> None:
    """cProfile ``requests`` calls of ``action`` in CPU time into ``path``; print the top."""
    profile = cProfile.Profile(time.process_time)
    profile.enable()
    for _ in range(requests):
        action()
    profile.disable()
    profile.dump_stats(path)
    print(f"  profile of {requests} API requests (CPU time) in {path}, by own time:")
    stats = pstats.Stats(path, stream=sys.stdout)
    stats.sort_stats("tottime").print_stats(25)


def measure(engine: Engine, requests: int, label: str, profile: str | None = None) -> tuple[float, float]:
    """(the API's p95, its p50 over the floor's p50)."""
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

    first = api.get("/api/v1/inbox", headers=headers).get_json()
    floor_p50, floor_p95 = percentiles(floor(engine, requests))
    cpu: list[float] = []
    api_p50, api_p95 = percentiles(timed(get_api, requests, cpu))
    page_p50, page_p95 = percentiles(timed(get_page, requests, cpu))
    counts = first["counts"]
    print(f"{label}: rep1's inbox, {counts['total']} tasks ({counts['mine']} theirs, {counts['queued']} in their "
          f"teams' queues), {len(first['tasks'])} on the first page; {requests} requests each")
    print(f"  floor  (the two inbox queries through the driver): p50 {floor_p50:6.2f} ms  p95 {floor_p95:6.2f} ms")
    print(f"  GET /api/v1/inbox:                                 p50 {api_p50:6.2f} ms  p95 {api_p95:6.2f} ms")
    print(f"  GET / (inbox page):                                p50 {page_p50:6.2f} ms  p95 {page_p95:6.2f} ms")
    print(f"  CPU of this process per request: API {cpu[0] * 1000:.2f} ms, page {cpu[1] * 1000:.2f} ms; "
          f"SQL statements per request: API {statements_per_request(get_api):.1f}, "
          f"page {statements_per_request(get_page):.1f}")
    if profile:
        profiled(get_api, requests, profile)
    loads = os.getloadavg()
    print(f"  load average {loads[0]:.2f} {loads[1]:.2f} {loads[2]:.2f}")
    return api_p95, api_p50 / floor_p50


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally blocks: drop the schema
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="task rows (a tenth as many deals)")
    parser.add_argument("--teams-per-user", type=int, default=50)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead of PostgreSQL")
    parser.add_argument("--profile", metavar="FILE", help="also cProfile --requests API requests into FILE")
    parser.add_argument("--schema", help="PostgreSQL: build in this schema and keep it; if it already holds a "
                                         "build, only measure (drop it yourself: DROP SCHEMA name CASCADE)")
    args = parser.parse_args()
    if args.sqlite:
        with tempfile.TemporaryDirectory() as folder:
            print(f"SQLite: building {args.rows} task rows ...")
            engine = build(f"sqlite:///{folder}/inbox.db", args.rows, args.teams_per_user)
            p95, ratio = measure(engine, args.requests, "SQLite", args.profile)
            engine.close()
        print(f"p95={p95:.2f} ms ratio={ratio:.2f}")
        return
    with postgres_schema("inbox.py", args.schema, keep=bool(args.schema)) as (url, admin, schema):
        with admin.connect() as connection:
            built = connection.execute(text(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = :s AND table_name = 'tasks'"),
                {"s": schema}).scalar()
        if built:
            print(f"PostgreSQL (schema {schema}, kept): measuring the database built before ...")
            engine = Engine(url, upgrade_schema=True)
        else:
            print(f"PostgreSQL (schema {schema}): building {args.rows} task rows ...")
            engine = build(url, args.rows, args.teams_per_user)
        p95, ratio = measure(engine, args.requests, "PostgreSQL", args.profile)
        engine.close()
    print(f"p95={p95:.2f} ms ratio={ratio:.2f}")


if __name__ == "__main__":
    main()
