"""What the learned win probability knows about a deal at one moment of its life
(issue 13, "which methodology sells better"). Pure.

A closed deal is a ``DealHistory``: its fixed facts (methodology, segment, lead
source, industry, amount) and what happened when (the stages it entered, the
questionnaire classes it was given, when and how it closed). The models learn
from *snapshot points*: the deal as it stood one day after it opened and every
week after that until it closed, each described only by what was known then —
the stage it was in at that moment (not the stage it ended in), how long it had
been there, the classes answered by then. That is what keeps the outcome from
leaking into the features, and it is what a live deal looks like when it is
scored today.

Every deal counts once however long it lived: its points share a weight of one.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Sequence

FIRST_POINT = timedelta(days=1)  # a deal's first snapshot point, after it opened
POINT_EVERY = timedelta(days=7)
MAX_POINTS = 12  # a long-lived deal: this many points, evenly spread

# (upper bound in days, label): how long a deal has been in its stage, and its age
DAYS_IN_STAGE_BANDS = ((7, "0-6 days"), (14, "7-13 days"), (30, "14-29 days"), (60, "30-59 days"),
                       (None, "60+ days"))
AGE_BANDS = ((30, "0-29 days"), (60, "30-59 days"), (120, "60-119 days"), (None, "120+ days"))
UNKNOWN = "unknown"
UNANSWERED = "unanswered"

# The factors every model sees, in the order explanations list them; one factor
# per questionnaire ("questionnaire:<id>") follows them.
FACTORS = ("stage", "days_in_stage", "age", "methodology", "segment", "source", "industry", "amount_band")
FACTOR_LABELS = {"stage": "Stage", "days_in_stage": "Time in stage", "age": "Age of the deal",
                 "methodology": "Methodology", "segment": "Segment", "source": "Lead source",
                 "industry": "Industry", "amount_band": "Amount"}
QUESTIONNAIRE = "questionnaire:"


@dataclass(frozen=True)
class StageEntry:
    stage: str
    at: datetime
    probability: int  # the deal's probability as it entered: the stage table's (and the classes' then)
    outcome: str = "open"  # the stage's: open, won or lost
    methodology: str | None = None  # whose stage table names it, when not the deal's (before a swap)


@dataclass(frozen=True)
class ClassGiven:
    questionnaire: str
    score_class: str
    at: datetime


@dataclass(frozen=True)
class DealHistory:
    deal_id: int
    methodology: str
    segment: str
    source: str | None
    industry: str | None
    amount: float  # inside the model only; the deal's money stays Decimal elsewhere
    opened_at: datetime
    stages: tuple[StageEntry, ...]  # in the order entered
    classes: tuple[ClassGiven, ...] = ()
    closed_at: datetime | None = None
    won: bool | None = None  # None: still open

    @property
    def closed(self) -> bool:
        return self.won is not None and self.closed_at is not None


@dataclass(frozen=True)
class Point:
    """A deal at one moment: its features, its stage-table probability (0-1) then,
    its outcome (1 won, 0 lost; None for a live deal) and its share of the deal's weight."""
    deal_id: int
    at: datetime
    features: dict[str, str]
    stage_probability: float
    won: int | None
    weight: float


def band(value: float, bands) -> str:
    return next(label for bound, label in bands if bound is None or value < bound)


def amount_edges(amounts: Sequence[float]) -> tuple[float, ...]:
    """The quartile boundaries of the training deals' amounts (the amount bands)."""
    ordered = sorted(amounts)
    if not ordered:
        return ()
    edges = [ordered[min(len(ordered) - 1, (len(ordered) * q) // 4)] for q in (1, 2, 3)]
    return tuple(sorted(set(edges)))


def amount_band(amount: float, edges: Sequence[float]) -> str:
    """``"2 of 4"``-style labels: which quarter of the company's deal sizes."""
    return f"band {bisect_right(list(edges), amount) + 1} of {len(edges) + 1}"


def stage_at(deal: DealHistory, at: datetime) -> StageEntry | None:
    """The stage the deal was in at ``at``: its last entry up to then."""
    current = None
    for entry in deal.stages:
        if entry.at > at:
            break
        current = entry
    return current


def features_at(deal: DealHistory, at: datetime, edges: Sequence[float]) -> dict[str, str] | None:
    """What was known of the deal at ``at``; None when it had no open stage then."""
    entry = stage_at(deal, at)
    if entry is None or entry.outcome != "open":
        return None
    features = {
        "stage": f"{entry.methodology or deal.methodology}/{entry.stage}",
        "days_in_stage": band((at - entry.at).total_seconds() / 86400, DAYS_IN_STAGE_BANDS),
        "age": band((at - deal.opened_at).total_seconds() / 86400, AGE_BANDS),
        "methodology": deal.methodology,
        "segment": deal.segment or UNKNOWN,
        "source": deal.source or UNKNOWN,
        "industry": deal.industry or UNKNOWN,
        "amount_band": amount_band(deal.amount, edges),
    }
    for given in sorted(deal.classes, key=lambda c: c.at):
        if given.at <= at:  # the class answered last by then
            features[QUESTIONNAIRE + given.questionnaire] = given.score_class
    return features


def snapshot_times(deal: DealHistory) -> list[datetime]:
    """When a closed deal is looked at: a day after it opened, then weekly until it
    closed; at most MAX_POINTS of them, evenly spread over its life."""
    end = deal.closed_at
    times, at = [], deal.opened_at + FIRST_POINT
    while end is not None and at < end:
        times.append(at)
        at += POINT_EVERY
    if len(times) > MAX_POINTS:
        step = (len(times) - 1) / (MAX_POINTS - 1)
        times = [times[round(i * step)] for i in range(MAX_POINTS)]
    return times


def points_of(deal: DealHistory, edges: Sequence[float]) -> list[Point]:
    """A closed deal's snapshot points (none when it never stood in an open stage)."""
    seen = []
    for at in snapshot_times(deal):
        features = features_at(deal, at, edges)
        if features is not None:
            seen.append((at, features, stage_at(deal, at).probability / 100))
    won = int(bool(deal.won))
    return [Point(deal.deal_id, at, features, probability, won, 1 / len(seen))
            for at, features, probability in seen]


def live_point(deal: DealHistory, at: datetime, edges: Sequence[float]) -> Point | None:
    """An open deal as it stands at ``at`` (None: not in an open stage)."""
    features = features_at(deal, at, edges)
    if features is None:
        return None
    return Point(deal.deal_id, at, features, stage_at(deal, at).probability / 100, None, 1.0)


def factor_label(factor: str) -> str:
    if factor.startswith(QUESTIONNAIRE):
        return f"Questionnaire {factor[len(QUESTIONNAIRE):]}"
    return FACTOR_LABELS.get(factor, factor)
