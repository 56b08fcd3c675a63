"""The frozen values of the pipeline analysis (M16) and the methodology comparison:
per group (stage, methodology version, segment, rep, team, territory, industry,
lead source) the deals, their amounts per currency — never added across
currencies — the weighted amounts, the win rate and the cycle length; per stage
of each methodology version how many deals reached it, how many went on and how
long they stayed; per lead source and campaign the won revenue and win rate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


#: what the pipeline analysis groups by, with each grouping's label: the one list the
#: service checks and the page and the command line offer
GROUPS = {"stage": "Stage", "methodology": "Methodology version", "segment": "Segment", "rep": "Rep",
          "team": "Team", "territory": "Territory", "industry": "Industry", "source": "Lead source",
          "campaign": "Campaign"}


@dataclass(frozen=True)
class CurrencyFigures:
    """One currency's sums over a group's deals."""

    currency: str
    open_amount: Decimal  # the open deals' amounts
    weighted: Decimal  # the open deals' amount x probability (their expected revenue)
    won_amount: Decimal
    lost_amount: Decimal
    won_average: Decimal | None  # the average won deal; None when none was won


@dataclass(frozen=True)
class Outcomes:
    """How a set of deals ended: the win rate is won / (won + lost), with its 95 %
    Wilson interval, so that a manager sees how much a rate over few deals says."""

    deals: int
    open: int
    won: int
    lost: int
    win_rate: float | None  # None: nothing closed yet
    interval_low: float | None
    interval_high: float | None
    median_cycle_days: float | None  # opened -> closed, closed deals only
    average_cycle_days: float | None


@dataclass(frozen=True)
class PipelineGroup:
    key: str
    label: str
    outcomes: Outcomes
    currencies: tuple[CurrencyFigures, ...]


@dataclass(frozen=True)
class StageFigures:
    """One stage of one methodology version, in funnel order: the deals in it now
    (with their open and weighted amounts per currency), the deals that ever
    entered it, how many of those went on to a later stage other than lost (the
    conversion), and how long finished stays in it lasted."""

    methodology_id: str
    version_label: str
    stage_id: str
    stage_name: str
    position: int
    outcome: str  # open, won, lost
    now_in: int
    currencies: tuple[CurrencyFigures, ...]
    reached: int
    advanced: int
    conversion: float | None  # advanced / reached; None for closing stages and stages nobody reached
    average_days_in_stage: float | None
    stays: int  # finished stays the average is taken over


@dataclass(frozen=True)
class SourceFigures:
    """Lead-source effectiveness: one source and campaign (from the deal, else its
    partner's card)."""

    source: str
    campaign: str
    outcomes: Outcomes
    won_revenue: tuple[CurrencyFigures, ...]


@dataclass(frozen=True)
class TrendPoint:
    """The open pipeline of one day and currency, as that day's snapshot (M17) had it."""

    day: date
    currency: str
    deals: int
    open_amount: Decimal
    weighted: Decimal


@dataclass(frozen=True)
class PipelineReport:
    group_by: str
    group_label: str
    groups: tuple[PipelineGroup, ...]
    stages: tuple[StageFigures, ...]
    sources: tuple[SourceFigures, ...]
    total: Outcomes
    currencies: tuple[CurrencyFigures, ...]
    scope: str  # every deal, the deals you manage, your deals
    at: datetime
    tables: tuple["ReportTable", ...] = ()  # the same numbers as rows: groups, stages, sources, trend
    trend: tuple[TrendPoint, ...] = ()  # the last TREND_DAYS snapshot days, oldest first


@dataclass(frozen=True)
class StageConversion:
    stage_id: str
    stage_name: str
    reached: int
    advanced: int
    conversion: float | None


@dataclass(frozen=True)
class MethodologyFigures:
    """One methodology version in one segment: the deals it ran to the end (a deal
    moved by a swap counts for the version it is in now)."""

    methodology_id: str
    version_label: str
    segment_id: str
    outcomes: Outcomes
    currencies: tuple[CurrencyFigures, ...]
    stages: tuple[StageConversion, ...]


@dataclass(frozen=True)
class SwapComparison:
    """A segment's deals opened before a swap of its methodology against those
    opened after it."""

    swap_id: int
    segment_id: str
    at: datetime
    from_label: str  # methodology@version
    to_label: str
    reversed: bool
    before: Outcomes
    after: Outcomes


@dataclass(frozen=True)
class MethodologyReport:
    rows: tuple[MethodologyFigures, ...]
    swaps: tuple[SwapComparison, ...]
    scope: str
    at: datetime
    tables: tuple["ReportTable", ...] = ()  # methodologies, conversions, swaps


@dataclass(frozen=True)
class ReportTable:
    """A report's numbers as rows and columns: what a chart draws, shown as a table
    beside it and written as CSV or XLSX. Cells are text, whole numbers, fractions
    (rates, days) or None (nothing to show)."""

    name: str  # groups, stages, sources, methodologies, swaps
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]


@dataclass(frozen=True)
class ReportFile:
    file_name: str
    media_type: str
    content: bytes
