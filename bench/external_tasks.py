"""External tasks fetched, locked and completed by competing workers over the REST API:
each exactly once, and how fast against the least a durable fetch-lock-complete costs.

One command:
    DEALFLOW_BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        python bench/external_tasks.py [--tasks 2000] [--workers 2] [--server-workers 4]
    python bench/external_tasks.py --sqlite --tasks 12        # the smoke test's size

In a fresh PostgreSQL schema (dropped at the end; ``--sqlite``: a temporary SQLite file):
``--tasks`` open deals of the test suite's ERP methodology (tests/fixtures/external:
a service task with ``camunda:topic="invoice"``, an error boundary event and a timer
boundary event on it), each waiting at its invoice task — one deal opened through the
façade, the rest cloned from its rows (bench/clones.py). Then gunicorn with
``--server-workers`` processes (the README's deployment) and ``--workers`` processes of
the packaged worker client (``dealflow_worker.Worker``), each fetching up to 10 tasks a
call (``POST /api/v1/external-tasks/fetch-and-lock``) and completing each
(``…/{id}/complete`` with the variables the process reads), until nothing is left.

Floor, measured in the same run on the same database with the same number of
processes: a table of the same number of rows, and per process the statements a
durable fetch-lock-complete cannot do without — one transaction locking up to 10
unlocked rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL) and marking them locked, then
per row one transaction re-reading it under a lock, marking it done and appending one
event row. No HTTP, no authentication, no workflow step: the ratio says what those cost.

Checked: every task completed exactly once (the workers' own lists hold no id twice
and all ``--tasks`` ids; the database has ``--tasks`` completed rows and as many deals
moved on to the next task); a wrong count is printed and the bench exits 1.

Last line:  completions/s=… floor/s=… ratio=… completed_once=N/N workers=W
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import create_engine, select, text

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.clones import Cloner, snapshot  # noqa: E402
from bench.fresh_schema import postgres_schema  # noqa: E402
from bench.load import Gunicorn  # noqa: E402
from engine.service import Engine  # noqa: E402

METHODOLOGY = REPO / "tests" / "fixtures" / "external"
WORKER = """
import json, sys, time
from dealflow_worker import Worker, WorkerClient
from dealflow_worker.client import ApiError

worker = Worker(WorkerClient(sys.argv[1], sys.argv[2], sys.argv[3]))
done, errors = [], []

@worker.topic("invoice")
def invoice(task):
    done.append(task.id)
    return {"paid": True, "invoiceNumber": "FV/" + task.id[:8]}

started = time.time()
while True:
    try:
        if not worker.run_once(max_tasks=10, wait_ms=0):
            break
    except ApiError as err:
        errors.append(f"{err.status} {err.body}")
print(json.dumps({"done": done, "errors": errors, "span": [started, time.time()]}))
"""


def build(url: str, tasks: int) -> str:
    """The deals waiting at their invoice task; a worker token for the topic."""
    engine = Engine(url, upgrade_schema=True)
    for username, role in (("admin", "admin"), ("manager", "manager"), ("rep1", "rep")):
        engine.create_user(username, role)
    engine.create_team("sales", "manager", ["rep1"])
    engine.deploy(str(METHODOLOGY), actor="admin")
    deal = engine.create_opportunity(title="Order 1", amount="1000.00", partner="Buyer 1", actor="manager",
                                     owner="rep1")
    token = engine.create_worker_token("bench", ["invoice"], actor="admin")
    engine.close()
    database = create_engine(url)
    with database.connect() as connection:
        template = snapshot(connection, deal.id)
    database.dispose()
    if "external_tasks" not in template.rows:
        raise SystemExit("the ERP methodology's deal does not wait at an external task any more")
    cloner = Cloner(url)
    for written in cloner.clone((template, template.owner_id, f"Order {n + 2}") for n in range(tasks - 1)):
        print(f"\r  {written + 1:>6} deals at their invoice task", end="", flush=True)
    cloner.finish()
    print()
    return token


def run_workers(port: int, token: str, workers: int, folder: Path) -> tuple[list[str], list[str], float]:
    script = folder / "worker.py"
    script.write_text(WORKER, "utf-8")
    processes = [subprocess.Popen([sys.executable, str(script), f"http://127.0.0.1:{port}", token, f"w{n + 1}"],
                                  stdout=subprocess.PIPE, text=True, cwd=REPO) for n in range(workers)]
    done, errors, spans = [], [], []
    for process in processes:
        out, _ = process.communicate(timeout=3600)
        if process.returncode != 0:
            raise SystemExit(f"a worker exited with {process.returncode}")
        result = json.loads(out.strip().splitlines()[-1])
        done += result["done"]
        errors += result["errors"]
        spans.append(result["span"])
    return done, errors, _elapsed(spans)


def _elapsed(spans) -> float:
    """From the first process starting its loop to the last finishing it: the processes'
    start-up (imports, a spawned interpreter) is not what is measured."""
    return max(end for _, end in spans) - min(start for start, _ in spans)


# -- the floor ------------------------------------------------------------------------------
FLOOR_TABLES = """
CREATE TABLE floor_tasks (id INTEGER PRIMARY KEY, status VARCHAR(12) NOT NULL, worker_id VARCHAR(200),
                          lock_expires_at TIMESTAMP);
CREATE TABLE floor_events (id INTEGER PRIMARY KEY {autoincrement}, task_id INTEGER NOT NULL, worker_id VARCHAR(200));
"""


def floor_setup(url: str, tasks: int) -> None:
    database = create_engine(url)
    autoincrement = "AUTOINCREMENT" if url.startswith("sqlite") else "GENERATED ALWAYS AS IDENTITY"
    with database.begin() as connection:
        for statement in FLOOR_TABLES.format(autoincrement=autoincrement).split(";"):
            if statement.strip():
                connection.execute(text(statement))
        connection.execute(text("INSERT INTO floor_tasks (id, status) VALUES (:id, 'open')"),
                           [{"id": n} for n in range(1, tasks + 1)])
    database.dispose()


def floor_worker(url: str, worker_id: str, results) -> None:
    skip_locked = "" if url.startswith("sqlite") else " FOR UPDATE SKIP LOCKED"
    fetch = text("SELECT id FROM floor_tasks WHERE status = 'open' AND (lock_expires_at IS NULL OR "
                 f"lock_expires_at < CURRENT_TIMESTAMP) ORDER BY id LIMIT 10{skip_locked}")
    lock = text("UPDATE floor_tasks SET worker_id = :w, lock_expires_at = :until WHERE id = :id")
    recheck = text(f"SELECT status, worker_id FROM floor_tasks WHERE id = :id{skip_locked.replace(' SKIP LOCKED', '')}")
    finish = text("UPDATE floor_tasks SET status = 'completed' WHERE id = :id")
    event = text("INSERT INTO floor_events (task_id, worker_id) VALUES (:id, :w)")
    database = create_engine(url)
    done, started = [], time.time()
    while True:
        with database.begin() as connection:
            ids = [row.id for row in connection.execute(fetch)]
            until = "2999-01-01 00:00:00"
            for task_id in ids:
                connection.execute(lock, {"w": worker_id, "until": until, "id": task_id})
        if not ids:
            break
        for task_id in ids:
            with database.begin() as connection:
                status, owner = connection.execute(recheck, {"id": task_id}).one()
                if status == "open" and owner == worker_id:
                    connection.execute(finish, {"id": task_id})
                    connection.execute(event, {"id": task_id, "w": worker_id})
                    done.append(task_id)
    database.dispose()
    results.put((done, [started, time.time()]))


def run_floor(url: str, workers: int) -> tuple[list[int], float]:
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    processes = [context.Process(target=floor_worker, args=(url, f"f{n + 1}", results)) for n in range(workers)]
    for process in processes:
        process.start()
    finished = [results.get(timeout=3600) for _ in processes]
    for process in processes:
        process.join()
    return [task_id for done, _ in finished for task_id in done], _elapsed([span for _, span in finished])


# -- the run ------------------------------------------------------------------------------------
def measure(url: str, args, folder: Path) -> int:
    print(f"  building {args.tasks} deals ...")
    token = build(url, args.tasks)
    floor_setup(url, args.tasks)
    server = Gunicorn(url, args.server_workers, folder, None)
    try:
        server.wait_ready()
        done, errors, seconds = run_workers(server.port, token, args.workers, folder)
    finally:
        server.stop()
    floor_done, floor_seconds = run_floor(url, args.workers)

    database = create_engine(url)
    with database.connect() as connection:
        completed = connection.execute(text(
            "SELECT count(*) FROM external_tasks WHERE status = 'completed'")).scalar_one()
        shipping = connection.execute(text(
            "SELECT count(*) FROM external_tasks WHERE status = 'open' AND node_id = 'Task_Ship'")).scalar_one()
        floor_events = connection.execute(select(text("count(*)")).select_from(text("floor_events"))).scalar_one()
    database.dispose()

    twice = [task for task, n in Counter(done).items() if n > 1]
    rate, floor_rate = len(done) / seconds, len(floor_done) / floor_seconds
    print(f"  dealflow: {len(done)} completed by {args.workers} workers in {seconds:.1f} s ({rate:.1f}/s); "
          f"{len(errors)} errors" + (f", e.g. {errors[0]}" if errors else ""))
    print(f"  floor:    {len(floor_done)} completed in {floor_seconds:.1f} s ({floor_rate:.1f}/s)")
    print(f"  database: {completed} external tasks completed, {shipping} deals at their next task")
    failures = []
    if twice:
        failures.append(f"{len(twice)} tasks completed twice, e.g. {twice[0]}")
    if len(set(done)) != args.tasks or completed != args.tasks or shipping != args.tasks:
        failures.append(f"expected {args.tasks} completed once: the workers completed {len(set(done))}, "
                        f"the database has {completed} completed and {shipping} at the next task")
    if errors:
        failures.append(f"{len(errors)} API errors")
    if len(floor_done) != args.tasks or floor_events != args.tasks:
        failures.append(f"the floor completed {len(floor_done)} and wrote {floor_events} events")
    once = len(set(done)) if not twice and completed == args.tasks else 0
    print(f"completions/s={rate:.1f} floor/s={floor_rate:.1f} ratio={floor_rate / rate:.2f} "
          f"completed_once={once}/{args.tasks} workers={args.workers}")
    for failure in failures:
        print(f"  FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2, help="worker processes fetching and completing")
    parser.add_argument("--server-workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead of PostgreSQL")
    args = parser.parse_args()
    if args.tasks < 1 or args.workers < 1 or args.server_workers < 1:
        parser.error("--tasks, --workers and --server-workers must be at least 1")
    with tempfile.TemporaryDirectory() as folder:
        if args.sqlite:
            url = f"sqlite:///{folder}/bench.db"
            print(f"SQLite ({url}): {args.tasks} external tasks, {args.workers} workers")
            status = measure(url, args, Path(folder))
        else:
            with postgres_schema("external_tasks.py") as (url, _, schema):
                print(f"PostgreSQL (schema {schema}): {args.tasks} external tasks, {args.workers} workers")
                status = measure(url, args, Path(folder))
    sys.exit(status)


if __name__ == "__main__":
    main()
