"""``dealflow serve --demo``: accounts with the password 'demo' and a populated
funnel — deals opened in the past and walked to various depths, some tasks overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from engine import Engine
from engine.demo.answers import ANSWERS, LOST_EARLY, LOST_ON_PRICE, PEOPLE, WALKS
from engine.demo.partners import seed_partner_cards
from engine.demo.walk import meet_exit_criteria, next_step, setup_people

_PRODUCTS = ["Cold-room shelving", "Refrigerated counters", "Bar fridges", "Display cabinets",
             "Freezer islands", "Bottle coolers", "Walk-in cold store", "Ice machines", "Chilled vending",
             "Service contract", "Blast chillers"]
_PARTNERS = [("Sieć Sklepów Społem", "retail_chain", "PL-MZ"), ("Hurtownia Bałtyk", "wholesale", "PL-PM"),
             ("Hotel Górski", "horeca", "PL-MA"), ("Kawiarnie Ziarno", "horeca", "PL-DS"),
             ("Delikatesy Centrum", "retail_chain", "PL-PK"), ("Hurtownia Śląsk", "wholesale", "PL-SL"),
             ("Restauracja Pod Lipami", "horeca", "PL-WP"), ("Market Wiślany", "retail_chain", "PL-KP"),
             ("Hurt-Pol Łódź", "wholesale", "PL-LD"), ("Szkoła Gastronomiczna", "institution", "PL-LU"),
             ("Piekarnie Mazurskie", "ecommerce", "PL-WN"), ("Browar Kraft", "horeca", "PL-OP"),
             ("Hurtownia Podlasie", "wholesale", "PL-PD")]
_AMOUNTS = ["12500.00", "48000.00", "86000.00", "120000.00", "18000.00", "230000.00", "65000.00"]
# How far each deal goes: the number of tasks completed (None: to the end) and the answers
# that differ from ANSWERS (WALKS' second version, lost early, lost on price).
_PLANS = [(0, {}), (1, {}), (2, {}), (3, {}), (7, {}), (5, {}), (8, {}), (None, {}),
          (None, LOST_EARLY), (10, WALKS[1].answers), (None, LOST_ON_PRICE), (11, {})]


@dataclass(frozen=True)
class DemoDeal:
    title: str
    partner: str
    amount: str
    attributes: dict
    owner: str | None  # None: routing chooses
    steps: int | None
    answers: dict
    rest_days: int  # days between the last step and now: old open tasks are overdue


def demo_deals(count: int = 50) -> list[DemoDeal]:
    """The deals `serve --demo` seeds: deterministic, with unique titles."""
    deals = []
    for i in range(count):
        partner, channel, territory = _PARTNERS[i % len(_PARTNERS)]
        steps, answers = _PLANS[i % len(_PLANS)]
        owner = None if i % 5 == 4 else ("rep1", "rep2")[i % 2]
        deals.append(DemoDeal(
            title=f"{_PRODUCTS[i % len(_PRODUCTS)]} for {partner} ({i + 1})", partner=partner,
            amount=_AMOUNTS[i % len(_AMOUNTS)], attributes={"channel": channel, "territory": territory},
            owner=owner, steps=steps, answers=answers, rest_days=(i * 5) % 9))
    return deals


class _SettableClock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def seed_demo(engine: Engine, methodologies: str, count: int = 50,
              say: Callable[[str], None] = lambda _: None) -> int:
    """Demo accounts (manager, rep1, rep2, designer, admin; password 'demo'), teams,
    the methodologies deployed, and ``count`` deals walked to various depths of their
    methodology, opened in the past so that some tasks are overdue. Idempotent:
    what exists already (a user, a team, a deal with the same title) is left as it
    is. Returns how many deals it opened."""
    for username, role, name in PEOPLE:
        engine.ensure_demo_user(username, role, name)
    setup_people(engine, methodologies)
    engine.deploy(methodologies, actor="designer")
    existing = {o.title for o in engine.list_opportunities()}
    now = engine.now()
    clock = _SettableClock(now)
    past = Engine(engine.url, clock=clock, upgrade_schema=False)  # the same database, an earlier "now"
    created = 0
    try:
        for deal in demo_deals(count):
            if deal.title in existing:
                continue
            planned = deal.steps if deal.steps is not None else 20
            clock.now = now - timedelta(days=deal.rest_days + planned, hours=len(deal.title) % 7)
            opportunity = past.create_opportunity(title=deal.title, amount=deal.amount, currency="PLN",
                                                  partner=deal.partner, attributes=deal.attributes,
                                                  actor="manager", owner=deal.owner)
            done = 0
            while (task := next_step(opportunity)) and (deal.steps is None or done < deal.steps) and done < 40:
                clock.now += timedelta(days=1)
                opportunity = meet_exit_criteria(past, opportunity)
                data = {**ANSWERS.get(task.node_id, {}), **deal.answers.get(task.node_id, {})}
                opportunity = past.complete_task(task.id, actor=task.assignee or "manager", data=data)
                done += 1
            created += 1
            say(f"#{opportunity.id} {deal.title}: {opportunity.stage_name} ({opportunity.status})")
    finally:
        past.close()
    engine.fire_due_timers()  # meetings left open too long: the manager is asked to chase them
    seed_partner_cards(engine, now)
    return created
