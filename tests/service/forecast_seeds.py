"""Deals the forecast tests count, all through the façade: opened, their probability
set by an override, their expected close date and the rep's category override set
by their use cases, or won through the process."""

from __future__ import annotations

from datetime import date

from tests.service.test_lost_reasons import task, to_offer


def deal(engine, owner: str, amount: str, probability: int, close: date | None, *, currency: str = "PLN",
         override: str | None = None, title: str = "Deal"):
    opened = engine.create_opportunity(title=title, amount=amount, currency=currency, partner=f"{title} Ltd",
                                       attributes={"channel": "retail"}, actor="manager", owner=owner)
    engine.override_probability(opened.id, probability, actor="admin", reason="test")
    engine.set_close_date(opened.id, close, actor="admin")
    if override:
        engine.set_forecast_category(opened.id, override, actor=owner)
    return opened


def won(engine, owner: str, amount: str, title: str = "Won deal"):
    opened = engine.create_opportunity(title=title, amount=amount, partner=f"{title} Ltd",
                                       attributes={"channel": "retail"}, actor="manager", owner=owner)
    offer = to_offer(engine, opened)
    closed = engine.complete_task(task(offer, "Task_Offer").id, actor=owner, data={"result": "accepted"})
    assert closed.status == "won"
    return closed


def seed(engine) -> None:
    """2026-Q4 (the test clock is 2 November 2026): rep1 and rep2 under manager,
    rep3 under manager2, both managers under director."""
    deal(engine, "rep1", "10000", 90, date(2026, 11, 30), title="A")             # commit
    deal(engine, "rep1", "20000", 75, date(2026, 12, 15), title="B")             # best case
    deal(engine, "rep1", "1000", 10, date(2026, 11, 5), override="commit", title="E")  # the rep believes in it
    deal(engine, "rep1", "50000", 95, date(2027, 1, 15), title="G")              # next quarter
    deal(engine, "rep2", "5000", 30, date(2026, 12, 1), title="C")               # pipeline
    deal(engine, "rep2", "8000", 90, date(2026, 12, 1), currency="EUR", title="D")  # commit, in euros
    deal(engine, "rep2", "9000", 90, date(2026, 12, 1), override="omitted", title="O")  # left out by hand
    won(engine, "rep2", "4000", title="F")                                        # closed won
    deal(engine, "rep3", "7000", 90, date(2026, 11, 20), title="H")                # commit
