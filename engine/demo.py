"""`dealflow demo`: demo users and teams, the shipped methodologies, and a few
opportunities walked through the seed-002 funnel to won and to lost.

Everything goes through the façade, as a user's commands would."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .errors import ConflictError
from .service import Engine
from .views import OpportunityView

PEOPLE = [
    ("admin", "admin", "Ada Admin"),
    ("manager", "manager", "Marta Manager"),
    ("designer", "designer", "Dawid Designer"),
    ("rep1", "rep", "Radek Rep"),
    ("rep2", "rep", "Renata Rep"),
]

# What a rep types into each form of the seed-002 funnel, unless a walk says otherwise.
ANSWERS: dict[str, dict[str, object]] = {
    "Task_RecordNeed": {"need_summary": "Cold-room shelving for 40 stores", "lead_source": "trade_fair"},
    "Task_FirstContact": {"contact_person": "Jan Kowalski", "contact_channel": "phone",
                          "contact_date": "2026-11-02"},
    "Task_FirstMeeting": {"meeting_date": "2026-11-05", "prospect_is_fit": "true"},
    "Task_AnalyseOpportunity": {"requirements": "Energy class A, delivery in Q1", "budget_known": "true",
                                # the BANT questionnaire is this task's form too
                                "budget": "planned", "authority": "met", "need": "critical",
                                "timeline": "this_year"},
    "Task_DevelopProject": {"project_title": "Shelving roll-out", "project_value": "120000"},
    "Task_ManagerApproveProject": {"approval": "approved"},
    "Task_PresentProject": {"presentation_date": "2026-11-12"},
    "Task_RecordEvaluation": {"evaluation": "accepted"},
    "Task_PrepareProject2": {"project2_changes": "Fewer units, longer warranty", "project_value": "110000"},
    "Task_PresentProject2": {"presentation2_date": "2026-11-20"},
    "Task_RecordEvaluation2": {"evaluation2": "accepted"},
    "Task_Negotiate": {"negotiation_result": "agreed", "agreed_amount": "115000", "requested_discount_pct": "4"},
    "Task_Negotiate2": {"negotiation2_result": "agreed", "agreed_amount": "108000", "requested_discount_pct": "2"},
    "Task_RecordOrder": {"order_number": "ZAM/2026/118", "order_date": "2026-11-25"},
    "Task_ConfirmDelivery": {"delivery_date": "2026-12-10"},
    "Task_IssueInvoice": {"invoice_number": "FV/2026/12/031", "invoice_date": "2026-12-11",
                          "invoice_amount": "115000"},
    "Task_ConfirmPayment": {"payment_date": "2026-12-24", "amount_received": "115000"},
    "Task_PlanNextActions": {"next_action": "Offer maintenance contract", "next_action_date": "2027-01-15"},
    "Task_ManagerChaseMeeting": {"chase_action": "talked_to_rep"},
}


@dataclass(frozen=True)
class Walk:
    title: str
    partner: str
    amount: str
    attributes: dict
    answers: dict[str, dict] = field(default_factory=dict)  # overrides per task


WALKS = [
    Walk("Cold-room shelving, 40 stores", "Sieć Sklepów Społem", "120000.00",
         {"channel": "retail_chain", "territory": "PL-MZ", "industry": "retail"}),
    Walk("Refrigerated counters for the northern depots", "Hurtownia Bałtyk", "86000.00",
         {"channel": "wholesale", "territory": "PL-PM", "industry": "wholesale"},
         {"Task_RecordEvaluation": {"evaluation": "second_version"},
          "Task_Negotiate": {"negotiation_result": "second_round", "agreed_amount": "90000",
                             "requested_discount_pct": "6"}}),
    Walk("Bar fridges for a hotel group", "Hotel Górski", "45000.00",
         {"channel": "horeca", "territory": "PL-MA", "industry": "hospitality"},
         {"Task_FirstMeeting": {"meeting_date": "2026-11-06", "prospect_is_fit": "false",
                                "lost_reason": "no_budget"}}),
    Walk("Display cabinets, pilot", "Kawiarnie Ziarno", "18000.00",
         {"channel": "horeca", "territory": "PL-DS", "industry": "hospitality"},
         {"Task_Negotiate": {"negotiation_result": "failed", "agreed_amount": "0",
                             "requested_discount_pct": "25", "lost_reason": "price"}}),
]


def run_demo(engine: Engine, methodologies: str, say: Callable[[str], None]) -> list[OpportunityView]:
    _setup_people(engine, methodologies)
    report = engine.deploy(methodologies, actor="designer")
    for v in report.versions:
        say(f"deployed {v.methodology_id} {v.label} (version {v.version_id}{', new' if v.new else ''})")
    finished = []
    for walk in WALKS:
        opportunity = engine.create_opportunity(
            title=walk.title, amount=walk.amount, currency="PLN", partner=walk.partner,
            attributes=walk.attributes, actor="manager")
        say(f"\n#{opportunity.id} {walk.title} — {walk.partner}, {opportunity.amount} {opportunity.currency}: "
            f"segment {opportunity.segment_id}, owner {opportunity.owner}, methodology "
            f"{opportunity.methodology_id} {opportunity.methodology_label}")
        finished.append(_walk(engine, opportunity, walk, say))
    return finished


def _walk(engine: Engine, opportunity: OpportunityView, walk: Walk, say) -> OpportunityView:
    shown = 0
    approvals = 0
    while True:
        for change in opportunity.stage_history[shown:]:
            say(f"  -> {change.to_stage_name} ({change.probability} %)")
        shown = len(opportunity.stage_history)
        if not opportunity.open_tasks:
            break
        task = opportunity.open_tasks[0]
        data = dict(ANSWERS.get(task.node_id, {}))
        data.update(walk.answers.get(task.node_id, {}))
        if task.node_id == "Task_ManagerApproveProject" and walk.answers and approvals == 0:
            data["approval"] = "rework"  # the second walk shows the manager's rework loop
        approvals += task.node_id == "Task_ManagerApproveProject"
        worker = task.assignee or "manager"
        opportunity = engine.complete_task(task.id, actor=worker, data=data)
    outcome = {"won": "WON", "lost": "LOST"}.get(opportunity.status, opportunity.status)
    say(f"  {outcome}: probability {opportunity.probability} %, expected revenue "
        f"{opportunity.expected_revenue} {opportunity.currency}")
    return opportunity


def _setup_people(engine: Engine, methodologies: str) -> None:
    from .validation import load_methodologies

    existing = {u.username for u in engine.list_users()}
    for username, role, name in PEOPLE:
        if username not in existing:
            engine.create_user(username, role, name)
    routing = load_methodologies(methodologies).library.routing
    mapped = {u for r in routing for s in r.segments for u in s.territory_map.values()}
    for username in sorted(mapped - existing):
        engine.create_user(username, "rep", username.replace(".", " ").title())
    for team in sorted({s.team for r in routing for s in r.segments}):
        members = ["rep1", "rep2"] + sorted({u for r in routing for s in r.segments if s.team == team
                                            for u in s.territory_map.values()})
        try:
            engine.create_team(team, "manager", members)
        except ConflictError:
            pass  # created by an earlier demo run


# --- `dealflow serve --demo`: accounts with passwords and a populated funnel ---------------

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
# that differ from ANSWERS (WALKS' second version, lost at the meeting, lost on price).
_PLANS = [(0, {}), (1, {}), (2, {}), (3, {}), (5, {}), (7, {}), (8, {}), (None, {}),
          (None, WALKS[2].answers), (10, WALKS[1].answers), (None, WALKS[3].answers), (11, {})]


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
    the methodologies deployed, and ``count`` deals walked to various depths of the
    seed-002 funnel, opened in the past so that some tasks are overdue. Idempotent:
    what exists already (a user, a team, a deal with the same title) is left as it
    is. Returns how many deals it opened."""
    from datetime import timedelta

    for username, role, name in PEOPLE:
        engine.ensure_demo_user(username, role, name)
    _setup_people(engine, methodologies)
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
            while opportunity.open_tasks and (deal.steps is None or done < deal.steps) and done < 40:
                clock.now += timedelta(days=1)
                task = opportunity.open_tasks[0]
                data = {**ANSWERS.get(task.node_id, {}), **deal.answers.get(task.node_id, {})}
                opportunity = past.complete_task(task.id, actor=task.assignee or "manager", data=data)
                done += 1
            created += 1
            say(f"#{opportunity.id} {deal.title}: {opportunity.stage_name} ({opportunity.status})")
    finally:
        past.close()
    engine.fire_due_timers()  # meetings left open too long: the manager is asked to chase them
    return created
