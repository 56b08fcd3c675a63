"""Throughput under many workers: gunicorn, PostgreSQL, 16 reps working their inboxes.

One command:
    DEALFLOW_BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        python bench/load.py [--deals 10000] [--reps 16] [--workers 4] [--threads 1] [--seconds 60] [--profile FILE]
        [--full-view]

1. A fresh PostgreSQL schema (dropped at the end; DEALFLOW_BENCH_POSTGRES_URL, else
   DEALFLOW_TEST_POSTGRES_URL; ``--sqlite`` uses a temporary SQLite file instead, for
   the smoke test on a machine without PostgreSQL), the demo's people and the shipped
   methodologies, ``--reps`` reps (load01, ...) in the wholesale team, each with an API
   token.
2. ``--deals`` open deals spread evenly over the reps and over the 13 positions of the
   seed-002 funnel where the next step is the rep's (bench/clones.py: one deal walked
   through the façade to won, its rows read back after every step, cloned with fresh
   ids — the rows the use cases write, in bulk).
3. ``gunicorn -w WORKERS "webui:create_app()"`` on 127.0.0.1 (as the README deploys it),
   then one thread per rep, on its own connection: open the inbox (GET /api/v1/inbox,
   the first page), complete its first workflow task with the demo's answers (POST
   /api/v1/tasks/{id}/complete with ``Prefer: return=minimal``: the rep opens its inbox
   next, it does not show the deal; ``--full-view`` asks for the deal, as before), again
   — for ``--warmup`` seconds not counted, then ``--seconds`` measured. Concurrency is
   bounded by the reps: one request in flight each.
4. CPU: the gunicorn processes' user+system time (from /proc) over the measured
   window, and that of their PostgreSQL backends (found by application_name in
   pg_stat_activity), per completion (its inbox opening included).

Every answer that is not 2xx/3xx is an error, counted by status and route, and so is
a completion whose step failed (the deal's error_message set: in the answer with
``--full-view``, else counted in the database after the run). With ``--profile FILE``
the first gunicorn worker runs cProfile over the measured requests, in CPU time (on a
shared machine wall time is mostly waiting for a core), and counts SQL statements per
route; the profile is written to FILE and summarised.

Last line:  completions/s=… inbox_p95=… ms errors=… cpu_ms_per_completion=…
(cpu_ms_per_completion: the gunicorn workers' CPU; the database's is printed above it).
Target (issue 16): >= 300 completions/s, inbox p95 <= 50 ms, zero errors.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import os
import pstats
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.clones import Cloner, walked_templates  # noqa: E402
from bench.fresh_schema import postgres_schema  # noqa: E402
from engine.demo import ANSWERS, seed_demo  # noqa: E402
from engine.service import Engine  # noqa: E402

METHODOLOGIES = REPO / "methodologies"
INBOX = "GET /api/v1/inbox"
COMPLETE = "POST /api/v1/tasks/{id}/complete"
TICK = os.sysconf("SC_CLK_TCK")

# --- the database ---------------------------------------------------------------------


def build(url: str, deals: int, reps: int) -> dict[str, str]:
    """The database of step 1 and 2; each rep's API token."""
    started = time.perf_counter()
    engine = Engine(url, upgrade_schema=True)
    seed_demo(engine, str(METHODOLOGIES), count=0)
    found, team = walked_templates(engine)
    names = [f"load{n:02d}" for n in range(1, reps + 1)]
    for name in names:
        engine.create_user(name, "rep", f"Load Rep {name[4:]}")
        engine.add_team_member(team, name)
    tokens = {name: engine.create_token(name) for name in names}
    database = create_engine(engine.url)
    with database.connect() as connection:
        ids = dict(connection.execute(text("SELECT username, id FROM users WHERE username LIKE 'load%'")).all())
    database.dispose()
    engine.close()
    cloner = Cloner(url)
    plan = ((found[n % len(found)], ids[names[n % reps]], f"Cloned deal #{n + 1}") for n in range(deals))
    for written in cloner.clone(plan):
        print(f"\r  {written:>6} open deals cloned", end="", flush=True)
    cloner.finish()
    print(f"\n  {deals} open deals for {reps} reps over {len(found)} positions of the funnel "
          f"in {time.perf_counter() - started:.1f} s")
    return tokens


# --- gunicorn ---------------------------------------------------------------------------

PROFILE_HOOKS = '''
import cProfile, json, os, re, time
from sqlalchemy import event
from sqlalchemy.engine import Engine

OUT = {out!r}
state = {{}}


def post_fork(server, worker):
    if worker.age != 1:  # the first worker only
        return
    state.update(profile=cProfile.Profile(time.process_time), statements=0, routes={{}})  # CPU, not wall
    event.listen(Engine, "before_cursor_execute", lambda *a: state.__setitem__("statements", state["statements"] + 1))


def pre_request(worker, req):
    if "profile" in state and os.path.exists(OUT + ".start"):
        state["before"] = state["statements"]
        state["profile"].enable()


def post_request(worker, req, environ, resp):
    if "before" in state:
        state["profile"].disable()
        route = req.method + " " + re.sub(r"/tasks/[^/]+/", "/tasks/{{id}}/", req.path)
        seen = state["routes"].setdefault(route, [0, 0])
        seen[0] += 1
        seen[1] += state["statements"] - state.pop("before")


def worker_exit(server, worker):
    if "profile" in state:
        state["profile"].dump_stats(OUT)
        with open(OUT + ".json", "w") as f:
            json.dump(state["routes"], f)
'''


class Gunicorn:
    """gunicorn in its own process group; ``stop`` ends the group and checks that no
    process of it remains."""

    def __init__(self, url: str, workers: int, folder: Path, profile: str | None, threads: int = 1):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.app_name = f"dealflow-load-{uuid.uuid4().hex[:8]}"
        separator = "&" if "?" in url else "?"
        database_url = f"{url}{separator}application_name={self.app_name}" if url.startswith("postgresql") else url
        command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{self.port}",
                   "--chdir", str(REPO), "--log-level", "warning"]
        if threads > 1:  # gthread: a worker serves several connections, and keeps them alive
            command += ["-k", "gthread", "--threads", str(threads)]
        if profile:
            hooks = folder / "gunicorn_profile.py"
            hooks.write_text(PROFILE_HOOKS.format(out=str(Path(profile).resolve())), "utf-8")
            command += ["-c", str(hooks)]
        self.log = open(folder / "gunicorn.log", "w+")
        env = {**os.environ, "DEALFLOW_DATABASE_URL": database_url, "DEALFLOW_SECRET_KEY": uuid.uuid4().hex}
        self.process = subprocess.Popen(command + ["webui:create_app()"], env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        print(f"  gunicorn: pid {self.process.pid}, {workers} workers on 127.0.0.1:{self.port}")

    def wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.process.returncode}:\n{self.tail()}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    connection.close()
                    return
            except OSError:
                pass
            time.sleep(0.2)  # polling a server that is starting
        raise SystemExit(f"gunicorn did not answer /healthz in {timeout:.0f} s:\n{self.tail()}")

    def tail(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return "".join(self.log.readlines()[-30:])

    def pids(self) -> list[int]:
        """The master and its workers."""
        return [self.process.pid] + children(self.process.pid)

    def stop(self) -> None:
        group = self.process.pid
        try:
            os.killpg(group, signal.SIGTERM)  # graceful: the workers finish their request (and dump a profile)
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(group, signal.SIGKILL)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + 10
        while group_members(group) and time.monotonic() < deadline:
            time.sleep(0.1)  # workers are reaped by their master's exit
        left = group_members(group)
        if left:
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            raise SystemExit(f"gunicorn left processes behind: {left} (killed)")
        self.log.close()


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(int(entry))
            if fields and int(fields[1]) == pid:
                found.append(int(entry))
    return found


def group_members(group: int) -> list[int]:
    """Live processes (not zombies) whose process group is ``group``."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(int(entry))
            if fields and int(fields[2]) == group and fields[0] != "Z":
                found.append(int(entry))
    return found


def _stat(pid: int) -> list[str] | None:
    """/proc/PID/stat from the state field on (state, ppid, pgrp, ...), or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            data = f.read()
    except OSError:
        return None
    return data[data.rindex(")") + 2:].split()


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        fields = _stat(pid)
        if fields:
            total += (int(fields[11]) + int(fields[12])) / TICK  # utime, stime
    return total


class Waits(threading.Thread):
    """Samples, every 0.2 s, what the gunicorn workers' PostgreSQL backends are doing
    (pg_stat_activity: running, idle — waiting for the app — or waiting on a lock, I/O,
    the client): where a request's time goes on the database's side."""

    def __init__(self, admin, app_name: str):
        super().__init__(daemon=True)
        self.admin, self.app_name = admin, app_name
        self.seen: collections.Counter = collections.Counter()
        self.idle_after: collections.Counter = collections.Counter()  # idle in transaction: after which statement
        self.done = threading.Event()

    def run(self) -> None:
        if self.admin is None:
            return
        with self.admin.connect() as connection:
            while not self.done.wait(0.2):
                for state, kind, event, query in connection.execute(text(
                        "SELECT state, wait_event_type, wait_event, left(query, 60) FROM pg_stat_activity "
                        "WHERE application_name = :name"), {"name": self.app_name}):
                    what = "running" if state == "active" and kind is None else (
                        state if kind is None or state.startswith("idle") else f"{state}: {kind}/{event}")
                    self.seen[what] += 1
                    if state == "idle in transaction":  # the transaction's last statement: what Python does next
                        self.idle_after[" ".join(query.split()[:4])] += 1
                connection.rollback()

    def summary(self) -> str:
        total = sum(self.seen.values())
        return ", ".join(f"{what} {count / total:.0%}" for what, count in self.seen.most_common(6)) if total else ""

    def idle_summary(self) -> str:
        total = sum(self.seen.values())
        return "; ".join(f"{what}… {count / total:.0%}" for what, count in self.idle_after.most_common(5)) \
            if total else ""


def backend_pids(admin, app_name: str) -> list[int]:
    if admin is None:
        return []
    with admin.connect() as connection:
        return [p for (p,) in connection.execute(
            text("SELECT pid FROM pg_stat_activity WHERE application_name = :name"), {"name": app_name})]


# --- the reps ---------------------------------------------------------------------------


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.inbox: list[float] = []
        self.complete: list[float] = []
        self.errors: collections.Counter = collections.Counter()
        self.examples: dict[str, str] = {}
        self.idle_reps = 0

    def error(self, key: str, example: str) -> None:
        with self.lock:
            self.errors[key] += 1
            self.examples.setdefault(key, example[:300])


def rep(port: int, token: str, until: float, tally: Tally, full_view: bool) -> None:
    """One rep: open the inbox, complete its first workflow task, again, until ``until``."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if not full_view:
        headers["Prefer"] = "return=minimal"  # 204: the deal is not rebuilt for a rep who does not look at it
    inbox, complete = [], []

    def call(method: str, path: str, route: str, body: bytes | None = None):
        start = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            tally.error(f"{type(error).__name__} {route}", str(error))
            return None, None, 0.0
        elapsed = time.perf_counter() - start
        if response.getheader("Connection", "").lower() == "close":
            connection.close()  # gunicorn's sync workers answer one request per connection
        if not 200 <= response.status < 400:
            tally.error(f"{response.status} {route}", data.decode("utf-8", "replace"))
            return None, None, elapsed
        return response.status, data, elapsed

    while time.perf_counter() < until:
        status, data, elapsed = call("GET", "/api/v1/inbox", INBOX)
        if status is None:
            continue
        inbox.append(elapsed)
        steps = [t for t in json.loads(data)["tasks"] if t["kind"] == "workflow"]
        if not steps:
            with tally.lock:
                tally.idle_reps += 1  # nothing left to do: the rep stops
            break
        task = steps[0]
        body = json.dumps(ANSWERS.get(task["node_id"], {})).encode()
        status, data, elapsed = call("POST", f"/api/v1/tasks/{task['id']}/complete", COMPLETE, body)
        if status is None:
            continue
        if status == 200:
            deal = json.loads(data)
            if deal.get("error_message"):
                tally.error(f"step failed {COMPLETE}", f"{task['node_id']}: {deal['error_message']}")
                continue
        elif status != 204 or data:
            tally.error(f"{status} {COMPLETE}", f"expected 204 and no content for Prefer: return=minimal: {data[:100]!r}")
            continue
        complete.append(elapsed)
    connection.close()
    with tally.lock:
        tally.inbox += inbox
        tally.complete += complete


def run_reps(port: int, tokens: dict[str, str], seconds: float, full_view: bool) -> Tally:
    tally = Tally()
    until = time.perf_counter() + seconds
    threads = [threading.Thread(target=rep, args=(port, token, until, tally, full_view), name=name)
               for name, token in tokens.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


def percentile(samples: list[float], share: float) -> float:
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, int(len(ordered) * share + 0.5) - 1))] * 1000


# --- main -------------------------------------------------------------------------------


def measure(url: str, admin, args, folder: Path) -> str:
    tokens = build(url, args.deals, args.reps)
    server = Gunicorn(url, args.workers, folder, args.profile, args.threads)
    try:
        server.wait_ready()
        print(f"  warm-up {args.warmup:.0f} s ...")
        warm = run_reps(server.port, tokens, args.warmup, args.full_view)
        if args.profile:
            Path(args.profile + ".start").touch()
        pids, backends = server.pids(), backend_pids(admin, server.app_name)
        loads = os.getloadavg()
        app_cpu, db_cpu, own_cpu = cpu_seconds(pids), cpu_seconds(backends), time.process_time()
        started = time.perf_counter()
        waits = Waits(admin, server.app_name)
        waits.start()
        tally = run_reps(server.port, tokens, args.seconds, args.full_view)
        waits.done.set()
        waits.join()
        wall = time.perf_counter() - started
        app_cpu = cpu_seconds(pids) - app_cpu
        db_cpu = cpu_seconds(backends) - db_cpu
        own_cpu = time.process_time() - own_cpu
        loads_after = os.getloadavg()
        if sorted(server.pids()) != sorted(pids):
            print(f"  note: gunicorn's workers changed during the run ({pids} -> {server.pids()}): a worker's "
                  f"CPU may be missing")
    finally:
        server.stop()
        if args.profile:
            Path(args.profile + ".start").unlink(missing_ok=True)
    print("  gunicorn stopped; no process of its group remains")
    for key, count in warm.errors.items():
        tally.errors[key] += count
        tally.examples.setdefault(key, warm.examples[key])
    failed = failed_steps(url)  # the minimal answer does not carry error_message: the database does
    if failed and not args.full_view:
        tally.errors[f"step failed {COMPLETE}"] += len(failed)
        tally.examples.setdefault(f"step failed {COMPLETE}", "; ".join(failed[:3]))
    done = len(tally.complete)
    rate = done / wall
    per = 1000 / max(done, 1)
    print(f"measured {wall:.1f} s: {done} completions ({rate:.1f}/s), {len(tally.inbox)} inbox openings; "
          f"{tally.idle_reps} reps ran out of tasks")
    print(f"  inbox     p50 {percentile(tally.inbox, .5):7.1f} ms  p95 {percentile(tally.inbox, .95):7.1f} ms  "
          f"p99 {percentile(tally.inbox, .99):7.1f} ms")
    print(f"  complete  p50 {percentile(tally.complete, .5):7.1f} ms  p95 {percentile(tally.complete, .95):7.1f} ms  "
          f"p99 {percentile(tally.complete, .99):7.1f} ms")
    print(f"  CPU per completion (with its inbox opening): gunicorn {app_cpu * per:.1f} ms, its PostgreSQL "
          f"backends {db_cpu * per:.1f} ms{'' if backends else ' (not measured)'}, this load generator "
          f"{own_cpu * per:.1f} ms; gunicorn used {app_cpu / wall:.2f} cores, the backends {db_cpu / wall:.2f}")
    if waits.seen:
        print(f"  the backends, sampled every 0.2 s: {waits.summary()}")
        if waits.idle_after:
            print(f"  idle in transaction after: {waits.idle_summary()}")
    print(f"  load average {loads[0]:.2f} {loads[1]:.2f} {loads[2]:.2f} before, "
          f"{loads_after[0]:.2f} {loads_after[1]:.2f} {loads_after[2]:.2f} after")
    errors = sum(tally.errors.values())
    for key, count in sorted(tally.errors.items()):
        print(f"  error: {key} x {count}, e.g. {tally.examples[key]}")
    if args.profile:
        report_profile(args.profile)
    return (f"completions/s={rate:.1f} inbox_p95={percentile(tally.inbox, .95):.1f} ms errors={errors} "
            f"cpu_ms_per_completion={app_cpu * per:.1f}")


def failed_steps(url: str) -> list[str]:
    """'deal id: error' of every deal whose step failed (none has before the run)."""
    database = create_engine(url)
    try:
        with database.connect() as connection:
            return [f"{i}: {message}" for i, message in connection.execute(text(
                "SELECT id, error_message FROM opportunities WHERE error_message IS NOT NULL ORDER BY id"))]
    finally:
        database.dispose()


def report_profile(path: str) -> None:
    routes = Path(path + ".json")
    if not routes.exists():
        print(f"  profile: the first worker wrote none to {path}")
        return
    for route, (count, statements) in sorted(json.loads(routes.read_text()).items()):
        print(f"  profile: {route}: {count} requests in the first worker, {statements / max(count, 1):.1f} "
              f"SQL statements each")
    print(f"  profile: {path} (the first worker's measured requests), by cumulative time:")
    stats = pstats.Stats(path)
    stats.sort_stats("cumulative").print_stats(30)


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally blocks: stop servers, drop the schema
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deals", type=int, default=10_000)
    parser.add_argument("--reps", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1,
                        help="gunicorn's gthread worker with this many threads each (1: the sync worker)")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--profile", metavar="FILE", help="cProfile the first worker's measured requests into FILE")
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead of PostgreSQL")
    parser.add_argument("--full-view", action="store_true",
                        help="complete without 'Prefer: return=minimal': every answer carries the deal")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dealflow-load-") as folder:
        if args.sqlite:
            print(f"SQLite: {args.deals} deals, {args.reps} reps, {args.workers} gunicorn workers")
            last = measure(f"sqlite:///{folder}/load.db", None, args, Path(folder))
        else:
            with postgres_schema("load.py") as (url, admin, schema):
                print(f"PostgreSQL (schema {schema}): {args.deals} deals, {args.reps} reps, "
                      f"{args.workers} gunicorn workers")
                last = measure(url, admin, args, Path(folder))
    print(last)


if __name__ == "__main__":
    main()
