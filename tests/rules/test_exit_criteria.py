"""engine.rules.exit_criteria, pure: may a deal leave its stage, and what a rep reads when not."""

from __future__ import annotations

from engine.methodology.model import Activity, ExitCriteria, FormField, Questionnaire
from engine.rules.exit_criteria import Criterion, evaluate, refusal
from tests.rules.factories import methodology, node, process, question, stage

QUALIFY = stage(
    "qualify", 0, ("Task_Qualify",),
    activities=(Activity("call_cfo", "Call the CFO", "rep", required=True),
                Activity("send_deck", "Send the deck", "rep")),  # suggested only: no criterion
    exit_criteria=ExitCriteria(fields=("budget", "pain", "decision_date"), answered=("bant", "bant/need"),
                               buying_center=("economic_buyer", "sponsor")))
BANT = Questionnaire("bant", "m", "BANT", "questionnaires/bant.yaml", None, "qualify",
                     (question("pain", "need"), question("timing", "time")), ())
METHODOLOGY = methodology("m", process([node("Task_Qualify", form=(FormField("budget", "Budget", "long", 3),))], []),
                          [QUALIFY], [BANT])


def judged(values=None, scores=None, roles=(), open_required=()):
    return evaluate(QUALIFY, METHODOLOGY, values=values or {}, scores=scores or {}, roles=roles,
                    open_required=open_required)


def test_every_criterion_is_listed_in_order_with_the_words_a_rep_reads():
    assert [(c.kind, c.name, c.label) for c in judged(open_required={"call_cfo"})] == [
        ("activity", "call_cfo", "activity 'Call the CFO' is done"),
        ("field", "budget", "'Budget' is filled in"),  # a form field's label
        ("field", "pain", "'What about pain?' is filled in"),  # a question's text
        ("field", "decision_date", "'decision date' is filled in"),  # neither: the id in words
        ("answered", "bant", "questionnaire 'BANT' answered"),
        ("answered", "bant/need", "the 'Need' questions of questionnaire 'BANT' answered"),
        ("buying_center", "economic_buyer", "someone in the buying center is the economic buyer"),
        ("buying_center", "sponsor", "someone in the buying center is the sponsor"),  # not a known role
    ]


def test_nothing_known_meets_nothing():
    assert not any(c.met for c in judged(open_required={"call_cfo"}))


def test_a_required_activity_is_met_once_it_is_no_longer_open():
    assert judged(open_required={"call_cfo"})[0].met is False
    assert judged(open_required=())[0] == Criterion("activity", "call_cfo", "activity 'Call the CFO' is done", True,
                                                    "do the activity 'Call the CFO'")


def test_a_field_counts_as_filled_unless_it_is_missing_none_false_or_blank_text():
    def filled(value):
        return judged(values={"budget": value})[1].met
    assert [filled(v) for v in (None, False, "", "   ")] == [False] * 4
    assert [filled(v) for v in (0, "0", "x", True, [])] == [True] * 5


def test_a_questionnaire_is_answered_when_every_question_is_or_only_its_groups_questions():
    partly = {"bant": {"questions": [{"id": "pain", "group": "need", "answer": "yes"},
                                     {"id": "timing", "group": "time", "answer": None}]}}
    met = {c.name: c.met for c in judged(scores=partly) if c.kind == "answered"}
    assert met == {"bant": False, "bant/need": True}
    fully = {"bant": {"questions": [{"id": "pain", "group": "need", "answer": "yes"},
                                    {"id": "timing", "group": "time", "answer": "no"}]}}
    assert all(c.met for c in judged(scores=fully) if c.kind == "answered")


def test_buying_center_roles_are_met_by_whoever_holds_them():
    met = {c.name: c.met for c in judged(roles=["economic_buyer", "coach"]) if c.kind == "buying_center"}
    assert met == {"economic_buyer": True, "sponsor": False}


def test_the_refusal_names_every_criterion_not_met_and_nothing_when_all_are():
    criteria = judged(values={"budget": 5, "pain": "high", "decision_date": "2026-12-01"},
                      roles=["economic_buyer", "sponsor"], open_required={"call_cfo"})
    assert refusal(QUALIFY, criteria) == (
        "the opportunity cannot leave stage 'Qualify' yet; still to do: do the activity 'Call the CFO'; "
        "answer questionnaire 'BANT'; answer the 'Need' questions of questionnaire 'BANT'")
    assert refusal(QUALIFY, [c for c in criteria if c.met]) is None
    assert refusal(QUALIFY, ()) is None
