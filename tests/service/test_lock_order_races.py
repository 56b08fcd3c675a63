"""The house lock order — a deal before its partner — met by two engines on one
database at once, a few rounds each: winning a partner's first deal (the deal, then
the partner, which becomes a customer) racing the partner's hand-over (its deals,
then the partner). On PostgreSQL, where the two meet on the row locks, neither
transaction has to be run again (no deadlock, no serialization failure: each
engine's retry records every wait); on both databases the result is one that the
two in some order leave."""

from __future__ import annotations

import pytest

from engine.service import Engine
from engine.service.unit_of_work import Retry
from tests.engine.test_concurrency import at_once
from tests.service.races import ROUNDS

HORECA = {"channel": "horeca", "territory": "PL-N"}  # routed to rep1: no shared cursor


@pytest.fixture
def racers(engines, db_url, clock):
    """The setup engine and two more whose retries record each wait instead of sleeping."""
    first, _ = engines
    waits: list[float] = []
    racing = [Engine(db_url, clock=clock, retry=Retry(sleep=waits.append)) for _ in range(2)]
    yield first, racing, waits
    for engine in racing:
        engine.close()


def test_winning_a_first_deal_racing_its_partners_hand_over_neither_deadlocks_nor_loses_a_change(racers, db_url):
    first, (handing, winning), waits = racers
    for round_ in range(ROUNDS * 2):
        card = first.create_partner(actor="manager", owner="rep1", name=f"Bistro {round_}", **HORECA)
        deal = first.create_opportunity(title=f"Cold room {round_}", amount="1000.00", partner_id=card.id,
                                        actor="manager")
        offer = first.complete_task(deal.open_tasks[0].id, actor=deal.owner, data={"amount": "1000"})
        (task,) = offer.open_tasks
        report, won = at_once(lambda: handing.hand_over_partner(card.id, to="rep2", actor="manager"),
                              lambda: winning.complete_task(task.id, actor="manager", data={"result": "accepted"}))
        label = f"round {round_}: {report!r} / {won!r} / waits {waits}"
        assert not isinstance(report, Exception) and not isinstance(won, Exception), label
        assert won.status == "won", label
        partner = first.partner(card.id, viewer="admin")
        became = [e for e in partner.history if e.kind == "became_customer"]
        assert (partner.kind, partner.owner, len(became)) == ("customer", "rep2", 1), label
        assert became[0].opportunity_id == deal.id, label
        after = first.show_opportunity(deal.id)
        if report.open_deals_moved == (deal.id,):  # handed over first, then won by the manager
            assert after.owner == "rep2" and report.tasks_moved == 1, label
        else:  # won first: a closed deal stays with its owner ("stay" is the default)
            assert report.closed_deals_kept == (deal.id,) and after.owner == "rep1", label
            assert report.tasks_moved == 0, label
        assert [e.kind for e in after.events].count("reassigned") == len(report.open_deals_moved), label
    if db_url.startswith("postgresql"):
        assert waits == [], "a transaction was run again: the two took their locks in different orders"
