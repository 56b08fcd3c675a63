"""The pure scoring rules: weighted, normalised scores and the automatic probability."""

from decimal import Decimal

from engine.methodology.model import Answer, Question, Questionnaire, ScoreClass
from engine.rules.scoring import answer_errors, automatic_probability, score

A = ScoreClass("A", "Worth attention", Decimal(70), probability=60)
B = ScoreClass("B", "Needs work", Decimal(40))
C = ScoreClass("C", "Risky", Decimal(0), probability_adjustment=-15)


def questionnaire():
    yes_no = (Answer("yes", "Yes", Decimal(10)), Answer("partly", "Partly", Decimal("2.5")), Answer("no", "No", Decimal(0)))
    return Questionnaire(
        id="q", methodology="m", name="Q", path="q.yaml", task=None, stage="s",
        questions=(Question("budget", "Budget?", Decimal(2), yes_no, group="b"),
                   Question("need", "Need?", Decimal(1), yes_no, group="n"),
                   Question("timing", "Timing?", Decimal("0.5"), yes_no, group="n")),
        classes=(A, B, C))


def test_the_score_is_the_weighted_share_of_the_best_answers_and_its_parts_add_up():
    result = score(questionnaire(), {"budget": "yes", "need": "partly", "timing": "no"})
    # 100 * (2*10 + 1*2.5 + 0.5*0) / (3.5*10) = 64.2857...
    assert result.score == Decimal("64.3") and result.score_class is B
    assert [q.contribution for q in result.questions] == [Decimal("57.1"), Decimal("7.1"), Decimal("0.0")]
    assert [q.possible for q in result.questions] == [Decimal("57.1"), Decimal("28.6"), Decimal("14.3")]


def test_a_score_falls_in_the_highest_class_whose_min_score_it_reaches():
    q = questionnaire()
    assert score(q, {"budget": "yes", "need": "yes", "timing": "no"}).score_class is A  # 85.7
    assert score(q, {"budget": "partly", "need": "yes"}).score_class is B  # 15 of 35: 42.9
    assert score(q, {"budget": "partly"}).score_class is C  # 5 of 35: 14.3
    assert score(q, {}).score == Decimal("0.0")


def test_unanswered_questions_and_groups_are_known():
    result = score(questionnaire(), {"budget": "yes"})
    assert not result.complete and result.answered("b") and not result.answered("n")


def test_answer_errors_name_unknown_questions_and_answers_and_missing_ones_when_all_are_required():
    q = questionnaire()
    assert answer_errors(q, {"budget": "maybe", "colour": "red"}, require_all=False) == {
        "colour": "questionnaire 'q' has no question 'colour'", "budget": "not one of the answers: yes, partly, no"}
    assert answer_errors(q, {"budget": "yes"}, require_all=True) == {
        "need": "choose an answer", "timing": "choose an answer"}


def test_a_class_probability_holds_in_its_stage_and_adjustments_stay_with_the_deal():
    assert automatic_probability(20, [(A, True)]) == 60
    assert automatic_probability(20, [(A, False)]) == 20  # scored in an earlier stage
    assert automatic_probability(20, [(C, False)]) == 5
    assert automatic_probability(10, [(C, True), (C, True)]) == 0  # never below 0
    assert automatic_probability(95, [(ScoreClass("X", "x", Decimal(0), probability_adjustment=10), True)]) == 100
    assert automatic_probability(20, [(A, True), (C, True)]) == 45  # in the order answered
