"""Pipeline analysis (M16) and the methodology comparison, as pure sums over plain
facts: the deals (one ``DealFacts`` each) and their stage history (``Step``s).

Definitions, so that every screen says the same:

    win rate        won / (won + lost), over closed deals only (rates keep their
                    precision here: screens, files and the API round them once); with the 95 % Wilson
                    score interval (Wilson 1927), which stays inside 0..1 and is honest
                    for small counts, where the normal approximation is not
    cycle length    days from opened to closed, closed deals only
    weighted        the open deals' amount x probability (their expected revenue)
    amounts         per currency, never added across currencies
    reached         a stage: the deals whose history enters it (or that sit in it now)
    advanced        of those, the deals that later entered a later stage of the same
                    methodology version other than a lost one (won counts)
    time in stage   finished stays only (entered, then left); a deal still in its stage
                    is in ``now_in``, not in the median
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from statistics import median
from typing import Callable, Iterable, Mapping

from engine.views.pipeline_analysis import (CurrencyFigures, Outcomes, PipelineGroup, SourceFigures,
                                            StageConversion, StageFigures)

Z95 = 1.959963984540054  # the two-sided 95 % normal quantile
NONE = "(none)"  # the label of deals without the attribute grouped by
DAY = 86400.0


@dataclass(frozen=True)
class DealFacts:
    id: int
    status: str  # open, won, lost
    currency: str
    amount: Decimal
    weighted: Decimal
    opened_at: datetime
    closed_at: datetime | None
    version_id: int
    stage_id: str | None
    keys: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # group -> (key, label)


@dataclass(frozen=True)
class Step:
    """A deal entered ``stage_id`` (of methodology version ``version_id``) at ``at``."""

    deal_id: int
    version_id: int
    stage_id: str
    at: datetime


@dataclass(frozen=True)
class StageInfo:
    stage_id: str
    name: str
    position: int
    outcome: str  # open, won, lost


@dataclass(frozen=True)
class VersionInfo:
    methodology_id: str
    label: str
    stages: tuple[StageInfo, ...]  # in funnel order


def wilson(successes: int, trials: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion; None over no trials."""
    if trials <= 0:
        return None
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def outcomes(deals: Iterable[DealFacts]) -> Outcomes:
    deals = list(deals)
    won = sum(1 for d in deals if d.status == "won")
    lost = sum(1 for d in deals if d.status == "lost")
    cycles = [cycle_days(d) for d in deals if d.status != "open" and d.closed_at is not None]
    interval = wilson(won, won + lost)
    return Outcomes(
        deals=len(deals), open=len(deals) - won - lost, won=won, lost=lost,
        win_rate=won / (won + lost) if won + lost else None,
        interval_low=interval[0] if interval else None,
        interval_high=interval[1] if interval else None,
        median_cycle_days=round(median(cycles), 1) if cycles else None,
        average_cycle_days=round(sum(cycles) / len(cycles), 1) if cycles else None)


def cycle_days(deal: DealFacts) -> float:
    return max((deal.closed_at - deal.opened_at).total_seconds(), 0.0) / DAY  # type: ignore[operator]


def currency_figures(deals: Iterable[DealFacts]) -> tuple[CurrencyFigures, ...]:
    """One row per currency, in alphabetical order."""
    sums: dict[str, list] = defaultdict(lambda: [Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), 0])
    for d in deals:
        row = sums[d.currency]
        if d.status == "open":
            row[0] += d.amount
            row[1] += d.weighted
        elif d.status == "won":
            row[2] += d.amount
            row[4] += 1
        elif d.status == "lost":
            row[3] += d.amount
    return tuple(CurrencyFigures(currency, open_, weighted, won, lost,
                                 (won / count).quantize(Decimal("0.01")) if count else None)
                 for currency, (open_, weighted, won, lost, count) in sorted(sums.items()))


def groups(deals: Iterable[DealFacts], group_by: str,
           order: Callable[[PipelineGroup], tuple] | None = None) -> tuple[PipelineGroup, ...]:
    """The deals per value of ``group_by`` (a key of ``DealFacts.keys``); most deals
    first unless ``order`` says otherwise."""
    members: dict[tuple[str, str], list[DealFacts]] = defaultdict(list)
    for d in deals:
        members[d.keys.get(group_by, (NONE, NONE))].append(d)
    result = [PipelineGroup(key, label, outcomes(group), currency_figures(group))
              for (key, label), group in members.items()]
    return tuple(sorted(result, key=order or (lambda g: (-g.outcomes.deals, g.label))))


def sources(deals: Iterable[DealFacts]) -> tuple[SourceFigures, ...]:
    """Per lead source and campaign: won revenue (per currency) and win rate, the
    sources that won most deals first."""
    members: dict[tuple[str, str], list[DealFacts]] = defaultdict(list)
    for d in deals:
        members[(d.keys.get("source", (NONE, NONE))[1], d.keys.get("campaign", (NONE, NONE))[1])].append(d)
    rows = [SourceFigures(source, campaign, outcomes(group), currency_figures(group))
            for (source, campaign), group in members.items()]
    return tuple(sorted(rows, key=lambda s: (-s.outcomes.won, -(s.outcomes.win_rate or 0), s.source, s.campaign)))


def stage_figures(deals: Iterable[DealFacts], steps: Iterable[Step],
                  versions: Mapping[int, VersionInfo]) -> tuple[StageFigures, ...]:
    """Per methodology version and stage, in funnel order (see the module's
    docstring): deals in it now, reached, advanced, conversion, time in stage."""
    deals = list(deals)
    history: dict[int, list[Step]] = defaultdict(list)
    for step in steps:
        history[step.deal_id].append(step)
    position = {(vid, s.stage_id): s for vid, v in versions.items() for s in v.stages}
    reached: dict[tuple[int, str], set[int]] = defaultdict(set)
    advanced: dict[tuple[int, str], set[int]] = defaultdict(set)
    stays: dict[tuple[int, str], list[float]] = defaultdict(list)
    for d in deals:
        path = sorted(history.get(d.id, ()), key=lambda s: s.at)
        if d.stage_id is not None and not any(s.version_id == d.version_id and s.stage_id == d.stage_id
                                              for s in path):
            path.append(Step(d.id, d.version_id, d.stage_id, d.closed_at or d.opened_at))
        for i, step in enumerate(path):
            key = (step.version_id, step.stage_id)
            reached[key].add(d.id)
            if i + 1 < len(path):
                stays[key].append((path[i + 1].at - step.at).total_seconds() / DAY)
            here = position.get(key)
            if here is None or here.outcome != "open":
                continue
            for later in path[i + 1:]:
                there = position.get((later.version_id, later.stage_id))
                if (later.version_id == step.version_id and there is not None and there.position > here.position
                        and there.outcome != "lost"):
                    advanced[key].add(d.id)
                    break
    now_in: dict[tuple[int, str], list[DealFacts]] = defaultdict(list)
    for d in deals:
        if d.stage_id is not None:
            now_in[(d.version_id, d.stage_id)].append(d)
    rows = []
    for vid, version in sorted(versions.items(), key=lambda item: (item[1].methodology_id, item[1].label)):
        for stage in version.stages:
            key = (vid, stage.stage_id)
            if not reached[key] and not now_in[key]:
                continue
            n_reached, n_advanced = len(reached[key]), len(advanced[key])
            rows.append(StageFigures(
                methodology_id=version.methodology_id, version_label=version.label, stage_id=stage.stage_id,
                stage_name=stage.name, position=stage.position, outcome=stage.outcome, now_in=len(now_in[key]),
                currencies=currency_figures(now_in[key]), reached=n_reached, advanced=n_advanced,
                conversion=n_advanced / n_reached if stage.outcome == "open" and n_reached else None,
                median_days_in_stage=round(median(stays[key]), 1) if stays[key] else None,
                stays=len(stays[key])))
    return tuple(rows)


def conversions(stages: Iterable[StageFigures]) -> tuple[StageConversion, ...]:
    return tuple(StageConversion(s.stage_id, s.stage_name, s.reached, s.advanced, s.conversion)
                 for s in stages if s.outcome == "open")

