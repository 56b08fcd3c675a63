"""Workflows kept between steps (engine.runtime.kept) through the façade: a kept one is
used only when the deal's stored state is exactly the text it wrote, so a step goes on
from what the database holds whoever wrote it and whatever rolled back. SQLite and
PostgreSQL. (That a kept workflow steps exactly as a restored one is
tests/runtime/test_kept_workflows.py.)"""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import create_engine, select, text

from engine.demo.walk import run_demo
from engine.errors import ExitCriteriaError
from engine.service import Engine
from engine.service import tasks
from engine.service.unit_of_work import Retry
from engine.store.models import Opportunity
from tests.conftest import POSTGRES_URL, SHIPPED, make_engine
from tests.engine.test_concurrency import open_deal
from tests.runtime.test_kept_workflows import check_every_write
from tests.engine.test_sales_assistant import activity, guided_methodology, workflow_task
from tests.engine.test_segment_swap import SWAP_TARGET, at_offer


def hits(engine) -> int:
    """Steps that ran on a kept workflow, over every runner of ``engine`` (one process)."""
    return sum(runner._kept.hits for runner in engine.context.catalog._runners.values())


def stored_state(engine, opportunity_id: int) -> str:
    with engine._sessions() as session:
        return session.scalar(select(Opportunity.workflow_state).where(Opportunity.id == opportunity_id))


def test_steps_of_one_deal_in_one_process_reuse_what_the_step_before_left(engine):
    deal = open_deal(engine)
    before = hits(engine)
    offer = engine.complete_task(deal.open_tasks[0].id, actor=deal.owner, data={"amount": "100"})
    won = engine.complete_task(offer.open_tasks[0].id, actor=offer.owner, data={"result": "accepted"})
    assert hits(engine) == before + 2
    assert (offer.stage_id, won.stage_id, won.status) == ("offer", "won", "won")


def test_a_deal_another_process_stepped_goes_on_from_what_that_process_stored(engines):
    first, second = engines
    deal = open_deal(first)
    offer = second.complete_task(deal.open_tasks[0].id, actor=deal.owner, data={"amount": "100"})
    before = hits(first)
    won = first.complete_task(offer.open_tasks[0].id, actor=offer.owner, data={"result": "accepted"})
    assert hits(first) == before  # what the first kept is not what is stored: restored
    assert (won.stage_id, won.status) == ("won", "won")
    assert sorted(t.node_id for t in won.completed_tasks) == ["Task_Offer", "Task_Qualify"]  # same instant


@pytest.fixture
def guided(db_url, clock, tmp_path):
    engine = make_engine(db_url, clock, guided_methodology(tmp_path))
    yield engine
    engine.close()


def test_a_step_refused_after_the_workflow_ran_leaves_the_next_step_on_the_stored_state(guided):
    """The exit criteria refuse the step once the runner has run it and kept what it
    left: the transaction rolls back, and the next step runs on the stored state."""
    deal = guided.create_opportunity(title="Cold room", amount="20000.00", currency="PLN", partner="Bar",
                                     attributes={"channel": "retail", "territory": "PL-MZ"}, actor="manager")
    guided.complete_activity(activity(deal, "call_prospect").id, actor="rep1")
    guided.answer_questionnaire(deal.id, "qualification", {"budget": "no", "timeline": "later"}, actor="rep1")
    guided.add_contact(deal.id, actor="rep1", name="Ewa Nowak", role="economic_buyer")
    deal = guided.complete_task(workflow_task(guided.show_opportunity(deal.id)).id, actor="rep1",
                                data={"amount": "100"})
    stored = stored_state(guided, deal.id)
    with pytest.raises(ExitCriteriaError):
        guided.complete_task(workflow_task(deal).id, actor="rep1", data={"result": "accepted"})
    assert stored_state(guided, deal.id) == stored
    before = hits(guided)
    lost = guided.complete_task(workflow_task(deal).id, actor="rep1", data={"result": "rejected"})
    assert hits(guided) == before  # the refused step's workflow was not kept for the stored text
    assert (lost.status, lost.stage_id) == ("lost", "lost")
    assert [e.kind for e in lost.events].count("task_completed") == 2


@pytest.fixture
def swapping(db_url, clock):
    engine = make_engine(db_url, clock)
    engine.deploy(str(SWAP_TARGET), actor="admin")
    yield engine
    engine.close()


def test_a_deal_swapped_away_and_back_steps_on_what_it_stores(swapping):
    """A swap writes another version's state; reversing it writes back the very text
    the deal had, for which the old version's runner may still keep the workflow that
    wrote it — and may use it, as a restore of that text would give the same."""
    deal = at_offer(swapping)
    kept_text = stored_state(swapping, deal.id)
    swapped = swapping.swap_segment("horeca", "quick-deal", stage_map={"offer": "proposal"}, actor="manager")
    assert swapped.moved == 1 and stored_state(swapping, deal.id) != kept_text
    assert swapping.reverse_swap(swapped.swap_id, actor="manager").moved == 1
    assert stored_state(swapping, deal.id) == kept_text
    back = swapping.show_opportunity(deal.id)
    before = hits(swapping)
    won = swapping.complete_task(back.open_tasks[0].id, actor=back.owner, data={"result": "accepted"})
    assert hits(swapping) == before + 1
    assert (won.methodology_id, won.stage_id, won.status) == ("small-deal", "won", "won")


@pytest.mark.skipif(not POSTGRES_URL, reason="ending a backend mid-transaction needs PostgreSQL")
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_step_whose_connection_died_after_the_workflow_ran_runs_again_on_the_stored_state(engine):
    """The runner ran the step and kept what it left; then the connection died before
    COMMIT, and the unit of work runs the step again: on the stored state, restored."""
    deal = open_deal(engine)
    ended = []

    def end_own_backend_once(_ctx, session) -> None:  # after the step's work, before COMMIT
        if not ended:
            pid = session.execute(text("SELECT pg_backend_pid()")).scalar()
            admin = create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1))
            with admin.begin() as connection:
                ended.append(connection.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar())
            admin.dispose()

    ctx = dataclasses.replace(engine.context, after_work=(*engine.context.after_work, end_own_backend_once),
                              retry=Retry(attempts=3, sleep=lambda _s: None))
    before = hits(engine)
    offer = tasks.complete_task(ctx, deal.open_tasks[0].id, actor=deal.owner, data={"amount": "100"})
    assert ended == [True]
    assert hits(engine) == before + 1  # the first try took the workflow start left; the second restored
    assert (offer.stage_id, [t.node_id for t in offer.open_tasks]) == ("offer", ["Task_Offer"])
    assert [e.kind for e in offer.events].count("task_completed") == 1
    won = engine.complete_task(offer.open_tasks[0].id, actor=offer.owner, data={"result": "accepted"})
    assert hits(engine) == before + 2 and won.status == "won"


def test_the_demo_walks_write_what_the_full_conversion_writes(db_url, clock, monkeypatch):
    """The demo's five walks through the shipped methodologies, every step's state
    written with the fragments of the text before (engine.runtime.kept.Written) and
    compared, byte for byte, with the full conversion of the same workflow."""
    reused = check_every_write(monkeypatch)
    engine = Engine(db_url, clock=clock, upgrade_schema=True)
    try:
        finished = run_demo(engine, str(SHIPPED), say=lambda _line: None)
    finally:
        engine.close()
    assert sorted(o.status for o in finished) == ["lost", "lost", "won", "won", "won"]
    assert len({o.methodology_id for o in finished}) >= 3 and sum(reused) >= 100
