"""What the deals lists return (issue 15): a page of rows, the sums per currency of
every deal that matches, and the choices the filters offer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class DealListRow:
    id: int
    title: str
    partner_id: int
    partner_name: str
    amount: Decimal
    currency: str
    stage_id: str | None
    stage_name: str | None
    methodology_version_id: int
    methodology_id: str
    owner: str
    segment_id: str
    status: str  # open, won, lost
    waiting: bool  # open, nothing to do until a timer fires
    probability: int
    expected_close_date: date | None
    next_action_at: datetime | None
    methodology_name: str | None = None  # as its version names it: shown instead of the id
    segment_name: str | None = None  # as the routing rules name it: shown instead of the id


@dataclass(frozen=True)
class CurrencySum:
    currency: str
    count: int
    amount: Decimal


@dataclass(frozen=True)
class DealListPage:
    rows: tuple[DealListRow, ...]
    total: int
    page: int
    per_page: int
    scope: str  # mine, team
    totals: tuple[CurrencySum, ...]  # over every matching deal, never across currencies
    filters: dict = field(default_factory=dict)  # the query string that gives this page again
    sort: str = "open_first"  # engine.rules.deal_query.DEFAULT_SORT
    descending: bool = False
    stages: tuple[tuple[str, str], ...] = ()  # (id, name) to filter by
    methodologies: tuple[str, ...] = ()
    methodology_choices: tuple[tuple[str, str], ...] = ()  # (id, name) to filter by: rules.methodology_labels
    owners: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    segment_choices: tuple[tuple[str, str], ...] = ()  # (id, name) to filter by
    may_see_team: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class RoutingPreview:
    """What opening a deal with these values would decide, before it is opened."""

    title: str
    partner: str
    partner_id: int | None
    partner_exists: bool  # False: opening it makes a new prospect of that name
    amount: Decimal
    currency: str
    attributes: dict
    segment_id: str
    segment_name: str
    methodology_id: str
    methodology_name: str
    version_label: str
    team: str
    owner: str
    owner_name: str
    round_robin: bool  # the owner is whoever is next in turn when the deal is opened
    expected_close_date: date
    # The methodology's start form (its process's start event's form fields): what
    # create_opportunity's ``start_form`` answers. FieldView (engine.views.opportunities).
    start_form: tuple = ()
    # Why segments before the chosen one did not take the deal though their condition
    # held: an amount threshold in another currency (engine.rules.routing.route).
    routing_notes: tuple[str, ...] = ()
