"""The frozen values of quotas (M14): a period, a quota in force, a split (draft or
a committed version) with its lines and the add-up warning, and the sheet a
manager splits their quota on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class PeriodView:
    name: str  # 2027-Q1, FY2027, 2027-03
    kind: str  # month, quarter, year
    start: date
    last_day: date
    previous: str
    next: str


@dataclass(frozen=True)
class QuotaView:
    """A person's quota in force: ``source`` says where it comes from (a ``set``
    from above or their manager's ``split``) and which version."""

    username: str
    display_name: str
    amount: Decimal
    currency: str
    source: str  # set, split
    version: int
    from_user: str  # whose record: the person (set) or their manager (split)


@dataclass(frozen=True)
class SplitLine:
    username: str
    display_name: str
    amount: Decimal


@dataclass(frozen=True)
class SplitView:
    """A split of ``manager``'s quota among their direct reports (or, ``kind`` set,
    a quota set on ``manager`` from above, with one line)."""

    kind: str
    manager: str
    period: PeriodView
    status: str  # draft, committed
    version: int | None
    currency: str
    lines: tuple[SplitLine, ...]
    total: Decimal
    note: str
    author: str
    created_at: datetime
    warning: str | None  # the parts do not add up to the manager's quota


@dataclass(frozen=True)
class ReportRow:
    """A direct report on the split sheet: their quota in force, and their part in
    the viewer's draft (None when the draft gives them none)."""

    username: str
    display_name: str
    is_manager: bool
    quota: QuotaView | None
    draft_amount: Decimal | None


@dataclass(frozen=True)
class QuotaSheet:
    period: PeriodView
    fiscal_year_start_month: int
    manager: str | None  # whose split the sheet shows (None: the viewer has nothing to split or see)
    manager_display_name: str
    manager_quota: QuotaView | None
    reports: tuple[ReportRow, ...]
    draft: SplitView | None  # the viewer's own draft, shown to nobody else
    history: tuple[SplitView, ...]  # committed versions, newest first
    managers: tuple[str, ...]  # the managers whose splits the viewer may open
    may_split: bool
    may_set: bool  # whether the viewer may set the manager's own quota
    own_quota: QuotaView | None  # the viewer's quota in force
