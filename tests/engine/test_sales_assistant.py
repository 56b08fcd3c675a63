"""Questionnaires, probabilities, suggested activities and exit criteria (M4, M5),
through the façade, on each database."""

import shutil
from datetime import timedelta
from decimal import Decimal

import pytest

from engine.errors import ConflictError, ExitCriteriaError, FormError, NotFoundError, PermissionDeniedError
from engine.store.models import Opportunity
from tests.conftest import BASE_METHODOLOGY, make_engine

GUIDED_STAGES = """\
  - id: qualification
    name: Kwalifikacja
    probability: 20
    outcome: open
    entered_at: [Task_Qualify]
    activities:
      - id: call_prospect
        title: Call the prospect
        guidance: Ask who signs off the budget.
        role: rep
        due: P1D
        required: true
      - id: send_brochure
        title: Send the brochure
        role: manager
    exit_criteria:
      fields: [amount]
      answered: [qualification]
      buying_center: [economic_buyer]
  - id: offer
    name: Oferta
    probability: 50
    outcome: open
    entered_at: [Task_Offer]
    exit_criteria:
      buying_center: [decision_maker]
"""


def guided_methodology(tmp_path, *, task_questionnaire=False):
    """The base methodology with activities and exit criteria on its stages; with
    ``task_questionnaire`` its questionnaire is Task_Qualify's form, and only an
    A-class deal can be won."""
    target = tmp_path / "methodologies"
    shutil.copytree(BASE_METHODOLOGY, target)
    stages = target / "stages" / "small-deal.yaml"
    text = stages.read_text("utf-8")
    start, end = text.index("  - id: qualification"), text.index("  - id: won")
    stages.write_text(text[:start] + GUIDED_STAGES + text[end:], "utf-8")
    if task_questionnaire:
        questionnaire = target / "questionnaires" / "qualification.yaml"
        questionnaire.write_text(questionnaire.read_text("utf-8").replace(
            "  stage: qualification", "  task: Task_Qualify"), "utf-8")
        stages.write_text(stages.read_text("utf-8").replace("      answered: [qualification]\n", ""), "utf-8")
        bpmn = target / "bpmn" / "deal.bpmn"
        bpmn.write_text(bpmn.read_text("utf-8").replace(
            "result == 'accepted'</bpmn:conditionExpression>",
            "result == 'accepted' and score_class == 'A'</bpmn:conditionExpression>"), "utf-8")
    return target


@pytest.fixture
def guided(db_url, clock, tmp_path):
    engine = make_engine(db_url, clock, guided_methodology(tmp_path))
    yield engine
    engine.close()


def open_deal(engine, amount="20000.00"):
    return engine.create_opportunity(title="Cold room", amount=amount, partner="Bar Mleczny",
                                     attributes={"channel": "retail"}, actor="manager")


def workflow_task(deal):
    (task,) = [t for t in deal.open_tasks if t.node_id.startswith("Task_")]
    return task


def activity(deal, activity_id):
    (task,) = [t for t in deal.open_tasks if t.node_id == f"{deal.stage_id}/{activity_id}"]
    return task


# --- scoring ---------------------------------------------------------------------------

def test_answering_the_stage_questionnaire_scores_the_deal_and_explains_the_score(engine):
    deal = open_deal(engine)
    assert (deal.stage_id, deal.probability) == ("qualification", 20)
    engine.answer_questionnaire(deal.id, "qualification", {"budget": "yes", "timeline": "later"}, actor="rep1")
    panel = engine.sales_assistant(deal.id, viewer="rep1")
    (questionnaire,) = panel.questionnaires
    score = questionnaire.score
    # weights 3 and 1, best answers 10 points each: 100 * (3*10 + 1*2) / (3*10 + 1*10) = 80
    assert (score.score, score.class_id) == ("80.0", "A")
    assert [(q.id, q.answer, q.contribution, q.possible) for q in score.questions] == [
        ("budget", "yes", "75.0", "75.0"), ("timeline", "later", "5.0", "25.0")]
    assert score.class_effect == "sets the probability to 40%" and score.answered_by == "rep1"
    shown = engine.show_opportunity(deal.id)
    assert (shown.probability, shown.expected_revenue) == (40, Decimal("8000.00"))
    event = [e for e in shown.events if e.kind == "questionnaire_answered"][-1]
    assert event.data["score_class"] == "A" and event.data["probability_before"] == 20


def test_a_stage_questionnaire_may_be_answered_a_question_at_a_time(engine):
    deal = open_deal(engine)
    engine.answer_questionnaire(deal.id, "qualification", {"timeline": "quarter"}, actor="rep1")
    first = engine.sales_assistant(deal.id, viewer="rep1").questionnaires[0]
    # Only 10 of 40 weighted points: class C adjusts the stage's 20% by -10.
    assert (first.score.score, first.score.class_id, first.answers) == ("25.0", "C", {"timeline": "quarter"})
    assert engine.show_opportunity(deal.id).probability == 10
    engine.answer_questionnaire(deal.id, "qualification", {"budget": "yes"}, actor="rep1")
    second = engine.sales_assistant(deal.id, viewer="rep1").questionnaires[0]
    assert second.answers == {"timeline": "quarter", "budget": "yes"} and second.score.score == "100.0"


def test_wrong_answers_are_form_errors_per_question_and_change_nothing(engine):
    deal = open_deal(engine)
    with pytest.raises(FormError) as err:
        engine.answer_questionnaire(deal.id, "qualification", {"budget": "maybe", "colour": "red"}, actor="rep1")
    assert err.value.fields == {"colour": "questionnaire 'qualification' has no question 'colour'",
                                "budget": "not one of the answers: yes, no"}
    assert engine.sales_assistant(deal.id, viewer="rep1").questionnaires[0].score is None
    assert engine.show_opportunity(deal.id).probability == 20


def test_only_people_who_see_the_deal_may_answer_and_only_its_manager_may_override(engine):
    deal = open_deal(engine)
    with pytest.raises(NotFoundError):
        engine.answer_questionnaire(deal.id, "qualification", {"budget": "yes"}, actor="rep3")
    with pytest.raises(NotFoundError):
        engine.sales_assistant(deal.id, viewer="rep3")
    with pytest.raises(PermissionDeniedError):
        engine.override_probability(deal.id, 90, actor="rep1")
    with pytest.raises(NotFoundError):
        engine.override_probability(deal.id, 90, actor="manager2")
    assert engine.show_opportunity(deal.id).probability == 20


# --- the manager's override --------------------------------------------------------------

def test_a_managers_override_wins_over_later_automatic_updates_until_reset(engine):
    deal = open_deal(engine)
    engine.override_probability(deal.id, "65", actor="manager", reason="Signed letter of intent")
    engine.answer_questionnaire(deal.id, "qualification", {"budget": "yes", "timeline": "quarter"}, actor="rep1")
    shown = engine.show_opportunity(deal.id)
    assert shown.probability == 65  # the questionnaire's class A would say 40
    panel = engine.sales_assistant(deal.id, viewer="manager")
    assert (panel.probability_auto, panel.probability_override, panel.probability_override_by) == (40, 65, "manager")
    shown = engine.complete_task(workflow_task(shown).id, actor="rep1", data={"amount": "100"})
    assert (shown.stage_id, shown.probability) == ("offer", 65)  # the stage change does not undo it
    assert shown.stage_history[-1].probability == 65
    shown = engine.reset_probability(deal.id, actor="manager")
    assert shown.probability == 50  # offer's 50%; class A's 40% belonged to the qualification stage
    kinds = [e.kind for e in shown.events]
    assert "probability_overridden" in kinds and "probability_reset" in kinds
    assert [e for e in shown.events if e.kind == "probability_overridden"][0].data["reason"] == "Signed letter of intent"


def test_winning_settles_the_probability_whatever_the_override(engine):
    deal = open_deal(engine)
    engine.override_probability(deal.id, 30, actor="manager")
    deal = engine.complete_task(workflow_task(engine.show_opportunity(deal.id)).id, actor="rep1",
                                data={"amount": "100"})
    deal = engine.complete_task(workflow_task(deal).id, actor="rep1", data={"result": "accepted"})
    assert (deal.status, deal.probability) == ("won", 100)


@pytest.mark.parametrize("value", ["101", "-1", "half", "", None, True])
def test_an_override_must_be_a_whole_percent(engine, value):
    deal = open_deal(engine)
    with pytest.raises(FormError) as err:
        engine.override_probability(deal.id, value, actor="manager")
    assert err.value.fields == {"probability": "a whole number of percent from 0 to 100"}


# --- suggested activities -----------------------------------------------------------------

def test_entering_a_stage_suggests_its_activities_as_tasks_routed_by_lane(guided, clock):
    deal = open_deal(guided)
    call, brochure = activity(deal, "call_prospect"), activity(deal, "send_brochure")
    assert (call.name, call.instructions, call.assignee, call.due_at) == (
        "Call the prospect", "Ask who signs off the budget.", "rep1", clock.now + timedelta(days=1))
    assert (brochure.assignee, brochure.due_at) == ("manager", None)  # lane manager: the deal's manager
    assert {t.node_id for t in guided.list_tasks("rep1")} >= {"qualification/call_prospect", "Task_Qualify"}


def test_the_manager_assigns_a_suggested_activity_to_a_rep_who_marks_it_done(guided):
    deal = open_deal(guided)
    call = activity(deal, "call_prospect")
    with pytest.raises(PermissionDeniedError):
        guided.reassign_task(call.id, to="rep2", actor="rep1")
    guided.reassign_task(call.id, to="rep2", actor="manager")
    with pytest.raises(PermissionDeniedError):
        guided.complete_activity(call.id, actor="rep1")
    shown = guided.complete_activity(call.id, actor="rep2", note="CFO signs; meeting on Friday")
    (done,) = [t for t in shown.completed_tasks if t.id == call.id]
    assert done.completed_by == "rep2"
    event = [e for e in shown.events if e.kind == "activity_completed"][0]
    assert event.data["note"] == "CFO signs; meeting on Friday"
    assert shown.stage_id == "qualification"  # an activity does not move the process


# --- exit criteria ---------------------------------------------------------------------

def test_leaving_a_stage_is_refused_naming_everything_missing_and_nothing_changes(guided):
    deal = open_deal(guided)
    with pytest.raises(ExitCriteriaError) as err:
        guided.complete_task(workflow_task(deal).id, actor="rep1", data={"amount": "100"})
    assert str(err.value) == (
        "the opportunity cannot leave stage 'Kwalifikacja' yet; still to do: "
        "do the activity 'Call the prospect'; "
        "answer questionnaire 'Qualification'; "
        "name the economic buyer in the buying center")
    assert err.value.missing == ("call_prospect", "qualification", "economic_buyer")
    after = guided.show_opportunity(deal.id)
    assert after.stage_id == "qualification" and workflow_task(after).status == "ready"
    assert after.events == deal.events  # not even an event


def test_once_the_criteria_are_met_the_deal_moves_on_and_optional_activities_are_withdrawn(guided):
    deal = open_deal(guided)
    guided.complete_activity(activity(deal, "call_prospect").id, actor="rep1")
    guided.answer_questionnaire(deal.id, "qualification", {"budget": "yes", "timeline": "later"}, actor="rep1")
    guided.add_contact(deal.id, actor="rep1", name="Ewa Nowak", job_title="CFO", role="economic_buyer",
                       influence=5, attitude="supporter")
    checklist = guided.sales_assistant(deal.id, viewer="rep1").checklist
    assert [(c.kind, c.met) for c in checklist] == [
        ("activity", True), ("field", True), ("answered", True), ("buying_center", True)]
    moved = guided.complete_task(workflow_task(guided.show_opportunity(deal.id)).id, actor="rep1",
                                 data={"amount": "100"})
    assert moved.stage_id == "offer"
    assert [t.node_id for t in moved.open_tasks] == ["Task_Offer"]  # the brochure was optional


def test_losing_a_deal_is_never_refused_but_winning_it_is(guided):
    deal = open_deal(guided)
    guided.complete_activity(activity(deal, "call_prospect").id, actor="rep1")
    guided.answer_questionnaire(deal.id, "qualification", {"budget": "no", "timeline": "later"}, actor="rep1")
    guided.add_contact(deal.id, actor="rep1", name="Ewa Nowak", role="economic_buyer")
    deal = guided.complete_task(workflow_task(guided.show_opportunity(deal.id)).id, actor="rep1",
                                data={"amount": "100"})
    with pytest.raises(ExitCriteriaError, match="name the decision maker in the buying center"):
        guided.complete_task(workflow_task(deal).id, actor="rep1", data={"result": "accepted"})
    lost = guided.complete_task(workflow_task(deal).id, actor="rep1", data={"result": "rejected"})
    assert lost.status == "lost"


# --- a questionnaire that is a task's form ------------------------------------------------

def test_a_task_questionnaire_is_the_tasks_form_and_its_class_routes_the_process(db_url, clock, tmp_path):
    engine = make_engine(db_url, clock, guided_methodology(tmp_path, task_questionnaire=True))
    try:
        def qualified(answers):
            deal = open_deal(engine)  # round robin: rep1, then rep2
            engine.complete_activity(activity(deal, "call_prospect").id, actor=deal.owner)
            engine.add_contact(deal.id, actor=deal.owner, name="Ewa Nowak", role="economic_buyer")
            engine.add_contact(deal.id, actor=deal.owner, name="Jan Kos", role="decision_maker")
            task = workflow_task(engine.show_opportunity(deal.id))
            assert [(f.id, f.type, f.required) for f in task.form][-2:] == [
                ("budget", "enum", True), ("timeline", "enum", True)]
            with pytest.raises(FormError) as err:
                engine.complete_task(task.id, actor=deal.owner, data={"amount": "100"})
            assert set(err.value.fields) == {"budget", "timeline"}
            deal = engine.complete_task(task.id, actor=deal.owner, data={"amount": "100", **answers})
            return engine.complete_task(workflow_task(deal).id, actor=deal.owner, data={"result": "accepted"})

        # The gateway wins only A-class deals: score_class reached the process.
        assert qualified({"budget": "yes", "timeline": "quarter"}).status == "won"
        assert qualified({"budget": "no", "timeline": "later"}).status == "lost"
    finally:
        engine.close()


def test_a_suggested_activitys_due_date_is_the_deals_next_action_when_it_comes_first(guided, clock):
    deal = open_deal(guided)
    # Task_Qualify is due in 2 days, the chase timer in 3; the required call in 1.
    assert deal.next_action_at == clock.now + timedelta(days=1)
    clock.advance(hours=1)
    done = guided.complete_activity(activity(deal, "call_prospect").id, actor="rep1")
    assert done.next_action_at == deal.next_action_at + timedelta(days=1)  # now Task_Qualify's


# --- closing as lost by hand ------------------------------------------------------------

def test_a_deal_is_closed_as_lost_by_hand_whatever_its_exit_criteria(guided, clock):
    deal = open_deal(guided)
    clock.advance(hours=3)
    closed = guided.close_as_lost(deal.id, actor="rep1", reason_code="competitor", reason="Chose a competitor on price")
    assert (closed.status, closed.stage_id, closed.probability, closed.lost_reason) == (
        "lost", "lost", 0, "Chose a competitor on price")
    assert (closed.lost_reason_code, closed.lost_reason_label, closed.lost_reason_missing) == (
        "competitor", "Chose a competitor", False)
    assert (closed.closed_by, closed.closed_at, closed.open_tasks) == ("rep1", clock.now, ())
    assert closed.next_timer_at is None and closed.next_action_at is None
    assert closed.stage_history[-1].from_stage == "qualification"
    by_hand = [e for e in closed.events if e.kind == "closed_by_hand"][0]
    assert by_hand.data == {"stage": "lost", "reason_code": "competitor", "reason": "Chose a competitor on price",
                            "withdrawn": 3}
    clock.advance(days=10)
    assert guided.fire_due_timers() == 0  # the chase timer does not fire on a closed deal


def test_closing_by_hand_needs_a_reason_and_the_owner_manager_or_an_admin(guided):
    deal = open_deal(guided)
    with pytest.raises(FormError) as err:
        guided.close_as_lost(deal.id, actor="rep1", reason="  ")
    assert err.value.fields == {"reason_code": "choose why the deal was lost: one of price (Price too high), "
                                               "competitor (Chose a competitor), no_budget (No budget), other (Other)"}
    with pytest.raises(FormError) as err:
        guided.close_as_lost(deal.id, actor="rep1", reason="x", stage="won")
    assert err.value.fields == {"stage": "not a lost stage of this methodology; choose one of lost"}
    guided.reassign_task(activity(deal, "call_prospect").id, to="rep2", actor="manager")
    with pytest.raises(PermissionDeniedError):
        guided.close_as_lost(deal.id, actor="rep2", reason="x")  # works on it, does not own it
    with pytest.raises(NotFoundError):
        guided.close_as_lost(deal.id, actor="rep3", reason="x")
    guided.close_as_lost(deal.id, actor="manager", reason="Budget frozen")
    with pytest.raises(ConflictError):
        guided.close_as_lost(deal.id, actor="manager", reason="again")


def test_a_decision_table_routes_on_the_score_class(db_url, clock, tmp_path):
    target = guided_methodology(tmp_path, task_questionnaire=True)
    table = target / "bpmn" / "deal_tier.dmn"
    text = table.read_text("utf-8").replace("<text>amount</text>", "<text>score_class</text>")
    text = text.replace("<text>&gt;= 10000</text>", "<text>'A'</text>").replace("<text>&lt; 10000</text>", "<text>-</text>")
    # 'A' -> gold, any class -> standard: overlapping rules, so the first that matches (hit
    # policy FIRST; DMN's default UNIQUE refuses two matches)
    text = text.replace('<decisionTable id="DecisionTable_tier">',
                        '<decisionTable id="DecisionTable_tier" hitPolicy="FIRST">')
    table.write_text(text.replace('typeRef="integer"', 'typeRef="string"'), "utf-8")
    engine = make_engine(db_url, clock, target)
    try:
        tiers = []
        for answers in ({"budget": "yes", "timeline": "quarter"}, {"budget": "no", "timeline": "later"}):
            deal = open_deal(engine)
            engine.complete_activity(activity(deal, "call_prospect").id, actor=deal.owner)
            engine.add_contact(deal.id, actor=deal.owner, name="Ewa Nowak", role="economic_buyer")
            deal = engine.complete_task(workflow_task(engine.show_opportunity(deal.id)).id, actor=deal.owner,
                                        data={"amount": "100", **answers})
            runner = engine._catalog.runner(None, deal.methodology_version_id)
            with engine._sessions() as session:
                state = session.get(Opportunity, deal.id).workflow_state
            tiers.append((deal.score_class, runner.data(state)["tier"]))
        assert tiers == [("A", "gold"), ("C", "standard")]  # the table read score_class, not the amount
    finally:
        engine.close()
