"""What the timer repair costs when nothing is wrong (``Engine.rearm_timers``, run by
every ``dealflow worker`` at its start), against a floor in the same run.

One command:
    python bench/rearm_timers.py [--deals 3000] [--sqlite | DEALFLOW_BENCH_POSTGRES_URL=...]
    python bench/rearm_timers.py --demo        # the demo's year of deals, SQLite

The deals: ``--deals`` deals cloned from the seed-002 funnel's walk at each of its
steps (bench/clones.py: some with a timer armed, some waiting for a person only), in
a fresh PostgreSQL schema (dropped at the end) or a temporary SQLite file; or the
demo's (``--demo``: engine.demo.seed_demo, about a minute). Every stored next timer
agrees with its workflow, so the repair finds nothing — the worker's common case.

Timed in process, CPU time, alternating rounds (the machine is shared): the floor, an
idle sweep (``fire_due_timers`` with nothing due: one indexed query, what the worker
pays every few seconds); the default repair (the open or won deals showing an error); and
``--all`` (every open or won deal's workflow read), both dry runs so nothing changes
between rounds. Printed: the median of each, and each against the floor.
Last line:  default_ratio=… all_ms_per_deal=… deals=N
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.clones import Cloner, walked_templates  # noqa: E402
from bench.fresh_schema import postgres_schema  # noqa: E402
from engine.demo import seed_demo  # noqa: E402
from engine.service import Engine  # noqa: E402


def cloned(url: str, deals: int) -> None:
    engine = Engine(url, upgrade_schema=True)
    seed_demo(engine, str(REPO / "methodologies"), count=0)
    templates, _ = walked_templates(engine)
    engine.close()
    cloner = Cloner(url)
    plan = ((templates[n % len(templates)], templates[0].owner_id, f"Deal #{n + 1}") for n in range(deals))
    for written in cloner.clone(plan):
        print(f"\r  {written:>6} deals", end="", flush=True)
    cloner.finish()
    armed = sum(t.rows["opportunities"][0]["next_timer_at"] is not None for t in templates)
    print(f"\n  {deals} deals from {len(templates)} steps of the walk, {armed} of them with a timer armed")


def demo(url: str) -> None:
    engine = Engine(url, upgrade_schema=True)
    seed_demo(engine, str(REPO / "methodologies"))
    engine.close()


def cpu_ms(call) -> float:
    started = time.process_time()
    call()
    return (time.process_time() - started) * 1000


def measure(url: str, rounds: int) -> str:
    engine = Engine(url)
    try:
        engine.fire_due_timers()  # whatever the seeding left due, so the floor's sweep is idle
        report = engine.rearm_timers(dry_run=True, every_deal=True)
        if report.changed or report.unreadable:
            raise SystemExit(f"the deals should agree with their workflows: {report}")
        opened, errors = report.checked, engine.rearm_timers(dry_run=True).checked
        times: dict[str, list[float]] = {"floor": [], "default": [], "all": []}
        for _ in range(rounds):
            times["floor"].append(cpu_ms(engine.fire_due_timers))
            times["default"].append(cpu_ms(lambda: engine.rearm_timers(dry_run=True)))
            times["all"].append(cpu_ms(lambda: engine.rearm_timers(dry_run=True, every_deal=True)))
    finally:
        engine.close()
    floor, default, every = (statistics.median(times[k]) for k in ("floor", "default", "all"))
    print(f"  {opened} open or won deals, {errors} showing an error; medians of {rounds} rounds, CPU:")
    print(f"  idle sweep (floor)         {floor:8.2f} ms")
    print(f"  repair, default            {default:8.2f} ms  ({default / floor:.2f} x the floor)")
    print(f"  repair, --all              {every:8.2f} ms  ({every / floor:.1f} x the floor, "
          f"{every / max(opened, 1):.3f} ms a deal)")
    return f"default_ratio={default / floor:.2f} all_ms_per_deal={every / max(opened, 1):.3f} deals={opened}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file, not PostgreSQL")
    parser.add_argument("--demo", action="store_true", help="the demo's deals (SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if args.demo or args.sqlite:
            url = f"sqlite:///{Path(folder) / 'bench.db'}"
            demo(url) if args.demo else cloned(url, args.deals)
            print(measure(url, args.rounds))
            return
        with postgres_schema("rearm_timers.py") as (url, _, _):
            cloned(url, args.deals)
            print(measure(url, args.rounds))


if __name__ == "__main__":
    main()
