"""The frozen values of the lost-deal report (M13): per methodology version, where
deals died (the stage before lost) and why (reason codes), with the amounts lost
per currency and each deal with the work done on it before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class LostFilters:
    since: date | None = None  # closed on or after this day (UTC)
    until: date | None = None  # closed on or before this day (UTC)
    methodology: str | None = None
    segment: str | None = None
    rep: str | None = None


@dataclass(frozen=True)
class Amount:
    """A sum in one currency: amounts are never added across currencies."""

    currency: str
    total: Decimal


@dataclass(frozen=True)
class CountRow:
    """One bar: ``key`` (a stage id, reason code, rep or segment), its label, how
    many deals and their amounts."""

    key: str | None
    label: str
    count: int
    amounts: tuple[Amount, ...] = ()


@dataclass(frozen=True)
class MatrixCell:
    stage_id: str | None
    reason_code: str | None
    count: int


@dataclass(frozen=True)
class MethodologyLosses:
    """The losses of one methodology version."""

    methodology_id: str
    version_label: str
    count: int
    amounts: tuple[Amount, ...]
    by_stage: tuple[CountRow, ...]  # the stage before lost, in funnel order
    by_reason: tuple[CountRow, ...]  # most frequent first; key None: reason missing
    matrix: tuple[MatrixCell, ...]  # stage x reason, the cells with deals
    median_days_open: int | None


@dataclass(frozen=True)
class WorkDone:
    """What was done on a lost deal before: a completed task or suggested activity
    (source inbox), or a done call, meeting, e-mail or visit (source partner)."""

    source: str
    kind: str
    name: str
    done_at: datetime | None
    by: str | None
    note: str


@dataclass(frozen=True)
class LostDeal:
    id: int
    title: str
    partner_name: str
    owner: str
    segment_id: str
    methodology_id: str
    version_label: str
    amount: Decimal
    currency: str
    stage_before_id: str | None
    stage_before_name: str
    reason_code: str | None  # None: lost by the process without a reason
    reason_label: str
    reason: str | None  # the free text beside the code
    opened_at: datetime
    closed_at: datetime
    days_open: int
    work: tuple[WorkDone, ...]


@dataclass(frozen=True)
class LostReport:
    filters: LostFilters
    count: int
    amounts: tuple[Amount, ...]
    methodologies: tuple[MethodologyLosses, ...]
    by_rep: tuple[CountRow, ...]
    by_segment: tuple[CountRow, ...]
    deals: tuple[LostDeal, ...]
    missing_reasons: int  # deals lost without a reason
    everything: bool  # the viewer sees every deal (else those they manage)


@dataclass(frozen=True)
class LossPreview:
    """What closing a deal as lost will record: the confirmation step's facts."""

    opportunity_id: int
    title: str
    reason_code: str
    reason_label: str
    reason: str | None
    stage_id: str
    stage_name: str
