"""The forecast of a period (M15), pure: what each person's deals add up to, per
currency — closed won (won deals closed in the period), commit, best case and
pipeline (open deals expected to close in the period, by forecast category:
engine.rules.forecast_categories), weighted (amount x probability of those open
deals, omitted ones left out) — a manager's adjustments beside the figures, and
progress against quota. Figures are never added across currencies.

Rolled up the hierarchy with engine.rules.hierarchy.rollup: a manager's rollup is
their own deals plus everyone's below them, each person once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, Mapping

from engine.rules import money
from engine.rules.forecast_categories import BEST_CASE, COMMIT, OMITTED, PIPELINE
from engine.rules.periods import Period

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
ADJUSTABLE = (COMMIT, BEST_CASE, PIPELINE)


@dataclass(frozen=True)
class Figures:
    """One person's (or a rollup's) forecast in one currency."""

    closed_won: Decimal = ZERO
    commit: Decimal = ZERO
    best_case: Decimal = ZERO
    pipeline: Decimal = ZERO
    weighted: Decimal = ZERO
    deals: int = 0  # deals counted (won in the period, or open and expected in it, not omitted)

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(self.closed_won + other.closed_won, self.commit + other.commit,
                       self.best_case + other.best_case, self.pipeline + other.pipeline,
                       self.weighted + other.weighted, self.deals + other.deals)

    def rounded(self) -> "Figures":
        """Weighted amounts are exact until shown: cents then (engine.rules.money)."""
        return replace(self, weighted=money.cents(self.weighted))

    def adjusted(self, adjustments: Mapping[str, Decimal]) -> "Figures":
        """These figures with a manager's amount in place of each adjusted category."""
        return replace(self, **{c: a for c, a in adjustments.items() if c in ADJUSTABLE})


@dataclass(frozen=True)
class DealFacts:
    """A deal as the forecast sees it; ``category`` of an open deal (category_of)."""

    owner_id: int
    currency: str
    amount: Decimal
    probability: int
    status: str  # open, won, lost
    closed_on: date | None  # the company's day it closed (engine.rules.time_zones)
    expected_close_date: date | None
    category: str | None


ByCurrency = dict[str, Figures]


def own_figures(deals: Iterable[DealFacts], period: Period) -> dict[int, ByCurrency]:
    """Each owner's figures per currency over the deals that count in ``period``."""
    result: dict[int, ByCurrency] = {}
    for deal in deals:
        add = _counted(deal, period)
        if add is None:
            continue
        mine = result.setdefault(deal.owner_id, {})
        mine[deal.currency] = mine.get(deal.currency, Figures()) + add
    return result


def _counted(deal: DealFacts, period: Period) -> Figures | None:
    if deal.status == "won":
        return Figures(closed_won=deal.amount, deals=1) if deal.closed_on and period.contains(deal.closed_on) \
            else None
    if deal.status != "open" or not deal.expected_close_date or not period.contains(deal.expected_close_date):
        return None
    if deal.category == OMITTED or deal.category not in ADJUSTABLE:
        return None
    weighted = money.weighted(deal.amount, deal.probability)
    return replace(Figures(weighted=weighted, deals=1), **{deal.category: deal.amount})


def add_currencies(a: ByCurrency, b: ByCurrency) -> ByCurrency:
    """Two people's figures together, currency by currency (never across)."""
    total = dict(a)
    for currency, figures in b.items():
        total[currency] = total.get(currency, Figures()) + figures
    return total


def progress(closed_won: Decimal, quota: Decimal | None) -> int | None:
    """Closed won as a whole percent of quota (None without a quota above 0)."""
    if quota is None or quota <= 0:
        return None
    return int((closed_won * 100 / quota).to_integral_value(ROUND_HALF_UP))
