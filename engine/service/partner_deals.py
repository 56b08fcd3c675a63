"""Where a deal meets its partner (M10), inside the deal's own transaction: the partner
a new deal belongs to and the attributes its card lends the deal, the credit check
when a deal opens, and a prospect becoming a customer with its first won deal.

Lock order — the house's (docs/architecture.md, "Lock order"): a deal before its
partner. A deal that is won holds its own lock and then takes its partner's, as a
hand-over (the partner's deals, then the partner) and an activity on a deal (the
deal, then the partner) do; so two of them wait for each other instead of
deadlocking. A new deal locks its partner only: the deal's row is nobody else's yet.
"""

from __future__ import annotations

from datetime import datetime
from typing import Mapping

from engine.errors import FormError
from engine.rules import inputs, policy
from engine.rules import partners as rules
from engine.service import visibility
from engine.service.unit_of_work import Session
from engine.store import partners as partner_store
from engine.store.events import record_event
from engine.store.models import Opportunity, User
from engine.store.partner_cards import credit_of
from engine.store.partner_models import Partner

NO_SUCH_PARTNER = "no such partner"


def chosen_partner(session: Session, actor: User, partner_id: object) -> Partner:
    """The partner a new deal names by id, row-locked: one the actor may see and that
    is active; a FormError on ``partner_id`` otherwise (a mistake in what was typed,
    as an unknown owner is)."""
    if not inputs.is_record_id(partner_id):  # type: ignore[arg-type]
        raise FormError({"partner_id": inputs.ID_EXPECTED})
    if session.get(Partner, partner_id) is None:
        raise FormError({"partner_id": NO_SUCH_PARTNER})
    row = partner_store.lock_partner(session, partner_id)  # type: ignore[arg-type]
    if not policy.may_see_partner(visibility.actor_of(session, actor), partner_store.partner_facts(session, row)):
        raise FormError({"partner_id": NO_SUCH_PARTNER})  # says nothing of a partner they may not see
    if row.status != "active":
        raise FormError({"partner_id": f"partner {row.id} is archived; restore it before opening a deal"})
    return row


def lent_attributes(partner: Partner, given: Mapping[str, object] | None) -> dict:
    """The deal's attributes: those ``given``, and the card's territory, channel,
    industry and source where the deal names none (routing reads them)."""
    attributes = dict(given) if isinstance(given, Mapping) else {} if given is None else given
    if not isinstance(attributes, dict):
        return attributes  # type: ignore[return-value]  # inputs.new_deal refuses it
    for name in ("territory", "channel", "industry", "source"):
        value = getattr(partner, name)
        if value and attributes.get(name) in (None, ""):
            attributes[name] = value
    return attributes


def check_credit(session: Session, partner: Partner, opportunity: Opportunity, actor_id: int,
                 now: datetime) -> str | None:
    """When the new deal takes its partner past the credit limit: the warning, recorded
    on the deal and in the partner's history (a warning, never a refusal)."""
    credit = credit_of(session, partner, new_amount=opportunity.amount, new_currency=opportunity.currency,
                       except_opportunity=opportunity.id)
    if credit.warning is None:
        return None
    record_event(session, opportunity, "credit_warning", actor_id, now, warning=credit.warning,
                 partner=partner.id)
    partner_store.record_partner_event(session, partner.id, "credit_warning", actor_id, now,
                                       opportunity_id=opportunity.id, warning=credit.warning)
    return credit.warning


def deal_won(session: Session, opportunity: Opportunity, actor_id: int | None, now: datetime) -> None:
    """The deal was won: its partner, if still a prospect, becomes a customer in this
    same transaction, with who, when and which deal on the card and in its history.
    A customer (or reseller, supplier) stays as it is."""
    partner = partner_store.lock_partner(session, opportunity.partner_id)
    if not rules.becomes_customer(partner.kind):
        return
    partner.kind = "customer"
    partner.became_customer_at = now
    partner.became_customer_by_id = actor_id
    partner.became_customer_opportunity_id = opportunity.id
    partner.updated_at = now
    partner_store.record_partner_event(session, partner.id, "became_customer", actor_id, now,
                                       opportunity_id=opportunity.id, from_kind="prospect")
