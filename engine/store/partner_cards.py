"""A partner's card as the façade returns it: the partner with its contact persons, its
open and closed deals, its history told as sentences and its credit position — each
read in one query for the whole card."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import NotFoundError
from engine.rules.partner_history import sentence
from engine.rules.partners import credit_position
from engine.store.lookup import Lookup
from engine.store.models import Opportunity, User
from engine.store.partner_models import Partner, PartnerContact, PartnerEvent
from engine.views.partners import CreditView, PartnerContactView, PartnerDealView, PartnerEventView, PartnerView


def contact_view(row: PartnerContact) -> PartnerContactView:
    return PartnerContactView(id=row.id, partner_id=row.partner_id, name=row.name, function=row.function,
                              email=row.email, phone=row.phone, active=row.active, created_at=row.created_at,
                              updated_at=row.updated_at)


def open_deal_amounts(session: Session, partner_id: int, *,
                      except_opportunity: int | None = None) -> list[tuple[Decimal, str]]:
    """(amount, currency) of the partner's open deals (but ``except_opportunity``)."""
    query = select(Opportunity.amount, Opportunity.currency).where(
        Opportunity.partner_id == partner_id, Opportunity.status == "open")
    if except_opportunity is not None:
        query = query.where(Opportunity.id != except_opportunity)
    return [tuple(row) for row in session.execute(query)]


def credit_of(session: Session, partner: Partner, *, new_amount: Decimal | None = None,
              new_currency: str | None = None, except_opportunity: int | None = None) -> CreditView:
    """The partner's credit position (``rules.partners.credit_position``) over its
    open deals as stored, plus ``new_amount`` if given."""
    return credit_position(balance=partner.balance, limit=partner.credit_limit, currency=partner.currency,
                           open_deals=open_deal_amounts(session, partner.id, except_opportunity=except_opportunity),
                           new_amount=new_amount, new_currency=new_currency)


def partner_card(session: Session, partner_id: int, catalog, *, may_edit: bool = False,
                 may_hand_over: bool = False) -> PartnerView:
    p = session.get(Partner, partner_id)
    if p is None:
        raise NotFoundError(f"no partner {partner_id}")
    lookup = Lookup(session, catalog)
    contacts = list(session.scalars(select(PartnerContact).where(PartnerContact.partner_id == p.id)
                                    .order_by(PartnerContact.active.desc(), PartnerContact.name,
                                              PartnerContact.id)))
    deals = list(session.scalars(select(Opportunity).where(Opportunity.partner_id == p.id)
                                 .order_by(Opportunity.opened_at.desc(), Opportunity.id.desc())))
    events = list(session.scalars(select(PartnerEvent).where(PartnerEvent.partner_id == p.id)
                                  .order_by(PartnerEvent.at.desc(), PartnerEvent.id.desc())))
    lookup.need_users([p.owner_id, p.became_customer_by_id])
    lookup.need_users(d.owner_id for d in deals)
    lookup.need_users(e.actor_id for e in events)
    owner_name = session.scalar(select(User.display_name).where(User.id == p.owner_id)) if p.owner_id else None
    deal_views = [PartnerDealView(id=d.id, title=d.title, stage_name=lookup.stage_name(d, d.stage_id),
                                  status=d.status, amount=d.amount, currency=d.currency, probability=d.probability,
                                  owner=lookup.user(d.owner_id), closed_at=d.closed_at, lost_reason=d.lost_reason)
                  for d in deals]
    history = tuple(PartnerEventView(kind=e.kind, at=e.at, actor=lookup.user(e.actor_id),
                                     opportunity_id=e.opportunity_id, data=dict(e.data),
                                     text=sentence(e.kind, lookup.user(e.actor_id), e.data, e.opportunity_id))
                    for e in events)
    credit = credit_position(balance=p.balance, limit=p.credit_limit, currency=p.currency,
                             open_deals=[(d.amount, d.currency) for d in deals if d.status == "open"])
    return PartnerView(
        id=p.id, kind=p.kind, name=p.name, tax_id=p.tax_id, regon=p.regon, email=p.email, phone=p.phone,
        website=p.website, street=p.street, postal_code=p.postal_code, city=p.city, country=p.country,
        addresses=tuple(dict(a) for a in p.addresses or ()), territory=p.territory, channel=p.channel,
        industry=p.industry, source=p.source, campaign=p.campaign, owner=lookup.user(p.owner_id),
        owner_name=owner_name, balance=p.balance, credit_limit=p.credit_limit, currency=p.currency,
        status=p.status, archived_at=p.archived_at, notes=p.notes, created_at=p.created_at,
        became_customer_at=p.became_customer_at, became_customer_by=lookup.user(p.became_customer_by_id),
        became_customer_opportunity_id=p.became_customer_opportunity_id, credit=credit,
        contacts=tuple(contact_view(c) for c in contacts),
        open_deals=tuple(d for d in deal_views if d.status == "open"),
        closed_deals=tuple(d for d in deal_views if d.status != "open"),
        history=history, may_edit=may_edit, may_hand_over=may_hand_over)
