"""The frozen values of the early warnings (M18): one warning as its viewer sees it,
the manager's board grouped by rep and rule, a sweep's counts and a digest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class WarningView:
    """A warning: the deal it is about, the rule (``rule`` a stable code, ``rule_label``
    for people), what is wrong and what to do; who acknowledged it and when; when it
    cleared (None: its cause is still there). ``may_acknowledge``: for the viewer."""

    id: int
    opportunity_id: int
    deal_title: str
    partner_name: str
    owner: str
    owner_name: str
    rule: str
    rule_label: str
    message: str
    advice: str
    fired_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    cleared_at: datetime | None
    may_acknowledge: bool


@dataclass(frozen=True)
class RuleGroup:
    rule: str
    label: str
    warnings: tuple[WarningView, ...]


@dataclass(frozen=True)
class RepGroup:
    owner: str
    owner_name: str
    count: int
    rules: tuple[RuleGroup, ...]


@dataclass(frozen=True)
class WarningBoard:
    """The dashboard: the viewer's warnings grouped by rep (the deal's owner), then by
    rule, newest first within a rule. ``everything``: the viewer sees every deal's.
    One page of them (``page`` of ``pages``, ``per_page`` each, in rep order);
    ``total`` and ``unacknowledged`` count them all. A rep may go on on the next page."""

    total: int
    unacknowledged: int
    reps: tuple[RepGroup, ...]
    everything: bool
    page: int = 1
    per_page: int = 500
    pages: int = 1


@dataclass(frozen=True)
class WarningPage:
    """One page of the viewer's warnings, newest first, and how many there are in all."""

    warnings: tuple[WarningView, ...]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class SweepReport:
    """What one sweep did: deals looked at, warnings raised (new causes, and old ones
    back again), cleared (their cause went away), and how many are open now."""

    deals: int
    fired: int
    cleared: int
    open: int


@dataclass(frozen=True)
class DigestView:
    """One user's daily digest: the text, how many warnings, and where it went
    (``sent_to``: an e-mail address; None: kept in the app)."""

    username: str
    day: str
    text: str
    count: int
    sent_to: str | None
