"""The unit of work against real databases (SQLite, and PostgreSQL when
DEALFLOW_TEST_POSTGRES_URL is set): conflicts are made by a second session that
really commits first, never by a mock."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

from engine.errors import ConflictError, FormError
from engine.service import unit_of_work
from engine.service.catalog import Catalog
from engine.service.context import ServiceContext
from engine.service.unit_of_work import Retry
from engine.store import db
from engine.store.db import DatabaseError
from engine.store.models import Opportunity, User
from tests.conftest import POSTGRES_URL

ENGINE_ROOT = Path(__file__).resolve().parents[2] / "engine"


class Waits:
    """The backoff's sleep, recorded instead of slept."""

    def __init__(self):
        self.seconds: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


@pytest.fixture
def waits() -> Waits:
    return Waits()


@pytest.fixture
def ctx(engine, waits):
    """The engine's context, retrying at most three times and sleeping not at all."""
    return dataclasses.replace(engine.context, retry=Retry(attempts=3, sleep=waits, random=lambda: 1.0))


@pytest.fixture
def deal_id(engine) -> int:
    return engine.create_opportunity(title="Cold room", amount="1000.00", partner="P",
                                     attributes={"channel": "retail"}, actor="manager").id


def commit_a_rival_change(ctx, deal_id: int) -> None:
    """Another transaction changes the deal and commits (its version counter moves)."""
    with ctx.sessions() as rival, rival.begin():
        rival.get(Opportunity, deal_id).title += " (changed)"


def retitle(ctx, deal_id: int, title: str, *, rival_on: set[int], calls: list[int]):
    """Work that loads the deal, meets a rival's commit on the calls in ``rival_on``,
    then writes the deal: the write finds the version counter moved."""
    def work(session):
        calls.append(len(calls) + 1)
        deal = session.get(Opportunity, deal_id)
        deal.row_version  # loaded now, before the rival commits
        if len(calls) in rival_on:
            commit_a_rival_change(ctx, deal_id)
        deal.title = title
        session.flush()
        return deal.title
    return work


def title_of(ctx, deal_id: int) -> str:
    with unit_of_work.read(ctx) as session:
        return session.get(Opportunity, deal_id).title


def test_a_conflict_every_time_is_retried_the_bounded_number_of_times_then_a_conflict_error(ctx, deal_id, waits):
    calls: list[int] = []
    with pytest.raises(ConflictError, match="someone else changed this opportunity at the same time"):
        unit_of_work.run(ctx, retitle(ctx, deal_id, "Mine", rival_on={1, 2, 3}, calls=calls))
    assert calls == [1, 2, 3]
    assert waits.seconds == [0.005, 0.01]  # doubling, no wait after the last try
    assert title_of(ctx, deal_id) == "Cold room (changed) (changed) (changed)"  # only the rivals' commits


def test_the_work_runs_again_after_one_conflict_and_commits_on_what_is_stored_now(ctx, deal_id, waits):
    calls: list[int] = []
    assert unit_of_work.run(ctx, retitle(ctx, deal_id, "Mine", rival_on={1}, calls=calls)) == "Mine"
    assert calls == [1, 2] and len(waits.seconds) == 1
    assert title_of(ctx, deal_id) == "Mine"


def test_a_sweep_may_skip_what_others_keep_changing_instead_of_failing(ctx, deal_id):
    calls: list[int] = []
    skipped = unit_of_work.run(ctx, retitle(ctx, deal_id, "Mine", rival_on={1}, calls=calls),
                               attempts=1, on_conflict=lambda: "skipped")
    assert (skipped, calls) == ("skipped", [1])


def test_a_swaps_bulk_write_that_finds_a_deal_changed_since_it_was_read_runs_again(ctx, deal_id, waits):
    """store.segments.write_moves checks each deal's row version as the ORM does; a
    mismatch is run again like any concurrent change, not a refusal at the first try."""
    from engine.store.segments import MovedDeal, write_moves

    calls: list[int] = []

    def work(session):
        calls.append(len(calls) + 1)
        read = session.get(Opportunity, deal_id).row_version
        if len(calls) == 1:
            commit_a_rival_change(ctx, deal_id)
        write_moves(session, [MovedDeal(deal_id, read, {"title": "Moved"})])
        return "moved"

    assert unit_of_work.run(ctx, work) == "moved"
    assert calls == [1, 2] and len(waits.seconds) == 1
    assert title_of(ctx, deal_id) == "Moved"


def test_a_duplicate_row_is_a_conflict_error_at_once_and_nothing_is_kept(ctx, deal_id, waits):
    calls: list[int] = []

    def work(session):
        calls.append(1)
        session.get(Opportunity, deal_id).title = "Kept?"
        session.add(User(username="rep1", display_name="again", role="rep", active=True,
                         created_at=ctx.now()))
        session.flush()

    with pytest.raises(ConflictError, match="user 'rep1' already exists"):
        unit_of_work.run(ctx, work, duplicate="user 'rep1' already exists")
    assert calls == [1] and waits.seconds == []  # not retried: running it again cannot help
    assert title_of(ctx, deal_id) == "Cold room"


def test_a_refusal_of_the_work_rolls_back_and_reaches_the_caller_unchanged(ctx, deal_id, waits):
    def work(session):
        session.get(Opportunity, deal_id).title = "Half done"
        raise FormError({"title": "too long"})

    with pytest.raises(FormError) as caught:
        unit_of_work.run(ctx, work)
    assert caught.value.fields == {"title": "too long"} and waits.seconds == []
    assert title_of(ctx, deal_id) == "Cold room"


def test_a_database_that_cannot_be_opened_is_a_database_error(tmp_path):
    broken = db.make_engine(f"sqlite:///{tmp_path / 'no such folder' / 'x.db'}")
    factory = sessionmaker(broken)
    ctx = ServiceContext(sessions=factory, reads=factory, catalog=Catalog())
    with pytest.raises(DatabaseError, match="the database failed: unable to open database file"):
        unit_of_work.run(ctx, lambda session: session.get(User, 1))
    with pytest.raises(DatabaseError, match="unable to open database file"):
        with unit_of_work.read(ctx) as session:
            session.get(User, 1)
    broken.dispose()


@pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL's serialization failures need PostgreSQL")
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_postgresql_serialization_failure_is_retried_like_a_stale_row(ctx, deal_id, waits):
    calls: list[int] = []

    def work(session):
        calls.append(1)
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        deal = session.get(Opportunity, deal_id)  # the snapshot is taken here
        if len(calls) == 1:
            commit_a_rival_change(ctx, deal_id)
        deal.title = "Mine"
        session.flush()  # could not serialize access due to concurrent update (40001)

    with pytest.raises(OperationalError) as raised:  # what PostgreSQL does without the unit of work
        with ctx.sessions() as session, session.begin():
            work(session)
    assert raised.value.orig.sqlstate == "40001"
    calls.clear()
    unit_of_work.run(ctx, work)
    assert len(calls) == 2 and len(waits.seconds) == 1
    assert title_of(ctx, deal_id) == "Mine"


def test_the_backoff_doubles_up_to_its_cap_with_jitter_between_half_and_all_of_it():
    retry = Retry(attempts=9, base=0.01, cap=0.05, random=lambda: 0.0)
    assert [retry.delay(n) for n in range(1, 6)] == [0.005, 0.01, 0.02, 0.025, 0.025]
    assert Retry(base=0.01, cap=0.05, random=lambda: 1.0).delay(3) == 0.04
    with pytest.raises(ValueError):
        Retry(attempts=0)


def test_only_the_unit_of_work_handles_stale_rows():
    mentions = sorted(str(p.relative_to(ENGINE_ROOT)) for p in ENGINE_ROOT.rglob("*.py")
                      if "StaleDataError" in p.read_text("utf-8"))
    assert mentions == ["service/unit_of_work.py"]


def test_only_the_unit_of_work_and_the_context_import_sqlalchemy_in_the_service_layer():
    importers = sorted(p.name for p in (ENGINE_ROOT / "service").glob("*.py")
                       if any(line.startswith(("import sqlalchemy", "from sqlalchemy"))
                              for line in p.read_text("utf-8").splitlines()))
    assert importers == ["context.py", "unit_of_work.py"]


def test_inside_a_use_case_the_expressions_read_the_engines_clock_not_the_wall_clock(ctx, clock):
    """A hide condition, a routing condition or a script evaluated by a use case outside
    a workflow step judges today() by the engine's day (a FakeClock's here)."""
    from engine.expressions import compile_expression

    today, now = compile_expression("today()"), compile_expression("now()")
    assert today.evaluate({}) != clock.now.date()  # outside: the wall clock (the FakeClock is in 2026-11)
    assert unit_of_work.run(ctx, lambda session: (today.evaluate({}), now.evaluate({}))) == (clock.now.date(),
                                                                                            clock.now)
    for reading in (unit_of_work.read, unit_of_work.quick_read):
        with reading(ctx):
            assert today.evaluate({}) == clock.now.date()
    clock.advance(days=1)
    assert unit_of_work.run(ctx, lambda session: today.evaluate({})) == clock.now.date()  # read per use case
