"""Changes to one partner racing from two engines on one database (SQLite and
PostgreSQL), a few rounds each: whichever wins, no change is lost, the history is one
chain (each entry's "before" is what the one before left), an archived partner takes
no change, a prospect becomes a customer exactly once, and the credit check sees the
deal that opened a moment before."""

from __future__ import annotations

from decimal import Decimal

from engine.errors import ConflictError
from tests.engine.test_concurrency import at_once
from tests.service.races import ROUNDS

HORECA = {"channel": "horeca", "territory": "PL-N"}  # routed to rep1 by the territory map: no shared cursor


def history(engine, partner_id: int) -> list:
    return list(reversed(engine.partner(partner_id, viewer="admin").history))  # oldest first


def test_two_updates_of_one_field_at_once_both_land_in_one_chain_of_history(engines):
    first, second = engines
    for round_ in range(ROUNDS):
        card = first.create_partner(actor="manager", name=f"Acme {round_}", credit_limit="10000")
        outcomes = at_once(lambda: first.update_partner(card.id, actor="manager", credit_limit="20000"),
                           lambda: second.update_partner(card.id, actor="admin", credit_limit="30000", city="Gdańsk"))
        assert not any(isinstance(o, Exception) for o in outcomes), outcomes
        updates = [e for e in history(first, card.id) if e.kind == "updated"]
        assert len(updates) == 2, updates
        limits = [e.data["changes"]["credit_limit"] for e in updates]
        assert limits[0][0] == "10000.00" and limits[1][0] == limits[0][1], limits  # no lost update
        final = first.partner(card.id, viewer="admin")
        assert final.credit_limit == Decimal(limits[1][1]) and final.city == "Gdańsk"


def test_an_update_racing_an_archival_either_lands_first_or_is_refused(engines):
    first, second = engines
    seen = set()
    for round_ in range(ROUNDS * 2):
        card = first.create_partner(actor="rep1", name=f"Acme {round_}")
        updated, archived = at_once(lambda: first.update_partner(card.id, actor="rep1", city="Gdańsk"),
                                    lambda: second.archive_partner(card.id, actor="manager"))
        assert not isinstance(archived, Exception), archived
        kinds = [e.kind for e in history(first, card.id)]
        final = first.partner(card.id, viewer="admin")
        assert final.status == "archived" and kinds[-1] == "archived", kinds
        if isinstance(updated, Exception):
            assert isinstance(updated, ConflictError) and "archived" in str(updated)
            assert kinds == ["created", "archived"] and final.city is None
            seen.add("refused")
        else:
            assert kinds == ["created", "updated", "archived"] and final.city == "Gdańsk"
            seen.add("landed")
    assert seen  # (which orders happen is the scheduler's; each is checked above)


def test_two_first_deals_won_at_once_make_the_prospect_a_customer_once(engines):
    first, second = engines
    for round_ in range(ROUNDS):
        card = first.create_partner(actor="manager", name=f"Bistro {round_}", **HORECA)
        offers = []
        for engine in (first, second):
            deal = engine.create_opportunity(title="Cold room", amount="1000.00", partner_id=card.id,
                                             actor="manager")
            offers.append(engine.complete_task(deal.open_tasks[0].id, actor=deal.owner, data={"amount": "1000"}))
        outcomes = at_once(*[
            (lambda engine=engine, deal=deal: engine.complete_task(deal.open_tasks[0].id, actor=deal.owner,
                                                                   data={"result": "accepted"}))
            for engine, deal in zip((first, second), offers)])
        assert [o.status for o in outcomes] == ["won", "won"], outcomes
        final = first.partner(card.id, viewer="admin")
        events = [e for e in final.history if e.kind == "became_customer"]
        assert final.kind == "customer" and len(events) == 1
        assert final.became_customer_opportunity_id == events[0].opportunity_id in {o.id for o in offers}


def test_two_deals_opening_at_once_over_the_limit_warn_exactly_once(engines):
    first, second = engines
    for round_ in range(ROUNDS):
        card = first.create_partner(actor="manager", name=f"Hotel {round_}", credit_limit="1000", **HORECA)
        deals = at_once(*[lambda engine=engine: engine.create_opportunity(
            title="Cold room", amount="600.00", partner_id=card.id, actor="manager") for engine in (first, second)])
        assert not any(isinstance(d, Exception) for d in deals), deals
        warned = [e for e in first.partner(card.id, viewer="admin").history if e.kind == "credit_warning"]
        assert len(warned) == 1 and warned[0].opportunity_id == max(d.id for d in deals), warned
