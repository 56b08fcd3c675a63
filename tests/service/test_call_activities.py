"""Call activities through the façade, on SQLite and PostgreSQL: the called process
(another BPMN file of the methodology, named the Camunda 8 way) runs within the same
deal — its user task is in the deal owner's inbox, what it sets is the deal's data
afterwards — and is deployed with the methodology as part of its content; the io
mappings of the start event and the call activity run around them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import make_engine

CALLS = Path(__file__).resolve().parents[1] / "fixtures" / "calls"


@pytest.fixture
def credit(db_url, clock):
    engine = make_engine(db_url, clock, CALLS)
    yield engine
    engine.close()


def open_deal(engine):
    return engine.create_opportunity(title="Credit", amount="1000.00", partner="Credit Ltd", actor="manager",
                                     owner="rep1")


def test_the_called_process_runs_within_the_deal_and_its_data_is_the_deals_after(credit):
    deal = open_deal(credit)
    assert credit.show_opportunity(deal.id).stage_id == "review"
    [task] = [t for t in credit.list_tasks("rep1") if t.opportunity_id == deal.id]
    assert (task.node_id, task.name, task.assignee) == ("Task_Review", "Review the customer's credit", "rep1")
    assert [f.id for f in task.form] == ["approved", "limit"]
    credit.complete_task(task.id, actor="rep1", data={"approved": True, "limit": 5000})
    # the called process ended at its own End_Lost, an id the deal's process uses for its lost stage:
    # a called process's nodes enter none of the deal's stages
    assert credit.show_opportunity(deal.id).stage_id == "invoicing"
    worker = credit.worker_for_token(credit.create_worker_token("erp", ["invoice"], actor="admin"))
    [invoice] = credit.fetch_and_lock(worker, "w1", 10, [("invoice", 60_000)])
    assert (invoice.opportunity_id, invoice.variables["approved"], invoice.variables["limit"]) == (deal.id, True, 5000)
    # the io mappings ran: the start event's output, the call's output; the call's input (which the
    # called process's gateway read, or its task would not have been reached) was the call's own
    assert (invoice.variables["lead"], invoice.variables["offer"]) == ({"channel": "web"}, {"limit": 10000})
    assert "tier" not in invoice.variables
    credit.complete_external_task(worker, invoice.id, "w1", {})
    shown = credit.show_opportunity(deal.id)
    assert (shown.stage_id, shown.status) == ("won", "won")  # the gateway read what the called process set


def test_the_called_process_is_deployed_as_part_of_the_methodology(credit, tmp_path):
    from engine import load_methodologies

    methodology = load_methodologies(str(CALLS)).library.methodologies["credit-deal"]
    assert [Path(p).name for p in methodology.called_files] == ["credit-review.bpmn"]
    assert "credit-review.bpmn" in {Path(p).name for p in methodology.files}
