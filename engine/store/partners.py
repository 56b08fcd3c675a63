"""Business partners in the database: finding the one a name or a lead means (by the
lead import's duplicate keys), creating one, locking one for a change, and the
partner's history."""

from __future__ import annotations

from datetime import datetime
from typing import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import NotFoundError
from engine.rules.leads.duplicates import FREE_MAIL, company_name
from engine.rules.leads.folding import words
from engine.store.db import hold_sqlite_writes
from engine.store.partner_models import Partner, PartnerEvent

# The deal attributes a new partner takes over from the deal that created it.
CARD_ATTRIBUTES = ("territory", "channel", "industry", "source", "campaign")


def name_city_key(name: str, city: str | None) -> str:
    """The name + city duplicate key, as ``engine.rules.leads.duplicates.keys`` writes it."""
    return f"{company_name(name) or name.strip().casefold()} | {' '.join(words(city or ''))}"


def email_domain(email: str | None) -> str | None:
    """The domain that identifies a company, or None for a free-mail address."""
    if not email or "@" not in email:
        return None
    domain = email.rpartition("@")[2].lower()
    return None if domain in FREE_MAIL else domain


def lock_partner(session: Session, partner_id: int, *, missing: str | None = None) -> Partner:
    """The partner, row-locked (SQLite: the write lock), its columns as stored once held."""
    hold_sqlite_writes(session)
    row = session.scalar(select(Partner).where(Partner.id == partner_id).with_for_update()
                         .execution_options(populate_existing=True))
    if row is None:
        raise NotFoundError(missing or f"no partner {partner_id}")
    return row


def partner_named(session: Session, name: str, city: str | None = None) -> Partner | None:
    """The oldest active partner whose name (and city, when given) fold to ``name``'s."""
    key = name_city_key(name, city)
    query = select(Partner).where(Partner.status == "active")
    if city:
        query = query.where(Partner.name_city_key == key)
    else:
        query = query.where(Partner.name_city_key.startswith(key.rstrip(), autoescape=True))
    return session.scalar(query.order_by(Partner.id).limit(1))


def add_partner(session: Session, *, name: str, kind: str = "prospect", owner_id: int | None,
                actor_id: int | None, now: datetime, currency: str = "PLN",
                card: Mapping[str, object] | None = None, attributes: Mapping[str, object] | None = None,
                history: Mapping[str, object] | None = None) -> Partner:
    """A new active partner with ``card``'s columns (city, territory, tax_id, ...), and
    its ``created`` history entry (with ``history`` as its data)."""
    card = dict(card or {})
    partner = Partner(kind=kind, name=name, name_city_key=name_city_key(name, card.get("city")),
                      email_domain=email_domain(card.get("email")), addresses=[], owner_id=owner_id,
                      currency=currency, status="active", notes="", attributes=dict(attributes or {}),
                      created_at=now, created_by_id=actor_id, updated_at=now, **card)
    session.add(partner)
    session.flush()
    record_partner_event(session, partner.id, "created", actor_id, now, **dict(history or {}))
    return partner


def record_partner_event(session: Session, partner_id: int, kind: str, actor_id: int | None, at: datetime,
                         opportunity_id: int | None = None, **data) -> None:
    session.add(PartnerEvent(partner_id=partner_id, kind=kind, actor_id=actor_id, at=at,
                             opportunity_id=opportunity_id, data=data))
