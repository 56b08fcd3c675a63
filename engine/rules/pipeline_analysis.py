"""Pipeline analysis (M16) and the methodology comparison, as pure sums over the
grouped totals the database gives (engine.store.pipeline_analysis): a report over
100,000 deals handles a few hundred rows here.

Definitions, so that every screen says the same:

    win rate        won / (won + lost), over closed deals only, with the 95 % Wilson
                    score interval (Wilson 1927), which stays inside 0..1 and is honest
                    for small counts, where the normal approximation is not. Rates
                    keep their precision here; screens, files and the API round once
    cycle length    days from opened to closed, closed deals only: the average
                    everywhere, the median where the per-deal days were read
    weighted        the open deals' amount x probability (their expected revenue)
    amounts         per currency, never added across currencies
    reached         a stage: the deals whose stage history enters it
    advanced        of those, the deals that later entered a later stage of the same
                    methodology version other than a lost one (won counts)
    time in stage   finished stays only (entered, then left), averaged; a deal still
                    in its stage is in ``now_in``
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from statistics import median
from typing import Callable, Iterable, Mapping

from engine.rules import money
from engine.views.pipeline_analysis import (CurrencyFigures, Outcomes, PipelineGroup, SourceFigures,
                                            StageConversion, StageFigures)

Z95 = 1.959963984540054  # the two-sided 95 % normal quantile
NONE = "(none)"  # the label of deals without the attribute grouped by
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Total:
    """The deals of one group key, status and currency, summed by the database."""

    key: tuple
    status: str  # open, won, lost
    currency: str
    deals: int
    amount: Decimal
    weighted: Decimal
    cycle_days: float  # summed over the row's closed deals


@dataclass(frozen=True)
class StageTotal:
    """One stage of one version (and segment) in the stage history."""

    key: tuple  # (version id, stage id[, segment])
    reached: int
    stays: int
    stay_days: float
    advanced: int


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


def outcomes(totals: Iterable[Total], cycle_days: Iterable[float] | None = None, *,
             median_days: float | None = None) -> Outcomes:
    """``cycle_days``: each closed deal's days, when read (for the median); or
    ``median_days``, their median as the database found it."""
    deals = won = lost = 0
    days = 0.0
    for t in totals:
        deals += t.deals
        if t.status == "won":
            won += t.deals
        elif t.status == "lost":
            lost += t.deals
        if t.status != "open":
            days += t.cycle_days
    closed = won + lost
    interval = wilson(won, closed)
    each = sorted(cycle_days) if cycle_days is not None else []
    return Outcomes(
        deals=deals, open=deals - closed, won=won, lost=lost, win_rate=won / closed if closed else None,
        interval_low=interval[0] if interval else None, interval_high=interval[1] if interval else None,
        median_cycle_days=round(median(each), 1) if each else (
            round(median_days, 1) if median_days is not None else None),
        average_cycle_days=round(days / closed, 1) if closed else None)


def currency_figures(totals: Iterable[Total]) -> tuple[CurrencyFigures, ...]:
    """One row per currency, in alphabetical order."""
    sums: dict[str, list] = defaultdict(lambda: [ZERO, ZERO, ZERO, ZERO, 0])
    for t in totals:
        row = sums[t.currency]
        if t.status == "open":
            row[0] += t.amount
            row[1] += t.weighted
        elif t.status == "won":
            row[2] += t.amount
            row[4] += t.deals
        elif t.status == "lost":
            row[3] += t.amount
    return tuple(CurrencyFigures(currency, open_, money.cents(weighted), won, lost,
                                 (won / count).quantize(Decimal("0.01")) if count else None)
                 for currency, (open_, weighted, won, lost, count) in sorted(sums.items()))


def by_key(totals: Iterable[Total], key: Callable[[tuple], tuple] = lambda k: k) -> dict[tuple, list[Total]]:
    members: dict[tuple, list[Total]] = defaultdict(list)
    for t in totals:
        members[key(t.key)].append(t)
    return members


def groups(totals: Iterable[Total], label: Callable[[tuple], tuple[str, str]],
           order: Callable[[PipelineGroup], tuple] | None = None) -> tuple[PipelineGroup, ...]:
    """One group per key (``label`` gives its key text and label); most deals
    first unless ``order`` says otherwise."""
    merged: dict[tuple[str, str], list[Total]] = defaultdict(list)
    for key, members in by_key(totals).items():
        merged[label(key)] += members
    result = [PipelineGroup(key, text, outcomes(members), currency_figures(members))
              for (key, text), members in merged.items()]
    return tuple(sorted(result, key=order or (lambda g: (-g.outcomes.deals, g.label))))


def sources(totals: Iterable[Total]) -> tuple[SourceFigures, ...]:
    """Per lead source and campaign (``Total.key``): won revenue per currency and
    win rate, the sources that won most deals first."""
    rows = [SourceFigures(source or NONE, campaign or NONE, outcomes(members), currency_figures(members))
            for (source, campaign), members in by_key(totals).items()]
    return tuple(sorted(rows, key=lambda s: (-s.outcomes.won, -(s.outcomes.win_rate or 0), s.source, s.campaign)))


def stage_figures(history: Iterable[StageTotal], now_in: Iterable[Total],
                  versions: Mapping[int, VersionInfo]) -> tuple[StageFigures, ...]:
    """Per methodology version and stage, in funnel order: deals in it now (the
    "stage" grouping's totals, keyed (version id, stage id)), reached, advanced,
    conversion, average finished stay. Stages nobody reached nor sits in are left out."""
    reached = {t.key[:2]: t for t in history}
    present = by_key(now_in, lambda k: k[:2])
    rows = []
    for vid, version in sorted(versions.items(), key=lambda item: (item[1].methodology_id, item[1].label)):
        for stage in version.stages:
            key = (vid, stage.stage_id)
            seen, here = reached.get(key), present.get(key, [])
            if seen is None and not here:
                continue
            n_reached, n_advanced = (seen.reached, seen.advanced) if seen else (0, 0)
            rows.append(StageFigures(
                methodology_id=version.methodology_id, version_label=version.label, stage_id=stage.stage_id,
                stage_name=stage.name, position=stage.position, outcome=stage.outcome,
                now_in=sum(t.deals for t in here), currencies=currency_figures(here), reached=n_reached,
                advanced=n_advanced,
                conversion=n_advanced / n_reached if stage.outcome == "open" and n_reached else None,
                average_days_in_stage=round(seen.stay_days / seen.stays, 1) if seen and seen.stays else None,
                stays=seen.stays if seen else 0))
    return tuple(rows)


def conversions(history: Iterable[StageTotal], version: VersionInfo) -> tuple[StageConversion, ...]:
    """The open stages of one version in funnel order, from its stage totals."""
    reached = {t.key[1]: t for t in history}
    return tuple(StageConversion(s.stage_id, s.name, reached[s.stage_id].reached, reached[s.stage_id].advanced,
                                 reached[s.stage_id].advanced / reached[s.stage_id].reached
                                 if reached[s.stage_id].reached else None)
                 for s in version.stages if s.outcome == "open" and s.stage_id in reached)


def positions(versions: Mapping[int, VersionInfo]) -> dict[tuple[int, str], tuple[int, str]]:
    """(version id, stage id) -> (position, outcome), as the store's query needs it."""
    return {(vid, s.stage_id): (s.position, s.outcome) for vid, v in versions.items() for s in v.stages}
