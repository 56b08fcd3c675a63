"""A known history for the analysis reports' tests, made through the façade on the
fake clock (see tests/service/test_pipeline_analysis.py for what it must give):

    day 0   A (retail, 1000.00 PLN, source fair, campaign spring, rep1), B (retail,
            2000.00 EUR, source web, rep2), C (horeca, 500.00 PLN, fair/spring, rep1)
    day 2   A, B and C qualified: each moves lead -> qualification (day 0) -> offer
    day 5   A won (offer accepted), B lost (offer rejected)
    day 6   D opened (retail, 3000.00 PLN, rep2): stays in qualification
    day 7   segment horeca swapped to quick-deal: C moves offer -> proposal
    day 8   E opened (horeca, 700.00 PLN, rep2) under quick-deal
    day 10  C lost by hand
"""

from __future__ import annotations

from tests.conftest import REPO

SWAP_TARGET = REPO / "tests" / "methodology" / "swap_target"


def _open(engine, title, amount, currency, channel, owner, **attributes):
    territory = {"rep1": "PL-N", "rep2": "PL-S"}[owner]
    return engine.create_opportunity(title=title, amount=amount, currency=currency, partner=f"{title} Sp. z o.o.",
                                     attributes={"channel": channel, "territory": territory, **attributes},
                                     actor="manager", owner=owner)


def _task(deal, node):
    return next(t for t in deal.open_tasks if t.node_id == node)


def _qualify(engine, deal):
    return engine.complete_task(_task(deal, "Task_Qualify").id, actor=deal.owner,
                                data={"amount": int(deal.amount), "interested": True})


def seed_history(engine, clock) -> dict:
    engine.deploy(str(SWAP_TARGET), actor="admin")
    a = _open(engine, "Alpha", "1000.00", "PLN", "retail", "rep1", source="fair", campaign="spring")
    b = _open(engine, "Beta", "2000.00", "EUR", "retail", "rep2", source="web")
    c = _open(engine, "Gamma", "500.00", "PLN", "horeca", "rep1", source="fair", campaign="spring")
    clock.advance(days=2)
    a, b, c = (_qualify(engine, d) for d in (a, b, c))
    clock.advance(days=3)
    a = engine.complete_task(_task(a, "Task_Offer").id, actor="rep1", data={"result": "accepted"})
    b = engine.complete_task(_task(b, "Task_Offer").id, actor="rep2", data={"result": "rejected"})
    clock.advance(days=1)
    d = _open(engine, "Delta", "3000.00", "PLN", "retail", "rep2")
    clock.advance(days=1)
    swap = engine.swap_segment("horeca", "quick-deal", stage_map={"offer": "proposal"}, actor="manager")
    clock.advance(days=1)
    e = _open(engine, "Epsilon", "700.00", "PLN", "horeca", "rep2")
    clock.advance(days=2)
    c = engine.close_as_lost(c.id, actor="rep1", reason_code="price")
    return {"A": a, "B": b, "C": c, "D": d, "E": e, "swap": swap}
