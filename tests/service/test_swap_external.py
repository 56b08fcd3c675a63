"""Reversing a swap never leaves a deal waiting at an external task with no row a
worker could fetch (the swap withdrew the rows): such a deal is reported as not
moved back, on the methodology it was swapped to, where it can go on. SQLite and
PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import make_engine

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def erp(db_url, clock):
    engine = make_engine(db_url, clock, FIXTURES / "external")
    engine.deploy(str(FIXTURES / "erp_by_hand"), actor="admin")
    yield engine
    engine.close()


def test_reversing_a_swap_does_not_put_a_deal_back_on_an_external_task_nobody_can_fetch(erp):
    deal = erp.create_opportunity(title="Order", amount="1000.00", partner="Order Ltd", actor="manager",
                                  owner="rep1")
    worker = erp.worker_for_token(erp.create_worker_token("erp", ["invoice"], actor="admin"))
    assert [t.opportunity_id for t in erp.fetch_and_lock(worker, "w1", 10, [("invoice", 60_000)])] == [deal.id]
    swapped = erp.swap_segment("everyone", "erp-by-hand", actor="manager")
    assert swapped.moved == 1
    shown = erp.show_opportunity(deal.id)
    assert (shown.methodology_id, shown.stage_id) == ("erp-by-hand", "invoicing")
    reversed_ = erp.reverse_swap(swapped.swap_id, actor="manager")
    assert reversed_.moved == 0
    [(reason, ids)] = [(n.reason, n.opportunity_ids) for n in reversed_.not_moved]
    assert ids == (deal.id,) and "external task 'Task_Invoice'" in reason
    shown = erp.show_opportunity(deal.id)  # still on the swapped-to process, its user task open
    assert (shown.methodology_id, shown.stage_id) == ("erp-by-hand", "invoicing")
    assert [t.node_id for t in shown.open_tasks] == ["Task_Invoice_Hand"]
