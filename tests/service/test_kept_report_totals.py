"""The totals the analysis reports keep instead of scanning (issue 13) equal a
recomputation from the rows they sum, on SQLite and PostgreSQL: the per-day
snapshot totals after sweeps, re-runs, closed deals and a deal handed to another
rep between days, after two sweeps at once, and after the migration that fills
them from snapshots already on file; the stage figures (reached, stays, advanced)
in every viewer's scope after stage changes, wins and losses, a swap and its
reversal, a reassignment and a partner's hand-over, and after the migration."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from engine.rules import pipeline_analysis as rules
from engine.service import pipeline_analysis as analysis
from engine.service import Engine, unit_of_work
from engine.store import pipeline_analysis as analysis_store
from engine.store import snapshot_totals, stage_totals
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


def stage_figures(engine, viewer: str, *, kept: bool, by_segment: bool) -> list[tuple]:
    """The stage figures in ``viewer``'s scope: as the reports read them (kept) or
    recomputed from the stage history rows."""
    ctx = engine.context
    with unit_of_work.read(ctx) as session:
        scope = analysis._scope(session, viewer)
        if kept:
            rows = analysis_store.stages(session, scope, by_segment=by_segment)
        else:
            versions = analysis._versions(ctx, session, analysis_store.version_ids(session))
            rows = analysis_store.stages_from_history(session, scope, rules.positions(versions),
                                                      by_segment=by_segment)
    return sorted((t.key, t.reached, t.stays, round(t.stay_days, 6), t.advanced) for t in rows)


def assert_stage_figures_kept(engine, db_url):
    for viewer in ("manager", "rep1", "rep2", "manager2", "admin"):
        for by_segment in (False, True):
            assert (stage_figures(engine, viewer, kept=True, by_segment=by_segment)
                    == stage_figures(engine, viewer, kept=False, by_segment=by_segment)), (viewer, by_segment)
    with unit_of_work.read(engine.context) as session:
        assert stage_totals.kept(session) == stage_totals.summed_parts(session)


def test_the_stage_figures_kept_equal_a_recomputation_from_the_history(engine, clock, db_url):
    history = seed_history(engine, clock)  # stage changes, a win, losses, a swap, a loss by hand
    assert_stage_figures_kept(engine, db_url)
    assert stage_figures(engine, "manager", kept=True, by_segment=False) != []
    engine.reassign_opportunity(history["E"].id, to="rep1", actor="manager")
    assert_stage_figures_kept(engine, db_url)
    assert [t[0] for t in stage_figures(engine, "rep2", kept=True, by_segment=False)] != \
        [t[0] for t in stage_figures(engine, "rep1", kept=True, by_segment=False)]
    engine.hand_over_partner(history["D"].partner_id, to="rep1", actor="manager")  # D moves to rep1
    assert_stage_figures_kept(engine, db_url)
    assert stage_figures(engine, "rep2", kept=True, by_segment=False)  # B is still rep2's
    engine.reverse_swap(history["swap"].swap_id, actor="manager")  # E (open, horeca) moves back
    clock.advance(days=1)
    assert_stage_figures_kept(engine, db_url)


def test_the_migration_and_the_rebuild_give_the_kept_stage_figures(engine, clock, db_url):
    seed_history(engine, clock)
    before = {v: stage_figures(engine, v, kept=True, by_segment=True) for v in ("manager", "rep1")}
    engine.close()
    raw = make_engine(db_url)
    command.downgrade(_alembic_config(raw), "0016")  # the kept figures go; the history stays
    upgrade(raw)
    raw.dispose()
    again = Engine(db_url, clock=clock)
    try:
        assert {v: stage_figures(again, v, kept=True, by_segment=True) for v in ("manager", "rep1")} == before
        assert_stage_figures_kept(again, db_url)
    finally:
        again.close()
