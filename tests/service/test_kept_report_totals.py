"""The totals the analysis reports keep instead of scanning (issue 13) equal a
recomputation from the rows they sum, on SQLite and PostgreSQL: the per-day
snapshot totals after sweeps, re-runs, closed deals and a deal handed to another
rep between days, after two sweeps at once, and after the migration that fills
them from snapshots already on file."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from engine.store import snapshot_totals
from engine.store.db import _alembic_config, make_engine, schema_is_current, upgrade
from tests.engine.test_concurrency import at_once
from tests.service.analysis_history import seed_history


def both(db_url):
    """(kept, recomputed) snapshot totals, read outside the engine."""
    raw = make_engine(db_url)
    try:
        with raw.connect() as connection:
            return snapshot_totals.kept(connection), snapshot_totals.recomputed(connection)
    finally:
        raw.dispose()


def test_the_day_totals_follow_the_sweeps(engine, clock, db_url):
    history = seed_history(engine, clock)
    engine.take_snapshots()
    kept, recomputed = both(db_url)
    assert kept == recomputed and sum(n for n, _, _ in kept.values()) == 2  # D and E are open
    engine.take_snapshots()  # a re-run files nothing and adds nothing
    assert both(db_url) == (kept, recomputed)

    clock.advance(days=1)
    engine.reassign_opportunity(history["E"].id, to="rep1", actor="manager")  # E is rep1's from today
    engine.take_snapshots()
    clock.advance(days=1)
    engine.close_as_lost(history["D"].id, actor="rep2", reason_code="price")
    engine.take_snapshots()
    kept, recomputed = both(db_url)
    assert kept == recomputed
    days = sorted({day for day, *_ in kept})
    owners = [{owner for day, owner, *_ in kept if day == d} for d in days]
    assert [len(o) for o in owners] == [1, 2, 1]  # D and E rep2's; then E rep1's; then D closed
    assert owners[2] != owners[0] and owners[1] == owners[0] | owners[2]


def test_two_sweeps_at_once_add_each_deal_once(engines, clock, db_url):
    first, second = engines
    seed_history(first, clock)
    at_once(first.take_snapshots, second.take_snapshots)
    kept, recomputed = both(db_url)
    assert kept == recomputed and sum(n for n, _, _ in kept.values()) == 2


def test_the_migration_fills_the_day_totals_from_the_snapshots_on_file(engine, clock, db_url):
    seed_history(engine, clock)
    engine.take_snapshots()
    clock.advance(days=1)
    engine.take_snapshots()
    engine.close()
    raw = make_engine(db_url)
    command.downgrade(_alembic_config(raw), "0013")  # the table goes; the snapshots stay
    with raw.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM deal_snapshots")).scalar() == 4
    upgrade(raw)
    assert schema_is_current(raw)
    raw.dispose()
    kept, recomputed = both(db_url)
    assert kept == recomputed and sum(n for n, _, _ in kept.values()) == 4
