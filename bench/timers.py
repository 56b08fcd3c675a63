"""Due timers fired by several workers: each exactly once, and how fast.

One command:
    DEALFLOW_BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        python bench/timers.py [--timers 10000] [--workers 2]

In a fresh PostgreSQL schema (dropped at the end; ``--sqlite``: a temporary SQLite
file, for the smoke test without PostgreSQL): the demo's people, the shipped
methodologies and ``--timers`` open deals waiting at the seed-002 funnel's first
meeting, whose boundary timer ("chase the meeting after 14 days") is armed
(bench/clones.py: one deal walked there through the façade, cloned with fresh ids).
Then ``--workers`` processes of the real command

    dealflow worker --interval 0 --no-snapshots --no-train --warnings-every 0 --now T

where T is a minute after the timers are due (the worker's replay clock, which runs on
from there), so every timer is due. The bench counts the ``timer_fired`` events until
there are ``--timers`` of them (or ``--timeout`` passes), stops the workers, then
checks that every deal's timer fired exactly once: one event per deal, no deal fired
twice, none left due. A wrong count is printed and the bench exits 1.

Timed: from starting the workers (their imports included) to the last event seen,
and from the first event to the last. Target (issue 16): 10,000 timers, 2 workers,
<= 30 s, each exactly once.

Last line:  timers/s=… seconds=… fired_once=N/N workers=W
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.clones import Cloner, walked_templates  # noqa: E402
from bench.fresh_schema import postgres_schema  # noqa: E402
from engine.demo import seed_demo  # noqa: E402
from engine.service import Engine  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
FIRED = text("SELECT count(*) FROM events WHERE kind = 'timer_fired'")


def build(url: str, timers: int):
    """The deals; the moment their timers are due."""
    started = time.perf_counter()
    engine = Engine(url, upgrade_schema=True)
    seed_demo(engine, str(REPO / "methodologies"), count=0)
    found, _ = walked_templates(engine)
    engine.close()
    armed = [t for t in found if t.rows["opportunities"][0]["next_timer_at"] is not None]
    if not armed:
        raise SystemExit("no step of the seed-002 walk arms a timer any more")
    template = armed[0]
    cloner = Cloner(url)
    for written in cloner.clone((template, template.owner_id, f"Timer deal #{n + 1}") for n in range(timers)):
        print(f"\r  {written:>6} deals with a due timer", end="", flush=True)
    cloner.finish()
    due = template.rows["opportunities"][0]["next_timer_at"]
    print(f"\n  {timers} deals at {template.rows['opportunities'][0]['stage_id']!r}, timer due {due.isoformat()}, "
          f"in {time.perf_counter() - started:.1f} s")
    return due


def cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as f:
            data = f.read()
    except OSError:
        return 0.0
    fields = data[data.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def run(url: str, timers: int, workers: int, timeout: float, folder: Path) -> str:
    due = build(url, timers)
    database = create_engine(url)
    dealflow = str(Path(sys.executable).parent / "dealflow")
    now = (due + timedelta(minutes=1)).isoformat()
    command = [dealflow, "worker", "--interval", "0", "--no-snapshots", "--no-train", "--warnings-every", "0",
               "--now", now]
    env = {**os.environ, "DEALFLOW_DATABASE_URL": url}
    logs = [open(folder / f"worker{n}.log", "w+") for n in range(workers)]
    started = time.perf_counter()
    processes = [subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                  cwd=folder) for log in logs]
    first = last = None
    cpu = 0.0
    try:
        fired = 0
        while fired < timers and time.perf_counter() - started < timeout:
            if any(p.poll() is not None for p in processes):
                break
            with database.connect() as connection:
                count = connection.execute(FIRED).scalar()
            if count and first is None:
                first = time.perf_counter()
            if count != fired:
                last, fired = time.perf_counter(), count
            time.sleep(0.1)  # polling the count from outside the workers
        cpu = sum(cpu_seconds(p.pid) for p in processes)
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    outputs = []
    for log in logs:
        log.seek(0)
        outputs.append(log.read())
        log.close()
    problems = []
    for n, (process, output) in enumerate(zip(processes, outputs)):
        if process.returncode not in (0, -signal.SIGTERM):
            problems.append(f"worker {n + 1} exited with {process.returncode}:\n{output[-2000:]}")
    split = [sum(int(m) for m in re.findall(r"fired timers on (\d+) opportunit", o)) for o in outputs]
    with database.connect() as connection:
        total = connection.execute(FIRED).scalar()
        per_deal = dict(connection.execute(text(
            "SELECT fired, count(*) FROM (SELECT o.id, count(e.id) AS fired FROM opportunities o "
            "LEFT JOIN events e ON e.opportunity_id = o.id AND e.kind = 'timer_fired' "
            "WHERE o.title LIKE 'Timer deal #%' GROUP BY o.id) AS deals GROUP BY fired")).all())
        still_due = connection.execute(text(
            "SELECT count(*) FROM opportunities WHERE next_timer_at <= :due"), {"due": due}).scalar()
        failed = connection.execute(text("SELECT count(*) FROM opportunities WHERE error_message IS NOT NULL")).scalar()
    database.dispose()
    once = per_deal.get(1, 0)
    if total != timers:
        problems.append(f"{total} timer_fired events, not {timers}")
    if once != timers:
        problems.append(f"deals by the number of timer_fired events: {dict(sorted(per_deal.items()))} "
                        f"(every one of the {timers} should have exactly one)")
    if still_due:
        problems.append(f"{still_due} deals still have a due timer")
    if failed:
        problems.append(f"{failed} deals have a failed step")
    if first is None or last is None:
        problems.append(f"no timer fired in {timeout:.0f} s")
        first = last = time.perf_counter()
    seconds = last - started
    print(f"{workers} workers: {total} timers fired ({' + '.join(map(str, split))} as the workers counted them); "
          f"{seconds:.1f} s from starting the workers (imports included), {last - first:.1f} s from the first "
          f"firing to the last; the workers' CPU {cpu:.1f} s ({cpu / max(total, 1) * 1000:.1f} ms per timer)")
    loads = os.getloadavg()
    print(f"  load average {loads[0]:.2f} {loads[1]:.2f} {loads[2]:.2f}")
    for problem in problems:
        print(f"  error: {problem}")
    line = f"timers/s={total / seconds:.1f} seconds={seconds:.1f} fired_once={once}/{timers} workers={workers}"
    if problems:
        print(line)
        raise SystemExit(1)
    return line


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally blocks: stop servers, drop the schema
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timers", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=540.0, help="give up after this many seconds of firing")
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead of PostgreSQL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dealflow-timers-") as folder:
        if args.sqlite:
            print(f"SQLite: {args.timers} due timers, {args.workers} workers")
            line = run(f"sqlite:///{folder}/timers.db", args.timers, args.workers, args.timeout, Path(folder))
        else:
            with postgres_schema("timers.py") as (url, _, schema):
                print(f"PostgreSQL (schema {schema}): {args.timers} due timers, {args.workers} workers")
                line = run(url, args.timers, args.workers, args.timeout, Path(folder))
    print(line)


if __name__ == "__main__":
    main()
