"""Deal changes (M17, Salesforce's "deal changes"): what moved in the pipeline
between two days, and the waterfall from the start pipeline to the end one. Pure.

The pipeline compared is the open deals in the viewer's scope expected to close by
the end of a period (default: the fiscal quarter of the end day) — overdue deals
included, deals without a close date not. Each deal in it at the start or at the
end takes exactly one waterfall step, so that per currency

    start + new + moved in + pulled in + increased - decreased
          - won - lost - pushed out - moved out = end

    new         not in the start pipeline, opened on or after the start day
    moved in    not in it, opened before: reassigned into the scope
    pulled in   open in scope at the start, due after the period; due within it now
    increased   in both, a larger amount (decreased: a smaller one)
    won, lost   in the start pipeline, closed before the end (by its outcome)
    pushed      open at both, its close date moved beyond the period
    moved out   in the start pipeline, not open in scope at the end, not closed:
                reassigned out of the scope

Besides its step a deal may show a stage moved forward or back (by the stage's
position in its methodology version; a swap to another version is neither) and a
forecast category raised or lowered (commit above best case above pipeline above
omitted). A deal whose currency changed leaves in the old currency (decreased) and
comes back in the new one (increased).

The snapshot of day D is the pipeline as it stood when D began (the worker's first
sweep of the day), so a deal closed on D counts as closed before the snapshot of
D+1, not of D.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Iterable, Mapping

from engine.rules.forecast_categories import CATEGORIES
from engine.views.snapshot_reports import (CHANGES, STEPS, AmountFigures, ChangeCount, DealChange, DealState,
                                           WaterfallStep)

ZERO = Decimal("0.00")
_RANK = {c: len(CATEGORIES) - i for i, c in enumerate(CATEGORIES)}  # commit highest


@dataclass(frozen=True)
class Side:
    """A deal open in scope on one side (a snapshot row or the live deal)."""

    amount: Decimal
    currency: str
    stage_id: str | None
    version_id: int
    category: str
    close_date: date | None


@dataclass(frozen=True)
class Candidate:
    """A deal that may have moved: how the start and the end saw it (None: not open
    in scope then), and what it is now."""

    opportunity_id: int
    title: str
    owner: str
    before: Side | None
    after: Side | None
    status: str  # open, won, lost — now
    closed_on: date | None
    opened_on: date


def due(side: Side | None, period_end: date) -> bool:
    """Whether the deal is in the pipeline due by ``period_end`` (its last day)."""
    return side is not None and side.close_date is not None and side.close_date <= period_end


def step_of(c: Candidate, since: date, until: date | None, period_end: date) -> tuple[str | None, tuple]:
    """The deal's waterfall step and its effects ((step, currency, signed amount), ...);
    (None, ()) when it is in neither pipeline or kept its amount."""
    in_start, in_end = due(c.before, period_end), due(c.after, period_end)
    b, a = c.before, c.after
    if in_start and a is None:
        closed_before_end = c.status in ("won", "lost") and c.closed_on is not None and (
            until is None or c.closed_on < until)
        step = c.status if closed_before_end else "moved_out"
        return step, ((step, b.currency, -b.amount),)
    if in_start and not in_end:
        return "pushed", (("pushed", b.currency, -b.amount),)
    if in_end and not in_start:
        if b is not None:
            step = "pulled_in"
        else:
            step = "new" if c.opened_on >= since else "moved_in"
        return step, ((step, a.currency, a.amount),)
    if not in_start:
        return None, ()
    if a.currency != b.currency:
        return "increased", (("decreased", b.currency, -b.amount), ("increased", a.currency, a.amount))
    delta = a.amount - b.amount
    if delta > 0:
        return "increased", (("increased", a.currency, delta),)
    if delta < 0:
        return "decreased", (("decreased", a.currency, delta),)
    return None, ()


def other_changes(c: Candidate, positions: Mapping[tuple[int, str], int]) -> tuple[str, ...]:
    """Stage forward/back and category up/down, for a deal open at both sides."""
    b, a = c.before, c.after
    if b is None or a is None:
        return ()
    found = []
    if b.version_id == a.version_id and b.stage_id != a.stage_id:
        before, after = positions.get((b.version_id, b.stage_id or "")), positions.get((a.version_id, a.stage_id or ""))
        if before is not None and after is not None and before != after:
            found.append("stage_forward" if after > before else "stage_back")
    if b.category != a.category and b.category in _RANK and a.category in _RANK:
        found.append("category_up" if _RANK[a.category] > _RANK[b.category] else "category_down")
    return tuple(found)


def compare(candidates: Iterable[Candidate], *, since: date, until: date | None, period_end: date,
            positions: Mapping[tuple[int, str], int], stage_names: Mapping[tuple[int, str], str]
            ) -> tuple[DealChange, ...]:
    """The deals that moved, by id: each with its step and every change it shows.
    ``positions``/``stage_names``: (version id, stage id) -> position / name."""
    result = []
    for c in sorted(candidates, key=lambda c: c.opportunity_id):
        if not (due(c.before, period_end) or due(c.after, period_end)):
            continue  # in neither pipeline
        step, effects = step_of(c, since, until, period_end)
        others = other_changes(c, positions)
        changes = tuple(dict.fromkeys(([step] if step else []) + [e[0] for e in effects] + list(others)))
        if not changes:
            continue
        result.append(DealChange(c.opportunity_id, c.title, c.owner, step, changes,
                                 _state(c.before, stage_names), _state(c.after, stage_names), effects))
    return tuple(result)


def _state(side: Side | None, stage_names: Mapping[tuple[int, str], str]) -> DealState | None:
    if side is None:
        return None
    stage = stage_names.get((side.version_id, side.stage_id or ""), side.stage_id or "(no stage)")
    return DealState(stage, side.amount, side.currency, side.category, side.close_date)


def counts(deals: Iterable[DealChange]) -> tuple[ChangeCount, ...]:
    """Per kind of change, in CHANGES order, those that happened: how many deals and
    per currency the amount (waterfall steps: the signed effect; stage and category
    changes: the deals' amounts at the end)."""
    number: dict[str, int] = defaultdict(int)
    amounts: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for d in deals:
        for change in d.changes:
            number[change] += 1
            if change not in STEPS and d.after is not None:
                amounts[change][d.after.currency] += d.after.amount
        for step, currency, amount in d.effects:
            amounts[step][currency] += amount
    return tuple(ChangeCount(change, label, number[change], tuple(sorted(amounts[change].items())))
                 for change, label in CHANGES.items() if number[change])


def waterfall(start: Iterable[AmountFigures], end: Iterable[AmountFigures],
              deals: Iterable[DealChange]) -> tuple[WaterfallStep, ...]:
    """Per currency (alphabetically): the start total, each step that moved
    something (in STEPS order), the end total. The end is the end pipeline's own
    total; the steps add up to it (see the module's equation)."""
    starts = {f.currency: f for f in start}
    ends = {f.currency: f for f in end}
    moved: dict[tuple[str, str], list] = defaultdict(lambda: [0, ZERO])
    for d in deals:
        for step, currency, amount in d.effects:
            moved[(currency, step)][0] += 1
            moved[(currency, step)][1] += amount
    currencies = sorted(set(starts) | set(ends) | {c for c, _ in moved})
    bars = []
    for currency in currencies:
        first = starts.get(currency, AmountFigures(currency, 0, ZERO, ZERO))
        running = first.amount
        bars.append(WaterfallStep(currency, "start", "Start", first.deals, first.amount, ZERO, running))
        for step, label in STEPS.items():
            if (currency, step) not in moved:
                continue
            n, amount = moved[(currency, step)]
            bars.append(WaterfallStep(currency, step, label, n, amount, running, running + amount))
            running += amount
        last = ends.get(currency, AmountFigures(currency, 0, ZERO, ZERO))
        bars.append(WaterfallStep(currency, "end", "End", last.deals, last.amount, ZERO, last.amount))
    return tuple(bars)


def reconciles(bars: Iterable[WaterfallStep]) -> bool:
    """Whether every currency's steps lead from its start to its end total."""
    by: dict[str, list[WaterfallStep]] = defaultdict(list)
    for bar in bars:
        by[bar.currency].append(bar)
    return all(len(b) >= 2 and b[-2].after == b[-1].amount for b in by.values())
