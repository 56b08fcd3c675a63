"""The shipped key-account, MEDDPICC and HORECA BANT methodologies, end to end through
the façade: for each, one opportunity from creation to won and another to lost, on
each database — routed by methodologies/routing/default.yaml, with their
questionnaires, suggested activities, exit criteria and buying centers."""

from datetime import timedelta
from decimal import Decimal

import pytest

from engine.errors import ExitCriteriaError, FormError
from tests.conftest import SHIPPED, make_engine


@pytest.fixture
def engine(db_url, clock):
    """The shipped methodologies deployed; the teams their segments name (manager
    'manager', reps rep1 and rep2) besides make_engine's sales and horeca."""
    engine = make_engine(db_url, clock, SHIPPED)
    engine.create_team("retail", "manager", ["rep1", "rep2"])
    engine.create_team("wholesale-central", "manager", ["rep1", "rep2"])
    engine.create_team("horeca-key-accounts", "manager", ["rep1", "rep2"])
    yield engine
    engine.close()


def open_deal(engine, channel, territory, amount="120000.00", title="Cold-room shelving"):
    return engine.create_opportunity(title=title, amount=amount, currency="PLN", partner="Partner Sp. z o.o.",
                                     attributes={"channel": channel, "territory": territory}, actor="manager")


def step(deal):
    """The one open step of the process (activities are not steps)."""
    (task,) = [t for t in deal.open_tasks if t.kind == "workflow"]
    return task


def complete(engine, deal, node_id, actor=None, **data):
    task = step(deal)
    assert task.node_id == node_id, f"expected {node_id}, the deal waits at {task.node_id}"
    return engine.complete_task(task.id, actor=actor or task.assignee or "manager", data=data)


def activity(deal, stage_id, activity_id):
    (task,) = [t for t in deal.open_tasks if t.kind == "activity" and t.node_id == f"{stage_id}/{activity_id}"]
    return task


def do_activity(engine, deal, stage_id, activity_id):
    task = activity(deal, stage_id, activity_id)
    return engine.complete_activity(task.id, actor=task.assignee or "manager", note="done")


def add_person(engine, deal, role, name):
    engine.add_contact(deal.id, actor="rep1", name=name, job_title="", role=role, influence=4,
                       attitude="supporter", notes="")


def stages(deal):
    return [c.to_stage for c in deal.stage_history]


# --- key-account (retail chains) ------------------------------------------------------

KEY_ACCOUNT_A = dict(store_count="40", buying_model="central", annual_volume="over_1m", strategic_fit="strong",
                     decision_access="met", listing_budget="open", incumbent_position="replaceable")
KEY_ACCOUNT_C = dict(store_count="6", annual_volume="under_250k", strategic_fit="weak", decision_access="none",
                     listing_budget="none", incumbent_position="entrenched")


def test_an_a_class_chain_goes_to_the_key_account_manager_and_is_won_once_the_buying_center_is_known(engine):
    deal = open_deal(engine, "retail_chain", "PL-MZ")
    assert (deal.segment_id, deal.methodology_id, deal.stage_id, deal.probability) == (
        "retail-chains", "key-account", "qualification", 10)
    assert {t.node_id for t in deal.open_tasks if t.kind == "activity"} == {
        "qualification/research_chain", "qualification/credit_check"}

    with pytest.raises(FormError) as caught:  # the questionnaire is the task's form: every answer is needed
        complete(engine, deal, "Task_QualifyAccount", store_count="40")
    assert "annual_volume" in caught.value.fields and "incumbent_position" in caught.value.fields

    deal = complete(engine, deal, "Task_QualifyAccount", **KEY_ACCOUNT_A)
    assert (deal.score, deal.score_class) == (96, "A")  # 105 of 110 weighted points: 95.5
    assert (deal.stage_id, deal.probability) == ("account_planning", 30)  # 20, and +10 for an A-class chain
    plan = step(deal)
    assert (plan.node_id, plan.assignee) == ("Task_KamAccountPlan", None)  # the key-account team's queue

    with pytest.raises(ExitCriteriaError) as refused:
        complete(engine, deal, "Task_KamAccountPlan", actor="rep2", account_plan="Second supplier in 2027")
    assert refused.value.missing == ("name_sponsor",)
    deal = do_activity(engine, deal, "account_planning", "name_sponsor")
    deal = complete(engine, deal, "Task_KamAccountPlan", actor="rep2", account_plan="Second supplier in 2027")
    assert deal.stage_id == "needs_analysis"

    with pytest.raises(ExitCriteriaError) as refused:
        complete(engine, deal, "Task_AnalyseNeeds", category_needs="Energy-saving counters")
    assert set(refused.value.missing) == {"map_buying_center", "economic_buyer"}
    deal = do_activity(engine, deal, "needs_analysis", "map_buying_center")
    add_person(engine, deal, "economic_buyer", "Barbara Wiśniewska")
    deal = complete(engine, deal, "Task_AnalyseNeeds", category_needs="Energy-saving counters")
    assert deal.stage_id == "proposal"

    deal = complete(engine, deal, "Task_PrepareProposal", proposal_value="120000")
    deal = complete(engine, deal, "Task_ApproveTerms", terms_approval="rework", manager_comment="Lower fee")
    deal = complete(engine, deal, "Task_PrepareProposal", proposal_value="118000", listing_fee="10000")
    deal = complete(engine, deal, "Task_ApproveTerms", terms_approval="approved")
    with pytest.raises(ExitCriteriaError) as refused:  # negotiation needs the decision maker and a coach
        complete(engine, deal, "Task_PresentProposal", committee_response="accepted")
    assert set(refused.value.missing) == {"decision_maker", "coach"}
    add_person(engine, deal, "decision_maker", "Krzysztof Zieliński")
    add_person(engine, deal, "coach", "Magda Lis")
    deal = complete(engine, deal, "Task_PresentProposal", committee_response="accepted")
    assert deal.stage_id == "negotiation"

    deal = do_activity(engine, deal, "negotiation", "concession_plan")
    deal = complete(engine, deal, "Task_NegotiateAgreement", negotiation_result="agreed", agreed_amount="118000")
    deal = do_activity(engine, deal, "contract", "legal_review")
    deal = complete(engine, deal, "Task_SignAgreement", contract_number="UR/2026/044", contract_start="2027-01-01")
    assert (deal.status, deal.stage_id, deal.probability) == ("won", "won", 100)
    assert deal.expected_revenue == Decimal("120000.00")
    deal = complete(engine, deal, "Task_PlanRollout", actor="rep1", rollout_plan="Ten stores a month")
    assert deal.open_tasks == ()
    assert stages(deal) == ["qualification", "account_planning", "needs_analysis", "proposal", "negotiation",
                            "contract", "won"]


def test_a_c_class_chain_is_nurtured_requalified_and_lost_when_it_is_not_interested(engine):
    deal = complete(engine, open_deal(engine, "retail_chain", "PL-MZ"), "Task_QualifyAccount", **KEY_ACCOUNT_C)
    assert (deal.score_class, deal.stage_id, deal.probability) == ("C", "nurturing", 5)
    assert step(deal).assignee == deal.owner  # nurturing stays with the rep

    deal = complete(engine, deal, "Task_Nurture", nurture_outcome="requalify", nurture_note="New category head")
    assert deal.stage_id == "qualification"
    deal = complete(engine, deal, "Task_QualifyAccount", **KEY_ACCOUNT_C)
    deal = complete(engine, deal, "Task_Nurture", nurture_outcome="not_interested", lost_reason="no_budget")
    assert (deal.status, deal.stage_id, deal.probability, deal.lost_reason_code) == ("lost", "lost", 0, "no_budget")
    assert stages(deal) == ["qualification", "nurturing", "qualification", "nurturing", "lost"]
    assert not [t for t in deal.open_tasks if t.kind == "activity"]  # what a lost deal was still suggested goes


def test_a_chain_left_in_nurturing_for_90_days_closes_as_lost(engine, clock):
    deal = complete(engine, open_deal(engine, "retail_chain", "PL-MZ"), "Task_QualifyAccount", **KEY_ACCOUNT_C)
    clock.advance(days=89)
    assert engine.fire_due_timers() == 0
    clock.advance(days=2)
    assert engine.fire_due_timers() == 1
    deal = engine.show_opportunity(deal.id)
    assert (deal.status, deal.stage_id) == ("lost", "lost")


# --- MEDDPICC (central wholesale) -----------------------------------------------------

def answer_groups(engine, deal, *groups, answer_index=0):
    """Answer every question of ``groups`` of the MEDDPICC questionnaire with its
    first (best) answer, as the rep does on the opportunity page."""
    (questionnaire,) = [q for q in engine.sales_assistant(deal.id, viewer="rep1").questionnaires
                        if q.id == "meddpicc"]
    answers = {qid: choices[answer_index][0] for qid, _, _, group, choices in questionnaire.questions
               if group in groups}
    assert answers, groups
    return engine.answer_questionnaire(deal.id, "meddpicc", answers, actor="rep1")


def test_an_enterprise_deal_passes_the_meddpicc_gates_cumulatively_and_is_won(engine):
    deal = open_deal(engine, "wholesale", "PL-LD", amount="240000.00")
    assert (deal.segment_id, deal.methodology_id, deal.stage_id) == ("wholesale-central", "meddpicc", "discovery")

    with pytest.raises(ExitCriteriaError) as refused:
        complete(engine, deal, "Task_Discovery", pain_summary="Spoilage costs 2 % of turnover")
    assert set(refused.value.missing) == {"pain_interview", "meddpicc/identify_pain", "meddpicc/metrics"}
    deal = do_activity(engine, deal, "discovery", "pain_interview")
    deal = answer_groups(engine, deal, "identify_pain", "metrics")
    assert deal.score_class == "C"  # two letters of eight: not qualified yet
    deal = complete(engine, deal, "Task_Discovery", pain_summary="Spoilage costs 2 % of turnover")
    assert (deal.stage_id, deal.probability) == ("qualification", 15)  # 25, and -10 for a C-class deal

    deal = complete(engine, deal, "Task_MeetEconomicBuyer", economic_buyer_meeting="2026-11-09")
    with pytest.raises(ExitCriteriaError) as refused:
        complete(engine, deal, "Task_DealReview", review_decision="go")
    assert set(refused.value.missing) == {"test_champion", "meddpicc/economic_buyer", "meddpicc/champion",
                                          "economic_buyer", "champion"}
    deal = do_activity(engine, deal, "qualification", "test_champion")
    deal = answer_groups(engine, deal, "economic_buyer", "champion")
    add_person(engine, deal, "economic_buyer", "Barbara Wiśniewska")
    add_person(engine, deal, "champion", "Magda Lis")
    deal = complete(engine, deal, "Task_DealReview", review_decision="go")
    assert deal.stage_id == "validation"

    deal = do_activity(engine, deal, "validation", "map_decision_process")
    deal = answer_groups(engine, deal, "decision_criteria")
    with pytest.raises(ExitCriteriaError) as refused:  # one more letter is not enough
        complete(engine, deal, "Task_ProveValue", pov_result="success")
    assert set(refused.value.missing) == {"meddpicc/decision_process", "meddpicc/competition"}
    deal = answer_groups(engine, deal, "decision_process", "competition")
    deal = complete(engine, deal, "Task_ProveValue", pov_result="success")
    assert deal.stage_id == "proposal"

    deal = complete(engine, deal, "Task_SubmitProposal", proposal_value="240000", discount_pct="20")
    approval = step(deal)
    assert (approval.node_id, approval.assignee) == ("Task_ApproveDiscount", "manager")  # over 15 %
    with pytest.raises(ExitCriteriaError) as refused:
        complete(engine, deal, "Task_ApproveDiscount", discount_approval="approved")
    assert set(refused.value.missing) == {"paper_process_walkthrough", "meddpicc/paper_process",
                                          "legal_procurement"}
    deal = do_activity(engine, deal, "proposal", "paper_process_walkthrough")
    deal = answer_groups(engine, deal, "paper_process")
    add_person(engine, deal, "legal_procurement", "Paweł Duda")
    deal = complete(engine, deal, "Task_ApproveDiscount", discount_approval="approved")
    assert (deal.stage_id, deal.score, deal.score_class, deal.probability) == ("negotiation", 100, "A", 75)

    deal = complete(engine, deal, "Task_NegotiateContract", negotiation_result="agreed", agreed_amount="232000")
    assert deal.stage_id == "closing"
    deal = complete(engine, deal, "Task_PaperProcess", purchase_order="PO-2026-7781", signed_on="2026-12-15")
    assert (deal.status, deal.stage_id, deal.probability, deal.open_tasks) == ("won", "won", 100, ())
    assert stages(deal) == ["discovery", "qualification", "validation", "proposal", "negotiation", "closing", "won"]


def test_an_enterprise_deal_disqualified_at_the_deal_review_is_lost_whatever_its_gates_say(engine):
    deal = open_deal(engine, "wholesale", "PL-LD", amount="240000.00")
    deal = do_activity(engine, deal, "discovery", "pain_interview")
    deal = answer_groups(engine, deal, "identify_pain", "metrics", answer_index=1)
    deal = complete(engine, deal, "Task_Discovery", pain_summary="Some spoilage")
    deal = complete(engine, deal, "Task_MeetEconomicBuyer", economic_buyer_meeting="2026-11-09")
    # No champion, no economic buyer answers: losing the deal is never refused.
    deal = complete(engine, deal, "Task_DealReview", review_decision="no_go", lost_reason="no_access")
    assert (deal.status, deal.stage_id, deal.lost_reason_code, deal.open_tasks) == ("lost", "lost", "no_access", ())
    assert stages(deal) == ["discovery", "qualification", "lost"]


# --- HORECA BANT track -------------------------------------------------------------------

BANT_CALL = dict(venue_type="restaurant", contact_name="Ewa Nowak")


def test_a_b_class_horeca_lead_gets_a_site_visit_then_a_quote_and_is_won(engine):
    deal = open_deal(engine, "horeca", "PL-MZ", amount="18000.00", title="Bar fridges")
    assert (deal.segment_id, deal.methodology_id, deal.stage_id) == ("horeca", "horeca-bant", "lead")
    assert step(deal).due_at - deal.opened_at == timedelta(days=1)  # the fast track: call within a day

    deal = complete(engine, deal, "Task_BantCall", **BANT_CALL, budget="depends", authority="decides",
                    need="opening", timeline="this_season")
    assert (deal.score_class, deal.stage_id, deal.probability) == ("B", "site_visit", 30)
    with pytest.raises(ExitCriteriaError) as refused:
        complete(engine, deal, "Task_SiteVisit", visit_date="2026-11-04", equipment_needed="Two bar fridges")
    assert refused.value.missing == ("measure_space",)
    deal = do_activity(engine, deal, "site_visit", "measure_space")
    deal = complete(engine, deal, "Task_SiteVisit", visit_date="2026-11-04", equipment_needed="Two bar fridges")
    assert deal.stage_id == "quote"

    deal = complete(engine, deal, "Task_Quote", quote_value="18000", discount_pct="12")
    assert (step(deal).node_id, step(deal).assignee) == ("Task_ApproveDiscount", "manager")  # over 10 %
    deal = complete(engine, deal, "Task_ApproveDiscount", discount_approval="rework")
    with pytest.raises(ExitCriteriaError) as refused:  # who decides? (BANT's authority)
        complete(engine, deal, "Task_Quote", quote_value="18000", discount_pct="8")
    assert refused.value.missing == ("decision_maker",)
    add_person(engine, deal, "decision_maker", "Jan Kowalski")
    deal = complete(engine, deal, "Task_Quote", quote_value="18000", discount_pct="8")
    assert deal.stage_id == "follow_up"
    deal = complete(engine, deal, "Task_FollowUp", customer_decision="ordered", order_value="18000")
    assert (deal.status, deal.stage_id, deal.probability) == ("won", "won", 100)
    deal = complete(engine, deal, "Task_ConfirmInstallation", delivered_on="2026-11-20")
    assert deal.open_tasks == ()
    assert stages(deal) == ["lead", "site_visit", "quote", "follow_up", "won"]


def test_an_a_class_horeca_lead_is_quoted_at_once(engine):
    deal = complete(engine, open_deal(engine, "horeca", "PL-MZ", amount="18000.00"), "Task_BantCall",
                    **BANT_CALL, budget="approved", authority="decides", need="broken", timeline="this_month")
    assert (deal.score, deal.score_class, deal.stage_id, deal.probability) == (100, "A", "quote", 60)
    assert step(deal).node_id == "Task_Quote"


def test_a_c_class_horeca_lead_without_a_budget_is_lost_as_not_qualified(engine):
    deal = complete(engine, open_deal(engine, "horeca", "PL-MZ", amount="18000.00"), "Task_BantCall",
                    **BANT_CALL, budget="none", authority="unknown", need="nice_to_have", timeline="no_date")
    assert (deal.score_class, deal.status, deal.stage_id, deal.stage_name) == ("C", "lost", "not_qualified",
                                                                               "Not qualified")
    # the stage knows why (lost_reason: no_budget): nobody is asked to record it
    assert deal.open_tasks == () and deal.probability == 0 and deal.lost_reason_code == "no_budget"


def test_a_c_class_horeca_lead_with_some_budget_is_called_again_then_lost(engine):
    deal = complete(engine, open_deal(engine, "horeca", "PL-MZ", amount="18000.00"), "Task_BantCall",
                    **BANT_CALL, budget="depends", authority="unknown", need="nice_to_have", timeline="no_date")
    assert (deal.score_class, deal.stage_id, step(deal).node_id) == ("C", "nurture", "Task_Nurture")
    deal = complete(engine, deal, "Task_Nurture", nurture_outcome="not_interested", lost_reason="closed")
    assert (deal.status, deal.stage_id, deal.lost_reason_code) == ("lost", "lost", "closed")


def test_the_large_horeca_threshold_is_in_zloty_so_a_euro_deal_goes_to_the_horeca_team(engine):
    euro = engine.create_opportunity(title="Hotel chain", amount="60000.00", currency="EUR", partner="Hotel Sp. z o.o.",
                                     attributes={"channel": "horeca", "territory": "PL-MZ"}, actor="manager")
    assert (euro.segment_id, euro.team) == ("horeca", "horeca")  # 60 000 EUR is not compared with 50 000 PLN
    (opened,) = [e for e in euro.events if e.kind == "opened"]
    assert opened.data["routing_notes"] == [
        "Segment 'HORECA - hotel groups and large accounts' takes deals of at least 50000 PLN; this deal is in "
        "EUR, and Dealflow converts no currencies, so it did not match."]


def test_a_horeca_quote_without_an_answer_for_14_days_expires_and_the_deal_is_lost(engine, clock):
    deal = complete(engine, open_deal(engine, "horeca", "PL-MZ", amount="50000.00"), "Task_BantCall",
                    **BANT_CALL, budget="approved", authority="decides", need="broken", timeline="this_month")
    assert (deal.segment_id, deal.team) == ("horeca-large", "horeca-key-accounts")
    add_person(engine, deal, "decision_maker", "Jan Kowalski")
    deal = complete(engine, deal, "Task_Quote", quote_value="50000")
    assert deal.stage_id == "follow_up"
    clock.advance(days=14, minutes=1)
    assert engine.fire_due_timers() == 1
    deal = engine.show_opportunity(deal.id)
    # an expired quote's stage names no reason: the owner is asked why in the inbox
    assert (deal.status, deal.stage_id, deal.lost_reason_code) == ("lost", "lost", None)
    assert [(t.kind, t.assignee) for t in deal.open_tasks] == [("why_lost", deal.owner)]
