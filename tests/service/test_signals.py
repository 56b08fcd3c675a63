"""Signals from outside through the façade, on SQLite and PostgreSQL: a broadcast
reaches every open deal waiting for the signal (interrupting and not), brings the
variables the process knows, reaches none without error, leaves a deal whose next
step fails as it was; who may send; and a signal racing a task completion on the
same deal (each locks the deal; exactly one of the two moves it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import PermissionDeniedError
from engine.service import Engine
from engine.store.models import Opportunity
from tests.conftest import make_engine
from tests.engine.test_concurrency import at_once

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "signals"


@pytest.fixture
def shop(db_url, clock):
    engine = make_engine(db_url, clock, FIXTURE)
    yield engine
    engine.close()


def offer(engine, title="Offer", reason="first"):
    return engine.create_opportunity(title=title, amount="1000.00", partner=f"{title} Ltd", actor="manager",
                                     owner="rep1", start_form={"reason": reason})


def process_data(engine, deal) -> dict:
    """The deal's process data as stored (read through its version's runner)."""
    with engine.context.sessions() as session:
        row = session.get(Opportunity, deal.id)
        return engine.context.catalog.runner(session, row.methodology_version_id).data(row.workflow_state)


def nodes(engine, deal):
    return sorted(t.node_id for t in engine.show_opportunity(deal.id).open_tasks)


def test_a_signal_reaches_every_deal_waiting_for_it_and_only_those(shop):
    first, second, done = offer(shop, "First"), offer(shop, "Second"), offer(shop, "Done")
    shop.complete_task(shop.show_opportunity(done.id).open_tasks[0].id, actor="rep1", data={})
    assert shop.show_opportunity(done.id).status == "won"
    assert shop.waiting_signals(first.id) == ("price-list-changed", "product-withdrawn")
    sent = shop.send_signal("price-list-changed", {"reason": "list 7", "listId": 7}, actor="admin")
    assert (sent.signal, sent.delivered_to, sent.failed) == ("price-list-changed", (first.id, second.id), ())
    for deal in (first, second):  # non-interrupting: the offer stays, a repricing task joins it
        assert nodes(shop, deal) == ["Task_Offer", "Task_Reprice"]
        events = [e for e in shop.show_opportunity(deal.id).events if e.kind == "signal_received"]
        assert [(e.data["signal"], e.data["sender"], e.actor) for e in events] == [
            ("price-list-changed", "user admin", "admin")]
    # what the process reads came in (the start form's field); listId, which it neither reads nor declares, did not
    data = process_data(shop, first)
    assert data.get("reason") == "list 7" and "listId" not in data


def test_an_interrupting_signal_closes_the_deals_and_a_signal_nobody_waits_for_reaches_none(shop):
    deal = offer(shop)
    assert shop.send_signal("nobody-listens", {}, actor="admin").delivered_to == ()
    assert shop.send_signal("product-withdrawn", {}).delivered_to == (deal.id,)  # the command line: no actor
    shown = shop.show_opportunity(deal.id)
    assert (shown.status, shown.stage_id, nodes(shop, deal)) == ("lost", "lost", ["why_lost"])
    assert shop.send_signal("product-withdrawn", {}).delivered_to == ()  # closed deals wait for nothing
    assert shop.waiting_signals(deal.id) == ()


def test_a_deal_whose_step_after_the_signal_fails_is_reported_and_left_as_it_was(shop):
    good, bad = offer(shop, "Good"), offer(shop, "Bad")
    # the gateway after the withdrawal reads len(reason): a number there fails the step
    sent = shop.send_signal("product-withdrawn", {"reason": 5}, actor="admin")
    assert sent.delivered_to == ()
    assert [deal_id for deal_id, _ in sent.failed] == [good.id, bad.id]
    assert "fails at 'Check_Reason'" in sent.failed[0][1]
    for deal in (good, bad):
        shown = shop.show_opportunity(deal.id)
        assert (shown.status, nodes(shop, deal), shown.error_message) == ("open", ["Task_Offer"], None)


def test_who_may_send_a_signal(shop):
    deal = offer(shop)
    for user in ("rep1", "manager"):
        with pytest.raises(PermissionDeniedError, match="may not send signals"):
            shop.send_signal("product-withdrawn", {}, actor=user)
    wrong = shop.worker_for_token(shop.create_worker_token("erp", ["signal:price-list-changed"], actor="admin"))
    with pytest.raises(PermissionDeniedError, match="may not send signal 'product-withdrawn'"):
        shop.send_signal("product-withdrawn", {}, worker=wrong)
    assert shop.show_opportunity(deal.id).status == "open"
    assert shop.send_signal("price-list-changed", {}, worker=wrong).delivered_to == (deal.id,)


def test_a_signal_racing_the_completion_of_the_task_it_interrupts_moves_the_deal_once(shop, db_url, clock):
    """The withdrawal interrupts the offer; completing the offer wins the deal. Whichever
    locks the deal first decides; the other finds the deal moved on (the signal reaches
    no deal, or the completion is refused) — never both, never a half-moved deal."""
    other = Engine(db_url, clock=clock)
    try:
        for round_ in range(4):
            deal = offer(shop, f"Race {round_}")
            task = shop.show_opportunity(deal.id).open_tasks[0]
            sent, completed = at_once(lambda: other.send_signal("product-withdrawn", {}, actor="admin"),
                                      lambda: shop.complete_task(task.id, actor="rep1", data={}))
            shown = shop.show_opportunity(deal.id)
            assert not isinstance(sent, Exception), sent
            if shown.status == "won":
                assert deal.id not in sent.delivered_to, round_
            else:
                assert shown.status == "lost" and sent.delivered_to == (deal.id,), (round_, shown.status)
                assert isinstance(completed, Exception), round_
            received = [e.kind for e in shown.events].count("signal_received")
            assert received == (shown.status == "lost"), round_
    finally:
        other.close()
