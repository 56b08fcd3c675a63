"""The unit of work's closing INSERTs (events, stage history, inbox rows, the kept
parts and sums) travel in PostgreSQL's pipeline mode (``engine.store.pipeline``): a
queued INSERT that the database refuses fails the whole step, however late its error
comes back, and leaves the deal as it was; the connection serves the next use case.

The refusal is a real one: a trigger on the table raises a unique violation, as a
clashing row would."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from engine.errors import ConflictError
from engine.store import deal_totals, stage_totals
from tests.conftest import POSTGRES_URL
from tests.engine.test_concurrency import open_deal

pytestmark = [pytest.mark.skipif(not POSTGRES_URL, reason="pipeline mode is PostgreSQL's"),
              pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)]


def refuse_inserts(engine, table: str) -> None:
    with engine._sessions() as session, session.begin():
        session.execute(text("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
                             "$$ BEGIN RAISE unique_violation USING MESSAGE = 'refused by the test'; END $$"))
        session.execute(text(f"CREATE TRIGGER refuse BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION refuse()"))


def allow_inserts(engine, table: str) -> None:
    with engine._sessions() as session, session.begin():
        session.execute(text(f"DROP TRIGGER refuse ON {table}"))
        session.execute(text("DROP FUNCTION refuse()"))


def stored(engine, deal_id: int):
    deal = engine.show_opportunity(deal_id)
    with engine._sessions() as session:
        kept = (deal_totals.kept(session), deal_totals.stored_parts(session), stage_totals.kept(session))
    return ((deal.stage_id, deal.status, [t.node_id for t in deal.open_tasks], [t.node_id for t in deal.completed_tasks],
             [e.kind for e in deal.events], [c.to_stage for c in deal.stage_history]), kept)


# events: refused at the read of the report parts that follows them (its sync);
# tasks: the step's new inbox rows, likewise; stage_history_totals: the last write,
# refused only when the pipeline ends, just before COMMIT.
@pytest.mark.parametrize("table", ["events", "tasks", "stage_history_totals"])
def test_a_refused_queued_insert_rolls_the_whole_step_back(engine, table):
    deal = open_deal(engine)
    (task,) = deal.open_tasks
    before = stored(engine, deal.id)
    refuse_inserts(engine, table)
    with pytest.raises(ConflictError):
        engine.complete_task(task.id, actor=deal.owner, data={"amount": "100"})
    allow_inserts(engine, table)
    assert stored(engine, deal.id) == before  # nothing of the step: task, deal, rows, kept totals
    # The same pool (the connection left pipeline mode) completes the step afterwards.
    engine.complete_task(task.id, actor=deal.owner, data={"amount": "100"})
    assert_written(engine, deal)


def test_a_step_moves_the_deal_on_postgresql_with_its_rows_written(engine):
    deal = open_deal(engine)
    (task,) = deal.open_tasks
    engine.complete_task(task.id, actor=deal.owner, data={"amount": "100"}, view=False)
    assert_written(engine, deal)


def assert_written(engine, deal) -> None:
    after = engine.show_opportunity(deal.id)
    assert [t.node_id for t in after.completed_tasks] == ["Task_Qualify"]
    assert after.stage_id != deal.stage_id  # the step moved it: history, parts and sums were written
    assert [c.to_stage for c in after.stage_history][-1] == after.stage_id
    assert "task_completed" in [e.kind for e in after.events]
    with engine._sessions() as session:
        sums, parts = deal_totals.recount(session)
        assert deal_totals.kept(session) == sums and deal_totals.stored_parts(session)[deal.id] == parts[deal.id]
        assert stage_totals.kept(session) == {k: v for k, v in stage_totals.summed_parts(session).items() if v[0]}
