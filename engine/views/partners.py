"""What the partner use cases return (M10): a partner's card with its contacts, deals,
history and credit position, and a page of the partner list. Frozen, plain values:
the web pages, the JSON API and the command line read only these."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class PartnerContactView:
    """A contact person of a partner (a deal's buying center can name them)."""

    id: int
    partner_id: int
    name: str
    function: str
    email: str | None
    phone: str | None
    active: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class PartnerDealView:
    """One of the partner's deals, as its card lists it."""

    id: int
    title: str
    stage_name: str | None
    status: str  # open, won, lost
    amount: Decimal
    currency: str
    probability: int
    owner: str | None
    closed_at: datetime | None
    lost_reason: str | None


@dataclass(frozen=True)
class PartnerEventView:
    """One entry of the partner's history; ``text`` says it as a sentence
    ("anna changed the credit limit from 10000.00 to 20000.00")."""

    kind: str
    at: datetime
    actor: str | None
    opportunity_id: int | None
    data: dict
    text: str


@dataclass(frozen=True)
class CreditView:
    """The partner's credit position (``engine.rules.partners.credit_position``):
    balance plus its open deals in the partner's currency, against the limit.
    ``other_currencies``: currencies of open deals that were not summed."""

    limit: Decimal | None  # None: no limit
    currency: str
    balance: Decimal
    open_amount: Decimal
    exposure: Decimal
    over: bool
    other_currencies: tuple[str, ...]
    warning: str | None


@dataclass(frozen=True)
class PartnerView:
    """A business partner's card with its contacts, deals and history. ``may_edit``
    and ``may_hand_over`` are what ``engine.rules.policy`` decides for the viewer."""

    id: int
    kind: str  # prospect, customer, reseller, supplier
    name: str
    tax_id: str | None
    regon: str | None
    email: str | None
    phone: str | None
    website: str | None
    street: str | None
    postal_code: str | None
    city: str | None
    country: str | None
    addresses: tuple[dict, ...]
    territory: str | None
    channel: str | None
    industry: str | None
    source: str | None
    campaign: str | None
    owner: str | None  # username
    owner_name: str | None  # display name
    balance: Decimal
    credit_limit: Decimal | None
    currency: str
    status: str  # active, archived
    archived_at: datetime | None
    notes: str
    created_at: datetime
    became_customer_at: datetime | None
    became_customer_by: str | None
    became_customer_opportunity_id: int | None
    credit: CreditView
    contacts: tuple[PartnerContactView, ...] = ()
    open_deals: tuple[PartnerDealView, ...] = ()
    closed_deals: tuple[PartnerDealView, ...] = ()
    history: tuple[PartnerEventView, ...] = ()
    may_edit: bool = False
    may_hand_over: bool = False


@dataclass(frozen=True)
class PartnerSummary:
    """One row of the partner list (and of a saved list's export)."""

    id: int
    kind: str
    name: str
    tax_id: str | None
    email: str | None
    phone: str | None
    city: str | None
    country: str | None
    territory: str | None
    channel: str | None
    industry: str | None
    source: str | None
    owner: str | None
    owner_name: str | None
    status: str
    open_deals: int
    created_at: datetime


@dataclass(frozen=True)
class PartnerChoices:
    """The values the list's filters offer, among the partners the viewer sees."""

    kinds: tuple[str, ...]
    territories: tuple[str, ...]
    channels: tuple[str, ...]
    industries: tuple[str, ...]
    sources: tuple[str, ...]
    owners: tuple[tuple[str, str], ...]  # (username, display name)


@dataclass(frozen=True)
class PartnerListPage:
    """One page of the partner list. ``filters``: the criteria applied, as the query
    string writes them (``PartnerCriteria.as_query``)."""

    items: tuple[PartnerSummary, ...]
    total: int
    page: int
    per_page: int
    filters: dict = field(default_factory=dict)
    choices: PartnerChoices | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))
