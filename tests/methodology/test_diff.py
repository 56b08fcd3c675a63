"""The pure diff of two methodology models (``dealflow diff``): one readable line per
change. The models are the shipped ones, changed with dataclasses.replace."""

from dataclasses import replace
from decimal import Decimal

import pytest

from engine.methodology.diff import Change, diff_methodologies, render
from engine.methodology.model import Activity, Answer, ExitCriteria, FormField, Question, frozen_map
from engine.service.validation import load_methodologies
from tests.conftest import SHIPPED


@pytest.fixture(scope="module")
def shipped():
    result = load_methodologies(str(SHIPPED))
    assert result.problems == []
    return result.library.methodologies


def lines(old, new) -> list[str]:
    return [str(change) for change in diff_methodologies(old, new)]


def with_stage(methodology, stage_id, **changes):
    return replace(methodology, stages=tuple(replace(s, **changes) if s.id == stage_id else s
                                             for s in methodology.stages))


def with_node(methodology, node_id, **changes):
    nodes = dict(methodology.process.nodes)
    nodes[node_id] = replace(nodes[node_id], **changes)
    return replace(methodology, process=replace(methodology.process, nodes=frozen_map(nodes)))


def without_node(methodology, node_id):
    nodes = {k: v for k, v in methodology.process.nodes.items() if k != node_id}
    return replace(methodology, process=replace(methodology.process, nodes=frozen_map(nodes)))


def with_questionnaire(methodology, questionnaire_id, **changes):
    return replace(methodology, questionnaires=tuple(replace(q, **changes) if q.id == questionnaire_id else q
                                                     for q in methodology.questionnaires))


def test_a_methodology_compared_with_itself_has_no_differences(shipped):
    for methodology in shipped.values():
        assert diff_methodologies(methodology, methodology) == []
    assert render([]) == "no differences"


def test_a_changed_probability_is_one_line_with_both_values(shipped):
    old = shipped["seed002-funnel"]
    new = with_stage(replace(old, version="1.1"), "negotiation", probability=45)
    assert lines(old, new) == ["~ methodology 'seed002-funnel': version '1.0' -> '1.1'",
                               "~ stage 'negotiation': probability 40 % -> 45 %"]


def test_stages_added_removed_renamed_and_reordered(shipped):
    old = shipped["horeca-bant"]
    lead, nurture, visit, quote, follow_up, won, not_qualified, lost = old.stages
    new = replace(old, stages=(
        replace(lead, name="New lead"),
        replace(quote, id="offer"),  # the same nodes under a new id: a rename, not a removal
        follow_up, visit,  # swapped
        won, not_qualified, lost,
        replace(nurture, id="reactivated", name="Reactivated", probability=15, entered_at=("Task_X",)),
    ))
    assert nurture.id == "nurture" and not nurture.activities
    assert lines(old, new) == [
        "- stage 'nurture' (Nurture, 5 %, open)",
        "~ stage 'lead': name 'Lead' -> 'New lead'",
        "~ stage 'quote': id is now 'offer'",
        "+ stage 'reactivated' (Reactivated, 15 %, open)",
        "~ stage order: lead, site_visit, follow_up, won, not_qualified, lost -> "
        "lead, follow_up, site_visit, won, not_qualified, lost",
    ]


def test_activities_and_exit_criteria_of_a_stage(shipped):
    old = shipped["key-account"]
    proposal = old.stage("proposal")
    meet, reference = proposal.activities
    new = with_stage(old, "proposal",
                     activities=(replace(meet, required=True, due="P5D"),
                                 Activity("send_samples", "Send samples", "rep", due="P2D")),
                     exit_criteria=ExitCriteria(buying_center=("decision_maker", "technical_evaluator"),
                                                answered=("key-account-qualification",)))
    assert lines(old, new) == [
        "- activity 'reference_visit' of stage 'proposal' (Offer a reference visit, lane rep, due P10D)",
        "~ activity 'meet_economic_buyer' of stage 'proposal': due P7D -> P5D",
        "~ activity 'meet_economic_buyer' of stage 'proposal': required no -> yes",
        "+ activity 'send_samples' of stage 'proposal' (Send samples, lane rep, due P2D)",
        "+ exit criterion of stage 'proposal' (answered key-account-qualification)",
        "- exit criterion of stage 'proposal' (buying-center role coach)",
        "+ exit criterion of stage 'proposal' (buying-center role technical_evaluator)",
    ]


def test_guidance_and_descriptions_are_only_said_to_have_changed(shipped):
    old = shipped["key-account"]
    research = old.stage("qualification").activities[0]
    new = with_stage(old, "qualification", description="Shorter.",
                     activities=(replace(research, guidance=research.guidance + " And call."),
                                 *old.stage("qualification").activities[1:]))
    assert lines(old, new) == ["~ stage 'qualification': description changed",
                               "~ activity 'research_chain' of stage 'qualification': guidance changed"]
    reflowed = with_stage(old, "qualification", description=old.stage("qualification").description.replace(" ", "\n"))
    assert lines(old, reflowed) == []  # only the line breaks moved


def test_user_tasks_added_removed_renamed_moved_to_another_lane_and_their_fields(shipped):
    old = shipped["horeca-bant"]
    quote = old.process.nodes["Task_Quote"]
    value, discount = quote.form
    new = with_node(old, "Task_Quote", name="Send the offer", lane="manager", due_date="P1D",
                    form=(replace(value, type="money", label="Offer value"),
                          FormField("valid_until", "Valid until", "date", 0, required=True)))
    new = with_node(new, "Task_FollowUp", form=tuple(
        replace(f, choices=(("ordered", "Ordered"), ("postponed", "Postponed"))) if f.id == "customer_decision" else f
        for f in old.process.nodes["Task_FollowUp"].form))
    new = without_node(new, "Task_SiteVisit")
    nodes = {("Task_FirstCall" if k == "Task_BantCall" else k): (replace(v, id="Task_FirstCall")
                                                                 if k == "Task_BantCall" else v)
             for k, v in new.process.nodes.items()}
    new = replace(new, process=replace(new.process, nodes=frozen_map(nodes)))
    assert lines(old, new) == [
        "- task 'Task_BantCall' (BANT call, lane rep, fields venue_type, outlets, contact_name)",
        "- task 'Task_SiteVisit' (Visit the venue, lane rep, fields visit_date, equipment_needed)",
        "+ task 'Task_FirstCall' (BANT call, lane rep, fields venue_type, outlets, contact_name)",
        "~ task 'Task_Quote': name 'Send the quote' -> 'Send the offer'",
        "~ task 'Task_Quote': lane rep -> manager",
        "~ task 'Task_Quote': due P2D -> P1D",
        "- field 'discount_pct' of task 'Task_Quote' (Discount (%), long)",
        "~ field 'quote_value' of task 'Task_Quote': label 'Quote value' -> 'Offer value'",
        "~ field 'quote_value' of task 'Task_Quote': type decimal -> money",
        "+ field 'valid_until' of task 'Task_Quote' (Valid until, date, required)",
        "~ field 'customer_decision' of task 'Task_FollowUp': choices +postponed -declined",
    ]


def test_lanes_and_gateway_conditions(shipped):
    old = shipped["meddpicc"]
    flows = tuple(replace(f, condition="discount_pct > 20") if f.id == "Flow_Discount_High" else f
                  for f in old.process.flows)
    new = replace(old, process=replace(old.process, flows=flows, lanes=old.process.lanes + ("sales_engineer",)))
    assert lines(old, new) == ["+ lane 'sales_engineer'",
                               "~ condition of flow 'Flow_Discount_High': discount_pct > 15 -> discount_pct > 20"]


def test_questionnaires_questions_answers_weights_and_classes(shipped):
    old = shipped["horeca-bant"]
    bant = old.questionnaire("horeca-bant")
    budget, authority, need, timeline = bant.questions
    approved, depends, none = budget.answers
    a, b, c = bant.classes
    new = with_questionnaire(old, "horeca-bant", questions=(
        replace(budget, weight=Decimal("4"), answers=(replace(approved, points=Decimal("9")), depends,
                                                      Answer("leasing", "Leasing only", Decimal("6")))),
        authority, need,
        Question("competition", "Who else quotes?", Decimal("1"),
                 (Answer("nobody", "Nobody", Decimal("10")), Answer("others", "Others", Decimal("0"))),
                 group="fit")),
        classes=(replace(a, min_score=Decimal("80"), probability_adjustment=15), b, c))
    assert lines(old, new) == [
        "- question 'timeline' of questionnaire 'horeca-bant' (weight 2, answers this_month 10, this_season 6, "
        "no_date 0)",
        "~ question 'budget' of questionnaire 'horeca-bant': weight 3 -> 4",
        "- answer 'none' of question 'budget' of questionnaire 'horeca-bant' (No budget, 0 points)",
        "~ answer 'approved' of question 'budget' of questionnaire 'horeca-bant': points 10 -> 9",
        "+ answer 'leasing' of question 'budget' of questionnaire 'horeca-bant' (Leasing only, 6 points)",
        "+ question 'competition' of questionnaire 'horeca-bant' (weight 1, group fit, answers nobody 10, "
        "others 0)",
        "~ class 'A' of questionnaire 'horeca-bant': min score 75 -> 80",
        "~ class 'A' of questionnaire 'horeca-bant': probability adjustment +10 -> +15",
    ]


def test_a_questionnaire_added_or_removed_is_summarised(shipped):
    old = shipped["meddpicc"]
    new = replace(old, questionnaires=())
    assert lines(old, new) == ["- questionnaire 'meddpicc' (MEDDPICC, at stage discovery, 13 questions, "
                               "classes A, B, C)"]
    assert lines(new, old) == ["+ questionnaire 'meddpicc' (MEDDPICC, at stage discovery, 13 questions, "
                               "classes A, B, C)"]


def test_changes_are_frozen_values_that_render_one_per_line():
    changes = [Change("+", "lane 'x'"), Change("~", "stage 'y'", "probability 20 % -> 30 %"),
               Change("-", "task 'T'", "Do it, lane rep")]
    assert render(changes) == "+ lane 'x'\n~ stage 'y': probability 20 % -> 30 %\n- task 'T' (Do it, lane rep)"
    with pytest.raises(AttributeError):
        changes[0].op = "-"
