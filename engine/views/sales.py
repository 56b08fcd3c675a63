"""What the Sales Assistant use cases return: frozen, plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.rules import score_format


def score_text(value: object) -> str:
    """A score as every screen writes it (engine.rules.score_format: 95.5, 96)."""
    return score_format.shown(value)


@dataclass(frozen=True)
class CriterionView:
    kind: str  # activity, field, answered, buying_center
    name: str
    label: str
    met: bool


@dataclass(frozen=True)
class QuestionScoreView:
    id: str
    text: str
    group: str | None
    answer: str | None
    answer_text: str | None
    points: str  # exact decimals, as text
    best_points: str
    weight: str
    contribution: str  # points of the 0-100 score this answer earned
    possible: str  # what the best answer would have earned


@dataclass(frozen=True)
class ScoreView:
    score: str
    class_id: str
    class_name: str
    class_effect: str  # "adjusts the stage's probability by +5 points"
    answered_by: str | None
    answered_at: datetime | None
    questions: tuple[QuestionScoreView, ...]


@dataclass(frozen=True)
class QuestionnaireView:
    id: str
    name: str
    description: str
    task: str | None  # answered in this user task's form
    task_name: str | None
    stage: str | None  # or on the opportunity page, while in this stage
    stage_name: str | None
    answerable: bool  # may be answered on the opportunity page now
    questions: tuple[tuple[str, str, str, str | None, tuple[tuple[str, str], ...]], ...]  # id, text, help, group, answers
    answers: dict  # question id -> answer id given so far
    classes: tuple[tuple[str, str, str, str], ...]  # id, name, min score, effect
    score: ScoreView | None


@dataclass(frozen=True)
class SalesAssistantView:
    opportunity_id: int
    stage_id: str | None
    stage_name: str | None
    stage_description: str
    checklist: tuple[CriterionView, ...]  # what leaving the current stage needs
    questionnaires: tuple[QuestionnaireView, ...]
    probability: int
    probability_auto: int
    probability_override: int | None
    probability_override_by: str | None
    probability_override_at: datetime | None
    may_override: bool
    is_open: bool
    classes_applied: tuple[str, ...] = ()  # score classes that change the automatic probability now
