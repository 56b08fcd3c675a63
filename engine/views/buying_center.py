"""What the buying-center use cases return: frozen, plain values (see engine.views)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class RoleView:
    """One of the methodology's buying-center roles."""

    id: str
    name: str
    description: str


@dataclass(frozen=True)
class RelationshipKindView:
    id: str
    label: str
    category: str  # formal, informal
    directed: bool  # A reports to / listens to B; friends and former colleagues go both ways


@dataclass(frozen=True)
class ContactView:
    """A person of the customer's buying center."""

    id: int
    opportunity_id: int
    name: str
    job_title: str
    role: str | None  # a role id of the methodology, or None
    role_name: str | None  # the role's name (the id itself if the methodology no longer has it)
    influence: int  # 1..5
    attitude: str  # supporter, neutral, opponent
    notes: str
    created_at: datetime
    updated_at: datetime
    partner_contact_id: int | None = None  # the partner's contact person this is, if any


@dataclass(frozen=True)
class RelationshipView:
    """``from_contact`` relates to ``to_contact``: reports to, listens to, ..."""

    id: int
    opportunity_id: int
    from_contact: int
    from_name: str
    to_contact: int
    to_name: str
    kind: str
    kind_label: str
    category: str  # formal, informal
    strength: int  # 1..5
    created_at: datetime


@dataclass(frozen=True)
class BuyingCenterView:
    """An opportunity's buying center: its people, how they relate, the roles its
    methodology offers, and the diagram (SVG text, every name escaped, no scripts)."""

    opportunity_id: int
    editable: bool  # False once the deal is won or lost: kept as it was at the close
    contacts: tuple[ContactView, ...]
    relationships: tuple[RelationshipView, ...]
    roles: tuple[RoleView, ...]
    kinds: tuple[RelationshipKindView, ...]
    attitudes: tuple[str, ...]
    svg: str
    may_edit: bool = False  # the viewer may change it (policy.may_edit_buying_center), while editable

    @property
    def roles_identified(self) -> frozenset[str]:
        return frozenset(c.role for c in self.contacts if c.role)
