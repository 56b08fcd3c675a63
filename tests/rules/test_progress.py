"""The pure rules of what one step changes: stages entered, probability and expected
revenue, closing, next due dates."""

from datetime import datetime, timedelta, timezone
from decimal import Decimal

from engine.methodology.model import Answer, Methodology, Question, Questionnaire, ScoreClass, Stage
from engine.rules.progress import (NextDue, Probability, closing_outcome, earliest, expected_revenue, next_due,
                                   probability, stages_entered)


def stage(id_, probability_, outcome="open", entered_at=()):
    return Stage(id=id_, name=id_.title(), probability=probability_, outcome=outcome, description="",
                 entered_at=tuple(entered_at), position=0)


QUALIFY = stage("qualify", 10, entered_at=("Start", "Qualify"))
PROPOSE = stage("propose", 40, entered_at=("Propose",))
WON = stage("won", 100, "won", ("Won",))
LOST = stage("lost", 0, "lost", ("Lost",))
GOOD = ScoreClass("A", "Good", Decimal(50), probability=70)
FIT = Questionnaire(id="fit", methodology="m", name="Fit", path="fit.yaml", task=None, stage="propose",
                    questions=(Question("budget", "Budget?", Decimal(1), (Answer("yes", "Yes", Decimal(10)),)),),
                    classes=(GOOD,))


def methodology():
    return Methodology(id="m", version="1", name="M", description="", process=None,
                       stages=(QUALIFY, PROPOSE, WON, LOST), questionnaires=(FIT,), stage_table_path="stages.yaml",
                       content_hash="")


def test_expected_revenue_is_the_amount_weighted_by_the_probability_to_the_cent():
    assert expected_revenue(Decimal("1000.00"), 40) == Decimal("400.00")
    assert expected_revenue(Decimal("0.05"), 33) == Decimal("0.02")
    assert expected_revenue(Decimal("999.99"), 0) == Decimal("0.00")


def test_the_probability_comes_from_the_stage_and_its_score_classes():
    m = methodology()
    assert probability(m, "qualify", None, None, Decimal(1000)) == Probability(10, 10, Decimal("100.00"))
    scores = {"fit": {"questionnaire": "fit", "class": "A", "stage": "propose", "answered_at": "1"}}
    assert probability(m, "propose", scores, None, Decimal(1000)) == Probability(70, 70, Decimal("700.00"))
    assert probability(m, None, None, None, Decimal(1000)).in_force == 0  # no stage yet


def test_a_managers_override_holds_in_open_stages_but_winning_or_losing_settles_it():
    m = methodology()
    assert probability(m, "propose", None, 55, Decimal(200)) == Probability(40, 55, Decimal("110.00"))
    assert probability(m, "won", None, 55, Decimal(200)) == Probability(100, 100, Decimal("200.00"))
    assert probability(m, "lost", None, 55, Decimal(200)) == Probability(0, 0, Decimal("0.00"))


def test_a_step_enters_each_stage_its_nodes_reach_once_in_order():
    m = methodology()
    assert stages_entered(m, None, ["Start", "Qualify", "Task_1", "Propose"]) == [QUALIFY, PROPOSE]
    assert stages_entered(m, "qualify", ["Qualify", "Task_1"]) == []  # there already
    assert stages_entered(m, "propose", ["Qualify", "Propose"]) == [QUALIFY, PROPOSE]  # back and forth
    assert stages_entered(m, "propose", []) == []


def test_entering_a_won_or_lost_stage_closes_an_open_deal_only():
    assert closing_outcome(WON, "open") == "won"
    assert closing_outcome(LOST, "open") == "lost"
    assert closing_outcome(PROPOSE, "open") is None
    assert closing_outcome(WON, "lost") is None  # closed already: stays as it was closed


def test_the_next_due_date_is_the_earliest_of_all_ignoring_the_missing():
    now = datetime(2026, 12, 4, tzinfo=timezone.utc)
    assert earliest([now + timedelta(days=2), None], [now + timedelta(hours=1)]) == now + timedelta(hours=1)
    assert earliest([], [None]) is None
    assert earliest() is None


def test_a_deals_next_timer_and_next_action_and_held_timers_left_out_of_both():
    now = datetime(2026, 12, 4, tzinfo=timezone.utc)
    timer, task = now + timedelta(hours=1), now + timedelta(days=1)
    assert next_due([timer + timedelta(days=3), timer], [task, None], held=False) == NextDue(timer, timer)
    assert next_due([timer], [task], held=True) == NextDue(None, task)  # a held timer waits for the retry
    assert next_due([None], [None], held=False) == NextDue(None, None)
    assert next_due([task], [timer], held=False) == NextDue(task, timer)  # a task due first is the next action
