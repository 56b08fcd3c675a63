"""What the demo types: its people, the answers a rep gives in each form of the
example methodologies, the buying-center contacts, and the five walks of
``dealflow demo``."""

from __future__ import annotations

from dataclasses import dataclass, field

PEOPLE = [
    ("admin", "admin", "Ada Admin"),
    ("director", "manager", "Dorota Director"),  # manages the manager (sales-management team)
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
