"""`dealflow demo`: demo users and teams, the shipped methodologies, and a few
opportunities walked through them (the seed-002 funnel, key-account, MEDDPICC and
the HORECA BANT track) to won and to lost.

Everything goes through the façade, as a user's commands would."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from engine.errors import ConflictError
from engine.service import Engine
from engine.views import OpportunityView

PEOPLE = [
    ("admin", "admin", "Ada Admin"),
    ("manager", "manager", "Marta Manager"),
    ("designer", "designer", "Dawid Designer"),
    ("rep1", "rep", "Radek Rep"),
    ("rep2", "rep", "Renata Rep"),
]

# What a rep types into each form of the shipped methodologies, unless a walk says
# otherwise (user task ids are unique across them, except for tasks with the same form).
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
    # key-account: an A-class chain (the questionnaire is the qualification task's form)
    "Task_QualifyAccount": {"store_count": "40", "buying_model": "central", "incumbent_supplier": "Frigo-Pol",
                            "annual_volume": "over_1m", "strategic_fit": "strong", "decision_access": "met",
                            "listing_budget": "open", "incumbent_position": "replaceable"},
    "Task_KamAccountPlan": {"account_plan": "Become the chain's second cold-chain supplier in 2027",
                            "target_share_pct": "30", "executive_sponsor": "Sales director"},
    "Task_Nurture": {"nurture_outcome": "not_interested", "lost_reason": "no_budget"},
    "Task_AnalyseNeeds": {"category_needs": "Energy-saving counters for the fresh category",
                          "stores_in_scope": "40", "delivery_model": "central_warehouse"},
    "Task_PrepareProposal": {"proposal_value": "120000", "listing_fee": "15000"},
    "Task_ApproveTerms": {"terms_approval": "approved"},
    "Task_PresentProposal": {"committee_response": "accepted"},
    "Task_NegotiateAgreement": {"negotiation_result": "agreed", "agreed_amount": "118000"},
    "Task_EscalateNegotiation": {"escalation_note": "Called the purchasing director; second round next week"},
    "Task_SignAgreement": {"contract_number": "UR/2026/044", "contract_start": "2027-01-01",
                           "contract_value": "118000"},
    "Task_PlanRollout": {"rollout_plan": "Ten stores a month from January", "first_delivery_date": "2027-01-10"},
    # MEDDPICC (its questionnaire is answered on the opportunity page, see _meet_exit_criteria)
    "Task_Discovery": {"pain_summary": "Spoilage in the cold chain costs 2 % of turnover",
                       "success_metric": "Spoilage under 0.5 %", "worth_pursuing": "true"},
    "Task_MeetEconomicBuyer": {"economic_buyer_meeting": "2026-11-09",
                               "economic_buyer_priorities": "Fewer write-offs before the audit"},
    "Task_DealReview": {"review_decision": "go"},
    "Task_ProveValue": {"pov_result": "success", "pov_findings": "Spoilage down to 0.4 % in the pilot depot"},
    "Task_SubmitProposal": {"proposal_value": "240000", "discount_pct": "8"},
    "Task_ApproveDiscount": {"discount_approval": "approved"},
    "Task_NegotiateContract": {"negotiation_result": "agreed", "agreed_amount": "232000"},
    "Task_ReviewStalledNegotiation": {"stall_note": "Procurement wants a second quote; agreed to send it"},
    "Task_PaperProcess": {"purchase_order": "PO-2026-7781", "signed_on": "2026-12-15"},
    # HORECA BANT track: an A-class lead (the BANT questions are the call's form)
    "Task_BantCall": {"venue_type": "restaurant", "outlets": "1", "contact_name": "Ewa Nowak",
                      "budget": "approved", "authority": "decides", "need": "broken", "timeline": "this_month"},
    "Task_SiteVisit": {"visit_date": "2026-11-04", "equipment_needed": "Two bar fridges"},
    "Task_Quote": {"quote_value": "18000", "discount_pct": "5"},
    "Task_FollowUp": {"customer_decision": "ordered", "order_value": "18000"},
    "Task_ConfirmInstallation": {"delivered_on": "2026-11-20", "staff_trained": "true"},
}

# Answers that lose a deal early, in whichever methodology it follows: not a fit at the
# first meeting, a C-class chain not interested after nurturing, no pain worth pursuing,
# a C-class HORECA lead without a budget.
LOST_EARLY: dict[str, dict[str, object]] = {
    "Task_FirstMeeting": {"meeting_date": "2026-11-06", "prospect_is_fit": "false", "lost_reason": "no_budget"},
    "Task_QualifyAccount": {"annual_volume": "under_250k", "strategic_fit": "weak", "decision_access": "none",
                            "listing_budget": "none", "incumbent_position": "entrenched"},
    "Task_Discovery": {"worth_pursuing": "false", "lost_reason": "no_pain"},
    "Task_BantCall": {"budget": "none", "authority": "unknown", "need": "nice_to_have", "timeline": "no_date"},
}
# Answers that lose a deal on price at the end, in whichever methodology it follows.
LOST_ON_PRICE: dict[str, dict[str, object]] = {
    "Task_Negotiate": {"negotiation_result": "failed", "agreed_amount": "0", "requested_discount_pct": "25",
                       "lost_reason": "price"},
    "Task_NegotiateAgreement": {"negotiation_result": "failed", "lost_reason": "price"},
    "Task_NegotiateContract": {"negotiation_result": "failed", "lost_reason": "price"},
    "Task_FollowUp": {"customer_decision": "declined", "lost_reason": "price"},
}

# Who the rep meets when a stage asks for a buying-center role (name, job title,
# influence 1-5, attitude).
CONTACTS: dict[str, tuple[str, str, int, str]] = {
    "economic_buyer": ("Barbara Wiśniewska", "Purchasing director", 5, "neutral"),
    "decision_maker": ("Krzysztof Zieliński", "Head of category", 4, "supporter"),
    "coach": ("Magda Lis", "Category manager", 3, "supporter"),
    "champion": ("Magda Lis", "Head of logistics", 4, "supporter"),
    "legal_procurement": ("Paweł Duda", "Procurement manager", 3, "neutral"),
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
         {"channel": "horeca", "territory": "PL-MA", "industry": "hospitality"}, LOST_EARLY),
    Walk("Display cabinets, pilot", "Kawiarnie Ziarno", "18000.00",
         {"channel": "horeca", "territory": "PL-DS", "industry": "hospitality"}, LOST_ON_PRICE),
    Walk("Cold-chain monitoring for a national distributor", "Hurt-Pol Łódź", "240000.00",
         {"channel": "wholesale", "territory": "PL-LD", "industry": "wholesale"}),
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
        task = _next_step(opportunity)
        if task is None:
            break
        opportunity = _meet_exit_criteria(engine, opportunity, say)
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


def _next_step(opportunity: OpportunityView):
    """The first open step of the process (suggested activities are not steps)."""
    return next((t for t in opportunity.open_tasks if t.kind == "workflow"), None)


def _meet_exit_criteria(engine: Engine, opportunity: OpportunityView,
                        say: Callable[[str], None] = lambda _: None) -> OpportunityView:
    """Do what the current stage asks before the deal may leave it, as a diligent rep
    would: its required activities, the buying-center roles it needs (people from
    CONTACTS) and the questionnaire groups it needs (answered with each question's
    first answer, the best one in the shipped questionnaires)."""
    assistant = engine.sales_assistant(opportunity.id, viewer="manager")
    for criterion in assistant.checklist:
        if criterion.met:
            continue
        if criterion.kind == "activity":
            task = next((t for t in opportunity.open_tasks if t.kind == "activity"
                         and t.node_id == f"{assistant.stage_id}/{criterion.name}"), None)
            if task is not None:
                opportunity = engine.complete_activity(task.id, actor=task.assignee or "manager")
                say(f"     done: {task.name}")
        elif criterion.kind == "buying_center":
            name, job_title, influence, attitude = CONTACTS.get(
                criterion.name, (criterion.name.replace("_", " ").title(), "", 3, "neutral"))
            engine.add_contact(opportunity.id, actor="manager", name=name, job_title=job_title,
                               role=criterion.name, influence=influence, attitude=attitude, notes="")
            say(f"     buying center: {name}, {job_title} ({criterion.name})")
        elif criterion.kind == "answered":
            questionnaire_id, _, group = criterion.name.partition("/")
            questionnaire = next(q for q in assistant.questionnaires if q.id == questionnaire_id)
            answers = {qid: choices[0][0] for qid, _, _, qgroup, choices in questionnaire.questions
                       if not group or qgroup == group}
            opportunity = engine.answer_questionnaire(opportunity.id, questionnaire_id, answers, actor="manager")
            say(f"     answered: {criterion.name}")
    return engine.show_opportunity(opportunity.id)


def _setup_people(engine: Engine, methodologies: str) -> None:
    from engine.service.validation import load_methodologies

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
            while (task := _next_step(opportunity)) and (deal.steps is None or done < deal.steps) and done < 40:
                clock.now += timedelta(days=1)
                opportunity = _meet_exit_criteria(past, opportunity)
                data = {**ANSWERS.get(task.node_id, {}), **deal.answers.get(task.node_id, {})}
                opportunity = past.complete_task(task.id, actor=task.assignee or "manager", data=data)
                done += 1
            created += 1
            say(f"#{opportunity.id} {deal.title}: {opportunity.stage_name} ({opportunity.status})")
    finally:
        past.close()
    engine.fire_due_timers()  # meetings left open too long: the manager is asked to chase them
    return created
