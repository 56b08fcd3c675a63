"""The rows a workflow step works on come in id order (``inbox.step_rows``), in a timer
batch (``opportunities.due_step_rows``) as in one deal's step, on SQLite and PostgreSQL:
rows are inserted here in an order unlike their ids', so a read in the order the table
or an index happens to give them (insertion order, on both databases) answers
differently and the test fails."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import insert

from engine.store import inbox
from engine.store import opportunities as opportunity_store
from engine.store.models import InboxTask
from tests.engine.test_concurrency import open_deal

AT = datetime(2026, 12, 6, 12, tzinfo=timezone.utc)


def _add_rows(session, deal_id: int, ids: list[str]) -> None:
    """Ready suggested activities with these ids, inserted in the order given."""
    for task_id in ids:  # one INSERT each: the order they are stored in is this one
        session.execute(insert(InboxTask.__table__).values(
            id=task_id, opportunity_id=deal_id, node_id=f"stage/{task_id[:4]}", name="Call", instructions="",
            form=[], status="ready", created_at=AT, kind="activity", stage_id="stage", required=False))


def _ids(prefix: str) -> list[str]:
    # the last one first: descending ids, each 36 characters like a task id
    return [f"{prefix}{digit}".ljust(36, "0") for digit in "952"]


def test_a_deals_step_rows_come_in_id_order(engine):
    deal = open_deal(engine)
    (task,) = deal.open_tasks
    with engine._sessions() as session, session.begin():
        _add_rows(session, deal.id, _ids("f") + _ids("0"))
    expected = sorted(_ids("f") + _ids("0") + [task.id])
    with engine._sessions() as session, session.begin():
        sent = inbox.step_rows_ahead(session, task.id)  # PostgreSQL's read sent with the lock
        opportunity, *_ = opportunity_store.lock_for_step(session, task.id, deal.owner, rows_behind=sent)
        assert [row.id for row in inbox.step_rows(session, opportunity.id, task_id=task.id, sent=sent)] == expected
        assert [row.id for row in inbox.step_rows(session, opportunity.id, task_id=task.id)] == expected
        assert [row.id for row in inbox.step_rows(session, opportunity.id)] == expected


def test_a_timer_batch_reads_each_deal_s_rows_in_the_order_its_own_step_would(engine):
    first, second = open_deal(engine, "Cold room"), open_deal(engine, "Freezer")
    with engine._sessions() as session, session.begin():
        # the two deals' rows interleaved, each deal's inserted against its id order
        _add_rows(session, second.id, _ids("e"))
        _add_rows(session, first.id, _ids("d"))
        _add_rows(session, second.id, _ids("1"))
        _add_rows(session, first.id, _ids("2"))
    with engine._sessions() as session, session.begin():
        deals = [opportunity_store.lock_opportunity(session, deal.id) for deal in (first, second)]
        batch = opportunity_store.due_step_rows(session, deals)
        for deal in deals:
            single = [row.id for row in inbox.step_rows(session, deal.id)]
            assert [row.id for row in batch[deal.id]] == single == sorted(single)
            assert len(single) == 7  # its process's task and six activities
