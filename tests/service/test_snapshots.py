"""Daily snapshots of the open deals (M17) through the façade, on SQLite and
PostgreSQL: one row per deal per day, a re-run changes nothing, two processes at
once file each deal once, and the deals as of a past day."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import threading
import time

import pytest
from sqlalchemy import create_engine, select, text

from engine.errors import FormError, PermissionDeniedError
from engine.store.snapshot_models import DealSnapshot
from tests.engine.test_concurrency import at_once


def open_deal(engine, title="Kiosk", amount="1000.00", **extra):
    return engine.create_opportunity(title=title, amount=amount, partner="Hotel Rex", actor="manager",
                                     attributes={"channel": "retail"}, **extra)


def rows(db_url):
    raw = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with raw.connect() as connection:
            return sorted(tuple(r) for r in connection.execute(
                select(DealSnapshot.snapshot_date, DealSnapshot.opportunity_id, DealSnapshot.taken_at)))
    finally:
        raw.dispose()


def test_a_sweep_files_each_open_deal_once_and_a_rerun_changes_nothing(engine, clock, db_url):
    first, second = open_deal(engine), open_deal(engine, "Oven", "250.50", expected_close_date="2027-01-15")
    lost = open_deal(engine, "Fridge")
    engine.close_as_lost(lost.id, actor="manager", reason_code="price")
    report = engine.take_snapshots()
    assert (report.day, report.on_file, report.new) == (date(2026, 11, 2), 2, 2)
    filed = rows(db_url)
    assert [(d, i) for d, i, _ in filed] == [(date(2026, 11, 2), first.id), (date(2026, 11, 2), second.id)]

    engine.set_forecast_category(first.id, "commit", actor=first.owner)  # changes after the sweep ...
    clock.advance(hours=3)
    again = engine.take_snapshots()
    assert (again.on_file, again.new) == (2, 0)
    assert rows(db_url) == filed  # ... do not rewrite the day's rows

    day = engine.deals_as_of("2026-11-02", viewer="admin")
    assert (day.asked, day.day) == (date(2026, 11, 2), date(2026, 11, 2))
    kiosk, oven = day.deals
    assert (kiosk.opportunity_id, kiosk.forecast_category, kiosk.category_overridden) == (first.id, "pipeline", False)
    assert (oven.amount, oven.currency, oven.probability, oven.stage_id, oven.expected_close_date, oven.owner,
            oven.segment_id, oven.methodology_version_id) == (
        Decimal("250.50"), "PLN", 20, "qualification", date(2027, 1, 15), second.owner, second.segment_id,
        second.methodology_version_id)


def test_each_day_gets_its_own_rows_and_a_report_reads_the_day_it_asks_for(engine, clock):
    deal = open_deal(engine)
    engine.take_snapshots()
    clock.advance(days=1)
    engine.set_forecast_category(deal.id, "commit", actor=deal.owner)
    engine.set_close_date(deal.id, "2027-02-01", actor=deal.owner)
    later = open_deal(engine, "Oven")
    assert engine.take_snapshots().on_file == 2
    clock.advance(days=5)  # the worker was down for days: reports read the last day on file

    before = engine.deals_as_of(date(2026, 11, 2), viewer="admin")
    after = engine.deals_as_of(date(2026, 11, 6), viewer="admin")
    assert [(d.opportunity_id, d.forecast_category, d.expected_close_date) for d in before.deals] == [
        (deal.id, "pipeline", date(2026, 12, 31))]
    assert after.day == date(2026, 11, 3)
    assert [(d.opportunity_id, d.forecast_category, d.category_overridden, d.expected_close_date)
            for d in after.deals] == [(deal.id, "commit", True, date(2027, 2, 1)),
                                      (later.id, "pipeline", False, date(2026, 12, 31))]
    nothing = engine.deals_as_of("2026-10-01", viewer="admin")
    assert (nothing.day, nothing.deals) == (None, ())


def test_a_past_day_files_only_the_deals_opened_by_then_and_a_future_day_is_refused(engine, clock):
    early = open_deal(engine)
    clock.advance(days=2)
    open_deal(engine, "Oven")
    report = engine.take_snapshots("2026-11-02")
    assert (report.day, report.on_file) == (date(2026, 11, 2), 1)
    assert [d.opportunity_id for d in engine.deals_as_of("2026-11-02", viewer="admin").deals] == [early.id]
    with pytest.raises(FormError) as err:
        engine.take_snapshots("2026-11-05")
    assert err.value.fields == {"date": "2026-11-05 has not come yet; a snapshot files the deals of today "
                                        "or a past day"}
    with pytest.raises(FormError):
        engine.take_snapshots("yesterday")


def test_past_pipelines_are_for_managers_of_their_deals_designers_and_admins(engine):
    ours = open_deal(engine)
    theirs = engine.create_opportunity(title="Bar", amount="5.00", partner="Bar", actor="manager2",
                                       attributes={"channel": "retail"}, owner="rep3")
    engine.take_snapshots()
    with pytest.raises(PermissionDeniedError):
        engine.deals_as_of("2026-11-02", viewer="rep1")
    assert {d.opportunity_id for d in engine.deals_as_of("2026-11-02", viewer="admin").deals} == {ours.id,
                                                                                                   theirs.id}
    # A manager's deals as the reports and warnings count them (engine.rules.report_scope):
    # those they or anyone below them owns or manages, and those of the teams they lead.
    deals = {d.id: engine.show_opportunity(d.id) for d in (ours, theirs)}
    for manager, below, leads in (("manager", {"rep1", "rep2"}, {"sales", "horeca"}),
                                  ("manager2", {"rep3"}, {"others"})):
        people = below | {manager}
        seen = {d.opportunity_id for d in engine.deals_as_of("2026-11-02", viewer=manager).deals}
        assert seen == {i for i, d in deals.items() if {d.manager, d.owner} & people or d.team in leads}
    # rep3's deal is in manager's team 'sales' and owned by manager2's report: both count it
    assert {d.opportunity_id for d in engine.deals_as_of("2026-11-02", viewer="manager2").deals} == {theirs.id}


def test_a_director_sees_the_past_pipeline_of_every_team_below_them_as_the_reports_do(engine):
    from tests.service.quota_seeds import with_director

    with_director(engine)  # director leads manager and manager2
    ours = open_deal(engine)
    theirs = engine.create_opportunity(title="Bar", amount="5.00", partner="Bar", actor="manager2",
                                       attributes={"channel": "retail"}, owner="rep3")
    engine.take_snapshots()
    seen = {d.opportunity_id for d in engine.deals_as_of("2026-11-02", viewer="director").deals}
    assert seen == {ours.id, theirs.id}  # the one scope of reports and warnings, not "managed by me"


def test_two_processes_sweeping_at_once_file_each_deal_once(engines, db_url):
    first, second = engines
    deals = [open_deal(first, f"deal {i}").id for i in range(12)]
    # Small batches, so that the two sweeps interleave batch by batch.
    from engine.service import snapshots
    outcomes = at_once(lambda: snapshots.take_snapshots(first.context, batch=2),
                       lambda: snapshots.take_snapshots(second.context, batch=3))
    assert all(not isinstance(o, Exception) for o in outcomes), outcomes
    assert [o.on_file for o in outcomes] == [12, 12]
    assert sum(o.new for o in outcomes) >= 12  # each counts what is on file after it, less what was before
    filed = rows(db_url)
    assert [i for _, i, _ in filed] == sorted(deals)


def test_a_row_another_process_filed_first_is_kept_and_the_sweep_files_the_rest(engines, db_url):
    """Another process has filed deal A's row in a transaction still open. On
    PostgreSQL the sweep runs meanwhile: it waits on A's key until the other
    commits, then skips it (the test commits once the sweep is seen waiting on the
    lock). SQLite has one writer at a time, so there the other commits first. Either
    way A is filed once, as the other filed it, B by the sweep, and nothing fails."""
    first, second = engines
    a, b = open_deal(first).id, open_deal(first, "Oven").id
    raw = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with raw.connect() as other:
            other_pid = other.execute(text("SELECT pg_backend_pid()")).scalar() \
                if raw.dialect.name == "postgresql" else None
            other.execute(text(
                "INSERT INTO deal_snapshots (snapshot_date, opportunity_id, stage_id, amount, currency, probability, "
                "forecast_category, category_overridden, expected_close_date, owner_id, manager_id, team_id, "
                "methodology_version_id, segment_id, taken_at) SELECT :day, id, stage_id, amount, currency, "
                "probability, 'commit', :yes, expected_close_date, owner_id, manager_id, team_id, "
                "methodology_version_id, segment_id, opened_at FROM opportunities WHERE id = :a"),
                {"day": date(2026, 11, 2), "a": a, "yes": True})
            if raw.dialect.name == "postgresql":
                outcomes = []
                sweep = threading.Thread(target=lambda: outcomes.append(_outcome(second.take_snapshots)))
                sweep.start()
                _wait_for_a_lock_wait(raw, other_pid)
                other.commit()
                sweep.join(timeout=60)
                assert not sweep.is_alive(), "the sweep hung"
                (outcome,) = outcomes
            else:
                other.commit()
                outcome = _outcome(second.take_snapshots)
        assert not isinstance(outcome, Exception), outcome
    finally:
        raw.dispose()
    day = first.deals_as_of("2026-11-02", viewer="admin")
    assert [(d.opportunity_id, d.forecast_category) for d in day.deals] == [(a, "commit"), (b, "pipeline")]
    assert len(rows(db_url)) == 2


def _outcome(call):
    try:
        return call()
    except Exception as err:  # noqa: BLE001 - the test inspects it
        return err


def _wait_for_a_lock_wait(raw, holder_pid: int) -> None:
    """Until some backend waits for a lock held by ``holder_pid`` (the sweep, on A's
    uncommitted key): a wait on the condition itself, bounded, not a guess at how long
    the sweep takes. Only waits on that backend count: tests in other worker processes
    share the database and may be waiting on locks of their own."""
    deadline = time.monotonic() + 30
    blocked = text("SELECT count(*) FROM pg_stat_activity WHERE :holder = ANY(pg_blocking_pids(pid))")
    with raw.connect() as watcher:
        while not watcher.execute(blocked, {"holder": holder_pid}).scalar():
            assert time.monotonic() < deadline, "the sweep never waited on the uncommitted row"
            watcher.rollback()
            time.sleep(0.01)
