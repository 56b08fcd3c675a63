"""How long one swap of a segment's methodology takes with 10,000 open deals.

One command:  python bench/swap.py [--opportunities 10000] [--postgres]

In a fresh SQLite file (with --postgres: a fresh schema of DEALFLOW_BENCH_POSTGRES_URL
or DEALFLOW_TEST_POSTGRES_URL) it deploys the shipped methodologies, plus a second
methodology "<id>-express": the files of the methodology segment 'horeca' follows,
under another id (so every stage id has a namesake), and fills the segment with
open deals:

  * 200 through the façade (Engine.create_opportunity: real rows, events, history);
  * the rest cloned from those rows in bulk (Core executemany), each with a
    workflow state of its own made by ProcessRunner.start_at at one of up to ten
    stages of the methodology, its READY inbox rows, a stage-history row and an 'opened' event —
    what a deal that far along would have, except its older history.

Then it times ONE Engine.swap_segment('horeca', '<id>-express') moving all of
them, and, as the floor measured in the same run, the bare per-deal work in
memory: reading the old workflow's data, start_at on the new process and
serializing its state, for every deal. Prints seconds and ratio=swap/floor.
Target: <= 20 s on SQLite for 10,000 deals.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import create_engine, insert, select, text

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from engine.methodology import due_dates  # noqa: E402
from engine.service import Engine  # noqa: E402
from engine.store.models import Event, InboxTask, Opportunity, StageChange  # noqa: E402

SEGMENT = "horeca"
SEED = 200


def second_methodology(root: Path, files: dict[str, str], methodology_id: str) -> Path:
    """The files of ``methodology_id``'s deployed version under the id '<id>-express'."""
    target = root / "second"
    for path, data in files.items():
        if path.endswith((".yaml", ".yml")):
            data = data.replace(f"methodology: {methodology_id}\n", f"methodology: {methodology_id}-express\n")
        (target / path).parent.mkdir(parents=True, exist_ok=True)
        (target / path).write_text(data, "utf-8")
    return target


def build(url: str, opportunities: int, root: Path) -> Engine:
    engine = Engine(url, upgrade_schema=True)
    engine.create_user("manager", "manager")
    for i in range(1, 6):
        engine.create_user(f"rep{i}", "rep")
    engine.deploy(str(REPO / "methodologies"), actor="manager")
    segment = next(s for s in engine.list_segments(viewer=None) if s.id == SEGMENT)
    with engine._sessions() as session:
        from engine.store.versions import version_files

        files = version_files(session, segment.version_id)
    engine.deploy(str(second_methodology(root, files, segment.methodology_id)), actor="manager")
    for team in {s.team for s in engine.list_segments(viewer=None)}:
        engine.create_team(team, "manager", [f"rep{i}" for i in range(1, 6)])
    seeds = [engine.create_opportunity(title=f"Seed {n}", amount="1000.00", partner=f"Bar {n}", actor="manager",
                                       attributes={"channel": "horeca", "territory": "PL-MZ"}, owner="rep1")
             for n in range(min(SEED, opportunities))]
    assert {d.segment_id for d in seeds} == {SEGMENT}, "the shipped routing no longer sends these to 'horeca'"
    version_id = seeds[0].methodology_version_id
    runner = engine._catalog.runner(None, version_id)
    with engine._sessions() as session:
        _, methodology = engine._catalog.version(session, version_id)
    from engine.rules.swap_plan import entry_node

    stages = [(stage, entry_node(methodology, stage.id)[0]) for stage in methodology.stages]
    stages = [(stage, node) for stage, node in stages if node is not None][:10]
    print(f"  {methodology.id}: deals spread over {', '.join(stage.id for stage, _ in stages)}")
    now = datetime.now(timezone.utc)
    database = create_engine(engine.url)
    with database.begin() as connection:
        template = connection.execute(select(Opportunity.__table__).where(
            Opportunity.id == seeds[0].id)).mappings().one()
        next_id = connection.execute(text("SELECT max(id) FROM opportunities")).scalar() + 1
    clones = opportunities - len(seeds)
    batch = 2_000
    for start in range(0, clones, batch):
        deals, tasks, history, events = [], [], [], []
        for n in range(start, min(start + batch, clones)):
            stage, node_id = stages[n % len(stages)]
            state, result = runner.start_at(node_id, {"channel": "horeca", "amount": 1000}, now)
            opportunity_id = next_id + n
            deals.append({**template, "id": opportunity_id, "title": f"Clone {n}", "stage_id": stage.id,
                          "probability": stage.probability, "probability_auto": stage.probability,
                          "workflow_state": state, "row_version": 1, "next_timer_at": result.next_due})
            for task in result.ready:
                node = methodology.process.nodes.get(task.node_id)
                tasks.append(dict(id=task.task_id, opportunity_id=opportunity_id, node_id=task.node_id,
                                  name=task.name, instructions=task.instructions,
                                  form=[asdict(f) for f in task.form], lane=task.lane,
                                  assignee_id=template["owner_id"], candidate_team_id=None, status="ready",
                                  due_at=due_dates.due_at(node.due_date if node else None, now), created_at=now,
                                  kind="workflow"))
            history.append(dict(opportunity_id=opportunity_id, from_stage=None, to_stage=stage.id,
                                probability=stage.probability, changed_by_id=None, changed_at=now))
            events.append(dict(opportunity_id=opportunity_id, kind="opened", actor_id=None, at=now,
                               data={"segment": SEGMENT, "cloned_from": template["id"]}))
        with database.begin() as connection:
            connection.execute(insert(Opportunity.__table__), deals)
            connection.execute(insert(InboxTask.__table__), tasks)
            connection.execute(insert(StageChange.__table__), history)
            connection.execute(insert(Event.__table__), events)
        print(f"\r  {len(seeds) + min(start + batch, clones):>6} open deals in '{SEGMENT}'", end="", flush=True)
    print()
    if engine.url.startswith("postgresql"):
        with database.begin() as connection:
            connection.execute(text("ANALYZE"))
    database.dispose()
    return engine


def express(engine: Engine) -> str:
    return next(s for s in engine.list_segments(viewer=None) if s.id == SEGMENT).methodology_id + "-express"


def floor_seconds(engine: Engine) -> float:
    """Per deal, in memory: the old workflow's data, start_at on the new process, its state as text."""
    database = create_engine(engine.url)
    with database.connect() as connection:
        rows = connection.execute(select(Opportunity.methodology_version_id, Opportunity.stage_id,
                                         Opportunity.workflow_state).where(
            Opportunity.segment_id == SEGMENT, Opportunity.status == "open")).all()
    database.dispose()
    from engine.rules.swap_plan import entry_node

    with engine._sessions() as session:
        new_info, new = engine._catalog.newest(session, express(engine))
        new_runner = engine._catalog.runner(session, new_info.id)
        old_runners = {v: engine._catalog.runner(session, v) for v in {r[0] for r in rows}}
    nodes = {stage.id: entry_node(new, stage.id)[0] for stage in new.stages}
    now = datetime.now(timezone.utc)
    started = time.perf_counter()
    for version_id, stage_id, state in rows:
        data = old_runners[version_id].data(state)
        new_runner.start_at(nodes[stage_id], data, now)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opportunities", type=int, default=10_000)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        schema = None
        if args.postgres:
            base = os.environ.get("DEALFLOW_BENCH_POSTGRES_URL") or os.environ["DEALFLOW_TEST_POSTGRES_URL"]
            schema = f"bench_{uuid.uuid4().hex[:10]}"
            admin = create_engine(base)
            with admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
        else:
            url = f"sqlite:///{root / 'bench.db'}"
        try:
            print(f"building {args.opportunities} open deals ({url.split('@')[-1].split('?')[0]}) ...")
            engine = build(url, args.opportunities, root)
            floor = floor_seconds(engine)
            started = time.perf_counter()
            report = engine.swap_segment(SEGMENT, express(engine), actor="manager")
            seconds = time.perf_counter() - started
            engine.close()
        finally:
            if schema:
                with admin.begin() as connection:
                    connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()
    print(f"moved {report.moved}, not moved {report.not_moved_count}: "
          + ", ".join(f"{m.from_stage}->{m.to_stage} {m.count}" for m in report.moves[:4]) + ", ...")
    print(f"floor (data + start_at + serialize, in memory): {floor:.2f} s ({floor / max(report.moved, 1) * 1000:.2f} ms/deal)")
    print(f"swap (one transaction):                          {seconds:.2f} s ({seconds / max(report.moved, 1) * 1000:.2f} ms/deal)")
    print(f"ratio={seconds / floor:.2f}  target: swap <= 20 s")


if __name__ == "__main__":
    main()
