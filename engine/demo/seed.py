"""``dealflow serve --demo``: accounts with the password 'demo', a year of history
(engine.demo.year) and a populated funnel — deals opened in the last weeks and
walked to various depths, some tasks overdue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from engine import ConflictError, Engine
from engine.demo.answers import LOST_EARLY, LOST_ON_PRICE, PEOPLE, WALKS
from engine.demo.partners import seed_partner_cards
from engine.demo.walk import setup_people
from engine.demo.year import as_scheduled, learned_probability, live_through, quotas_and_forecast, year_deals

DIRECTORS_TEAM = "sales-management"

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


def seed_demo(engine: Engine, methodologies: str, count: int = 50,
              say: Callable[[str], None] = lambda _: None, history: int | None = None) -> int:
    """Demo accounts (director, manager, rep1, rep2, designer, admin; password 'demo'),
    teams, the methodologies deployed, and ``count`` deals walked to various depths of
    their methodology in the last weeks, some tasks overdue — after a year of
    ``history`` deals (default three times ``count``; engine.demo.year) won, lost and still
    open, with a daily snapshot, a segment swap half-way, the year's quotas from the
    director down, two deals included in commit by hand and the warnings sweep.
    Idempotent: what exists already (a user, a team, a deal with the same title, a
    committed quota) is left as it is. Returns how many deals it opened."""
    history = 3 * count if history is None else history
    for username, role, name in PEOPLE:
        engine.ensure_demo_user(username, role, name)
    setup_people(engine, methodologies)
    if history:
        try:
            engine.create_team(DIRECTORS_TEAM, "director", ["manager"])  # a manager of managers: rollup depth
        except ConflictError:
            pass  # created by an earlier run
    engine.deploy(methodologies, actor="designer")
    existing = {o.title for o in engine.list_opportunities()}
    now = engine.now()
    planned = ([d for d in year_deals(history, now, _PARTNERS, _PRODUCTS, _AMOUNTS) if d.title not in existing]
               + [as_scheduled(d, now) for d in demo_deals(count) if d.title not in existing])
    created = live_through(engine, planned, now, swap=bool(history), say=say)
    engine.fire_due_timers()  # meetings left open too long: the manager is asked to chase them
    if created:
        engine.take_snapshots()  # today's, as the worker files it
    if history:
        quotas_and_forecast(engine, now.date(), say)
        engine.sweep_warnings()  # stalled deals: the dashboard and the reps' inboxes have warnings
    seed_partner_cards(engine, now)
    if history:
        learned_probability(engine, say)  # after the cards: their lead source and industry are factors
    return created
