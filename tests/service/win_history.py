"""A company's closed deals for the learned win probability's tests, made through
the façade on the fake clock: deals one after another, each opened, qualified two
days later and its offer decided a week after that. Referral deals win four in
five, cold calls one in five — which the stage table (5/20/50 %) cannot know and
the learned model can."""

from __future__ import annotations


def _task(deal, node):
    return next(t for t in deal.open_tasks if t.node_id == node)


def won_at(i: int) -> bool:
    referral = i % 2 == 0
    return (i % 5 != 0) if referral else (i % 5 == 0)


def close_deals(engine, clock, count: int) -> list[int]:
    """``count`` closed deals; their ids."""
    ids = []
    for i in range(count):
        source = "referral" if i % 2 == 0 else "cold call"
        deal = engine.create_opportunity(title=f"Deal {i}", amount="1000.00", partner=f"Partner {i}",
                                         attributes={"channel": "retail", "source": source}, actor="manager",
                                         owner="rep1")
        clock.advance(days=2)
        deal = engine.complete_task(_task(deal, "Task_Qualify").id, actor="rep1",
                                    data={"amount": 1000, "interested": True})
        clock.advance(days=7)
        deal = engine.complete_task(_task(deal, "Task_Offer").id, actor="rep1",
                                    data={"result": "accepted" if won_at(i) else "rejected"})
        assert deal.status == ("won" if won_at(i) else "lost")
        ids.append(deal.id)
        clock.advance(hours=1)
    return ids
