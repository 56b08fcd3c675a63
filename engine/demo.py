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
    "Task_AnalyseOpportunity": {"requirements": "Energy class A, delivery in Q1", "budget_known": "true"},
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
