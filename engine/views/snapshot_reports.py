"""The frozen values of the reports read from the daily snapshots (M17): the open
pipeline as of a past day, and the deal changes between two days ("what moved
since last week", Salesforce's deal changes) with their waterfall. Amounts are
per currency, never added across currencies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from engine.views.pipeline_analysis import ReportTable

#: what the as-of pipeline groups by: the columns a snapshot row keeps as they were
#: that day. Territory, industry, lead source and campaign live on the deal and its
#: partner card as they are *now*, so an as-of report does not group by them.
AS_OF_GROUPS = {"stage": "Stage", "category": "Forecast category", "methodology": "Methodology version",
                "segment": "Segment", "rep": "Rep", "team": "Team"}

#: the waterfall's steps, in the order they are drawn between the start and the end
STEPS = {"new": "New deals", "moved_in": "Moved in (reassigned)", "pulled_in": "Pulled in",
         "increased": "Amount increased", "decreased": "Amount decreased", "won": "Won", "lost": "Lost",
         "pushed": "Pushed out", "moved_out": "Moved out (reassigned)"}
#: every change a deal can show, the waterfall's steps first
CHANGES = {**STEPS, "stage_forward": "Stage moved forward", "stage_back": "Stage moved back",
           "category_up": "Category raised", "category_down": "Category lowered"}


@dataclass(frozen=True)
class AmountFigures:
    """One currency's open deals: how many, their amount and weighted amount."""

    currency: str
    deals: int
    amount: Decimal
    weighted: Decimal


@dataclass(frozen=True)
class AsOfGroup:
    key: str
    label: str
    deals: int
    currencies: tuple[AmountFigures, ...]


@dataclass(frozen=True)
class AsOfPipeline:
    """The open deals as the snapshot of ``day`` had them (``asked``: the day asked
    for; ``day`` is the latest day up to it with snapshots)."""

    asked: date
    day: date
    group_by: str
    group_label: str
    groups: tuple[AsOfGroup, ...]
    currencies: tuple[AmountFigures, ...]
    scope: str
    tables: tuple[ReportTable, ...] = ()

    @property
    def note(self) -> str:
        return snapshot_note(self.asked, self.day)


@dataclass(frozen=True)
class DealState:
    """A deal as one side of the comparison saw it."""

    stage: str  # the stage's name (its id when the methodology no longer names it)
    amount: Decimal
    currency: str
    category: str
    close_date: date | None


@dataclass(frozen=True)
class DealChange:
    """One deal that moved: its waterfall step (None: it stayed with the same
    amount, and changed only stage or category), every change it shows, and how
    it was at the start and at the end (None: not open in scope then)."""

    opportunity_id: int
    title: str
    owner: str
    step: str | None
    changes: tuple[str, ...]
    before: DealState | None
    after: DealState | None
    effects: tuple[tuple[str, str, Decimal], ...]  # (step, currency, signed amount) for the waterfall


@dataclass(frozen=True)
class ChangeCount:
    """One kind of change: how many deals, and per currency the amount — for a
    waterfall step its signed effect, for a stage or category change the deals'
    amounts at the end."""

    change: str
    label: str
    deals: int
    amounts: tuple[tuple[str, Decimal], ...]


@dataclass(frozen=True)
class WaterfallStep:
    """One bar of a currency's waterfall: ``start`` and ``end`` are totals, the rest
    move the running total from ``before`` to ``after``."""

    currency: str
    step: str  # start, a STEPS name, end
    label: str
    deals: int
    amount: Decimal  # the signed change (the total for start and end)
    before: Decimal
    after: Decimal


@dataclass(frozen=True)
class DealChanges:
    """What moved in the pipeline due by ``period_end`` between the snapshot of
    ``since`` and the snapshot of ``until`` (None: the live deals now)."""

    since_asked: date
    since: date
    until_asked: date | None
    until: date | None
    period: str
    period_end: date
    scope: str
    at: datetime
    start: tuple[AmountFigures, ...]
    end: tuple[AmountFigures, ...]
    counts: tuple[ChangeCount, ...]
    waterfall: tuple[WaterfallStep, ...]
    deals: tuple[DealChange, ...]
    tables: tuple[ReportTable, ...] = ()
    counted_to: date | None = None  # as_of, else the company's day at ``at`` (the file's name)

    @property
    def note(self) -> str:
        notes = [snapshot_note(self.since_asked, self.since)]
        if self.until_asked is not None and self.until is not None:
            notes.append(snapshot_note(self.until_asked, self.until))
        return " ".join(n for n in notes if n)


def snapshot_note(asked: date, day: date) -> str:
    """What a reader must know when the day asked for has no snapshot of its own."""
    if asked == day:
        return ""
    return (f"There is no snapshot of {asked.isoformat()} (the worker did not run that day); "
            f"the figures are those of {day.isoformat()}, the last day before it with one.")
