"""Scoring a questionnaire and deciding the automatic probability (M5). Pure.

The score is the weighted share of the best possible answers, 0-100:

    score = 100 * sum(weight * points of the answer given) / sum(weight * best points)

so each question's *contribution* is its own term of that sum, and the
contributions add up to the score — which is what "why is this deal a B?" shows.
A question left unanswered contributes nothing (stage questionnaires may be
answered a few questions at a time; a task's questionnaire requires every answer).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, Mapping

from engine.methodology.model import FormField, Methodology, Questionnaire, ScoreClass, Stage

HUNDRED = Decimal(100)
ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class QuestionScore:
    question_id: str
    text: str
    group: str | None
    answer_id: str | None  # None: not answered yet
    answer_text: str | None
    points: Decimal
    best_points: Decimal
    weight: Decimal
    contribution: Decimal  # points of the 0-100 score this answer earned
    possible: Decimal  # points of the score the best answer would earn


@dataclass(frozen=True)
class ScoreResult:
    questionnaire_id: str
    score: Decimal  # 0-100, one decimal
    score_class: ScoreClass
    questions: tuple[QuestionScore, ...]

    @property
    def complete(self) -> bool:
        return all(q.answer_id is not None for q in self.questions)

    def answered(self, group: str | None = None) -> bool:
        """Every question (of ``group``, if given) has an answer."""
        return all(q.answer_id is not None for q in self.questions if group is None or q.group == group)

    def as_record(self) -> dict:
        """JSON-ready, for the opportunity's ``scores`` column (numbers as text: exact)."""
        return {
            "questionnaire": self.questionnaire_id,
            "score": str(self.score),
            "class": self.score_class.id,
            "class_name": self.score_class.name,
            "answers": {q.question_id: q.answer_id for q in self.questions if q.answer_id is not None},
            "questions": [{"id": q.question_id, "text": q.text, "group": q.group, "answer": q.answer_id,
                           "answer_text": q.answer_text, "points": str(q.points),
                           "best_points": str(q.best_points), "weight": str(q.weight),
                           "contribution": str(q.contribution), "possible": str(q.possible)}
                          for q in self.questions],
        }


def answer_errors(questionnaire: Questionnaire, answers: Mapping[str, object], *,
                  require_all: bool) -> dict[str, str]:
    """Per-question messages for answers that name no answer of their question."""
    errors = {}
    by_id = {q.id: q for q in questionnaire.questions}
    for key in answers:
        if key not in by_id:
            errors[key] = f"questionnaire '{questionnaire.id}' has no question '{key}'"
    for question in questionnaire.questions:
        value = answers.get(question.id)
        if value in (None, ""):
            if require_all:
                errors[question.id] = "choose an answer"
            continue
        if value not in {a.id for a in question.answers}:
            errors[question.id] = ("not one of the answers: "
                                   + ", ".join(a.id for a in question.answers))
    return errors


def score(questionnaire: Questionnaire, answers: Mapping[str, object]) -> ScoreResult:
    """The score of valid ``answers`` (question id -> answer id); see ``answer_errors``."""
    total = sum((q.weight * max(a.points for a in q.answers) for q in questionnaire.questions), Decimal(0))
    rows, earned = [], Decimal(0)
    for question in questionnaire.questions:
        best = max(a.points for a in question.answers)
        chosen = next((a for a in question.answers if a.id == answers.get(question.id)), None)
        points = chosen.points if chosen else Decimal(0)
        earned += question.weight * points
        rows.append(QuestionScore(
            question.id, question.text, question.group, chosen.id if chosen else None,
            chosen.text if chosen else None, points, best, question.weight,
            _round(HUNDRED * question.weight * points / total), _round(HUNDRED * question.weight * best / total)))
    value = _round(HUNDRED * earned / total)
    return ScoreResult(questionnaire.id, value, score_class(questionnaire, value), tuple(rows))


def score_class(questionnaire: Questionnaire, value: Decimal) -> ScoreClass:
    # Classes are sorted highest min_score first, and one starts at 0 (validated).
    return next(c for c in questionnaire.classes if value >= c.min_score)


def automatic_probability(stage_probability: int, classes: Iterable[tuple[ScoreClass, bool]]) -> int:
    """The probability the engine would set: the stage's, changed by the classes of
    the questionnaires answered so far, in the order they were answered.

    ``classes`` are (class, scored in the current stage). A class with a
    ``probability`` sets it — until the deal changes stage, after which the new
    stage's probability stands; a ``probability_adjustment`` stays with the deal."""
    value = stage_probability
    for klass, in_current_stage in classes:
        if klass.probability is not None:
            if in_current_stage:
                value = klass.probability
        elif klass.probability_adjustment is not None:
            value += klass.probability_adjustment
    return max(0, min(100, value))


def current_records(records: Mapping[str, dict] | None, methodology: Methodology) -> dict[str, dict]:
    """The deal's questionnaire ``records`` (its ``scores``) that belong to the
    methodology version it follows now: of one of ``methodology``'s questionnaires and
    answered under this methodology and version. A record answered under another
    (before a segment swap, or after it and then reversed) is kept but neither shown,
    nor counted in the probability or the exit criteria (issue 15). Records stored
    before they were stamped with their methodology count as the current one's."""
    return {qid: r for qid, r in (records or {}).items()
            if methodology.questionnaire(r.get("questionnaire", qid)) is not None
            and r.get("methodology", methodology.id) == methodology.id
            and r.get("version", methodology.version) == methodology.version}


def latest_record(records: Mapping[str, dict]) -> dict | None:
    """The record answered last (the deal's header shows its score and class)."""
    return max(records.values(), key=lambda r: r.get("answered_at", ""), default=None)


def stage_probability(stage: Stage | None, methodology: Methodology, records: Mapping[str, dict]) -> int:
    """The automatic probability of a deal in ``stage`` with these stored
    questionnaire ``records`` (the opportunity's ``scores``): won and lost stages
    settle it; an open stage's is changed by the classes, in the order answered. A
    record of another methodology or version (``current_records``: the deal was
    swapped) is kept but has no effect."""
    if stage is None:
        return 0
    if stage.outcome != "open":
        return stage.probability
    return automatic_probability(stage.probability, _classes(stage, methodology, records))


def applied_classes(stage: Stage | None, methodology: Methodology, records: Mapping[str, dict]) -> tuple[str, ...]:
    """The ids of the score classes that change the automatic probability of a deal
    in ``stage`` now (as ``stage_probability`` applies them): what "automatic: the
    stage and score class …" may name — never a class of a questionnaire answered
    under another methodology, nor one that only sets the probability of a stage the
    deal has left."""
    if stage is None or stage.outcome != "open":
        return ()
    return tuple(dict.fromkeys(
        klass.id for klass, in_current_stage in _classes(stage, methodology, records)
        if (klass.probability is not None and in_current_stage) or klass.probability_adjustment))


def _classes(stage: Stage, methodology: Methodology, records: Mapping[str, dict]) -> list[tuple[ScoreClass, bool]]:
    """(class, scored in ``stage``) of the current records, in the order answered."""
    classes = []
    for record in sorted(current_records(records, methodology).values(), key=lambda r: r.get("answered_at", "")):
        questionnaire = methodology.questionnaire(record["questionnaire"])
        klass = questionnaire and next((c for c in questionnaire.classes if c.id == record["class"]), None)
        if klass is not None:
            classes.append((klass, record.get("stage") == stage.id))
    return classes


def question_fields(questionnaire: Questionnaire) -> tuple[FormField, ...]:
    """A task questionnaire as form fields: one required choice per question."""
    return tuple(
        FormField(id=q.id, label=q.text, type="enum", line=0, required=True,
                  choices=tuple((a.id, a.text) for a in q.answers), help=q.help)
        for q in questionnaire.questions)


def _round(value: Decimal) -> Decimal:
    return value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
