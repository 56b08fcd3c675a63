"""A completed task's step reads the deal's external_tasks and message_waits rows only
when its methodology version has service tasks or message events: a process of user
tasks makes no such rows, so the durable step spares the two queries; one with
message catches still keeps its waits in step with the workflow."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from tests.conftest import make_engine
from tests.service.test_messages import FIXTURE, by_key, order


@contextmanager
def statements(engine):
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_):
        seen.append(statement)

    event.listen(engine._engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine._engine, "before_cursor_execute", note)


def touching(seen: list[str], table: str) -> list[str]:
    return [s for s in seen if table in s]


def test_a_step_of_a_process_of_user_tasks_reads_no_external_or_message_rows(engine):
    deal = engine.create_opportunity(title="Cold room", amount="1000.00", partner="Cold room Ltd",
                                     attributes={"channel": "retail"}, actor="manager")
    with statements(engine) as seen:
        engine.complete_task(deal.open_tasks[0].id, actor="rep1", data={"amount": 1000, "interested": True},
                             view=False)
    assert seen  # the step did run its statements
    assert touching(seen, "external_tasks") == [] and touching(seen, "message_waits") == []
    assert engine.show_opportunity(deal.id).stage_id == "offer"


def test_a_step_of_a_process_with_message_catches_keeps_its_waits(db_url, clock):
    erp = make_engine(db_url, clock, FIXTURE)
    try:
        deal = order(erp)
        erp.send_message("order-confirmed", by_key("ORD-1"), actor="admin")
        task = erp.show_opportunity(deal.id).open_tasks[0]
        with statements(erp) as seen:
            erp.complete_task(task.id, actor="rep1", data={}, view=False)
        assert touching(seen, "message_waits")  # read and replaced: the deal now waits for 'delivered'
        assert "delivered" in erp.waiting_messages(deal.id)
    finally:
        erp.close()
