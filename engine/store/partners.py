"""Business partners in the database: finding the one a name or a lead means (by the
lead import's duplicate keys), creating one, locking one for a change, the partner's
history, who sees which partner (``visible_to``, the SQL twin of
``policy.may_see_partner``) and the partner list (``search_partners``, which saved
lists and exports reuse)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime
from typing import Iterator, Mapping

from sqlalchemy import and_, false, func, insert, or_, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.errors import NotFoundError
from engine.rules import policy
from engine.rules.leads.duplicates import FREE_MAIL, company_name
from engine.rules.leads.folding import words
from engine.rules.partners import KINDS, PartnerCriteria
from engine.store import people
from engine.store.db import hold_sqlite_writes
from engine.store.models import InboxTask, Opportunity, Team, TeamMember, User
from engine.store.partner_models import TAX_ID_INDEX, Partner, PartnerEvent
from engine.views.partners import PartnerChoices, PartnerListPage, PartnerSummary

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


def partner_with_tax_id(session: Session, tax_id: str) -> int | None:
    """The id of the oldest active partner with this (normalised) tax id, or None."""
    return session.scalar(select(Partner.id).where(Partner.tax_id == tax_id, Partner.status == "active")
                          .order_by(Partner.id).limit(1))


@contextmanager
def refusing_a_second_tax_id(error: Exception) -> Iterator[None]:
    """Around a flush that writes an active partner's tax id (or makes one active):
    the unique index's refusal of a second active partner with that tax id — a
    writer that committed it after the caller's check — is ``error``; the
    transaction is rolled back all the same. PostgreSQL names the index, SQLite the
    column."""
    try:
        yield
    except IntegrityError as err:
        if TAX_ID_INDEX in str(err.orig) or "partners.tax_id" in str(err.orig):
            raise error from None
        raise


def add_partner(session: Session, *, name: str, kind: str = "prospect", owner_id: int | None,
                actor_id: int | None, now: datetime, currency: str = "PLN",
                card: Mapping[str, object] | None = None, attributes: Mapping[str, object] | None = None,
                history: Mapping[str, object] | None = None) -> Partner:
    """A new active partner with ``card``'s columns (city, territory, tax_id, ...), and
    its ``created`` history entry (with ``history`` as its data)."""
    card = dict(card or {})
    columns = dict(addresses=[], notes="")
    columns.update(card)  # the card's addresses and notes, when it has them
    partner = Partner(kind=kind, name=name, name_city_key=name_city_key(name, card.get("city")),
                      email_domain=email_domain(card.get("email")), owner_id=owner_id,
                      currency=currency, status="active", attributes=dict(attributes or {}),
                      created_at=now, created_by_id=actor_id, updated_at=now, **columns)
    session.add(partner)
    session.flush()
    record_partner_event(session, partner.id, "created", actor_id, now, **dict(history or {}))
    return partner


def record_partner_event(session: Session, partner_id: int, kind: str, actor_id: int | None, at: datetime,
                         opportunity_id: int | None = None, **data) -> None:
    # Core and inline: nobody reads the row's id back, and an INSERT asking for it (the
    # ORM's RETURNING) cannot wait in a unit of work's pipeline on PostgreSQL — it syncs
    # it, a round trip of its own (the step that wins a prospect's deal wrote one so).
    # Without an autoflush: the ORM's pending changes flush where their use case expects
    # them (update_partner maps a second active tax id's refusal around its own flush; an
    # autoflush here raised it outside, as a bare conflict).
    with session.no_autoflush:
        session.execute(_PARTNER_EVENT, {"partner_id": partner_id, "kind": kind, "actor_id": actor_id, "at": at,
                                         "opportunity_id": opportunity_id, "data": data})


_PARTNER_EVENT = insert(PartnerEvent.__table__).inline()


# --- who sees which partner -----------------------------------------------------------

def partner_facts(session: Session, partner: Partner, *, with_tasks: bool = True) -> policy.PartnerFacts:
    """The partner as the policy sees it: its owner's teams and their managers, and
    its deals (with their tasks when ``with_tasks``), in three queries."""
    team_rows = session.execute(
        select(Team.id, Team.manager_id).join(TeamMember, TeamMember.team_id == Team.id)
        .where(TeamMember.user_id == partner.owner_id)).all() if partner.owner_id is not None else []
    deals = list(session.execute(select(Opportunity.id, Opportunity.owner_id, Opportunity.manager_id,
                                        Opportunity.team_id).where(Opportunity.partner_id == partner.id)))
    tasks: dict[int, list[policy.Task]] = {}
    if with_tasks and deals:
        for opportunity_id, *task in session.execute(
                select(InboxTask.opportunity_id, InboxTask.assignee_id, InboxTask.candidate_team_id,
                       InboxTask.completed_by_id, InboxTask.status)
                .where(InboxTask.opportunity_id.in_([d.id for d in deals]))):
            tasks.setdefault(opportunity_id, []).append(policy.Task(*task))
    return policy.PartnerFacts(
        owner_id=partner.owner_id, owner_team_ids=frozenset(t for t, _ in team_rows),
        owner_manager_ids=frozenset(m for _, m in team_rows if m is not None),
        deals=tuple(policy.Deal(d.owner_id, d.manager_id, d.team_id, tuple(tasks.get(d.id, ()))) for d in deals))


def visible_to(session: Session, viewer_id: int | None):
    """The SQL condition on ``Partner`` that ``policy.may_see_partner`` decides one
    by one, for the user ``viewer_id`` (None: no condition, every partner)."""
    if viewer_id is None:
        return true()
    row = session.get(User, viewer_id)
    if row is None or not row.active:
        return false()
    scope = policy.partner_scope(people.actor_facts(session, row))
    if scope.everything:
        return true()
    if scope.nothing:
        return false()
    me = scope.user_id
    managed_owners = (select(TeamMember.user_id).join(Team, Team.id == TeamMember.team_id)
                      .where(or_(Team.manager_id == me, Team.id.in_(scope.managed_team_ids))))
    seen_deals = select(Opportunity.partner_id).where(or_(
        Opportunity.owner_id == me, Opportunity.manager_id == me, Opportunity.team_id.in_(scope.deal_team_ids)))
    worked_deals = (select(Opportunity.partner_id).join(InboxTask, InboxTask.opportunity_id == Opportunity.id)
                    .where(or_(InboxTask.assignee_id == me, InboxTask.completed_by_id == me,
                               and_(InboxTask.status == "ready", InboxTask.assignee_id.is_(None),
                                    InboxTask.candidate_team_id.in_(scope.member_team_ids)))))
    return or_(Partner.owner_id == me, Partner.owner_id.in_(managed_owners), Partner.id.in_(seen_deals),
               Partner.id.in_(worked_deals), Partner.owner_id.is_(None) if scope.unowned else false())


# --- the partner list -----------------------------------------------------------------

def _matching(session: Session, criteria: PartnerCriteria, viewer_id: int | None):
    """The conditions of the list: visible to the viewer and fitting every criterion."""
    conditions = [visible_to(session, viewer_id)]
    if criteria.status is not None:
        conditions.append(Partner.status == criteria.status)
    for name in ("kind", "territory", "channel", "industry", "source"):
        value = getattr(criteria, name)
        if value is not None:
            conditions.append(getattr(Partner, name) == value)
    if criteria.owner is not None:
        conditions.append(Partner.owner_id == select(User.id).where(User.username == criteria.owner)
                          .scalar_subquery())
    if criteria.text:
        # Folded as the duplicate keys are (case and accents do not count, on both
        # databases alike); the key holds the city too, so "lodz" finds Łódź's.
        folded_text = " ".join(words(criteria.text))
        compact = "".join(ch for ch in criteria.text if ch.isalnum()).upper()
        found = [Partner.email.contains(criteria.text.strip().lower(), autoescape=True)]
        if folded_text:
            found.append(Partner.name_city_key.contains(folded_text, autoescape=True))
        if compact:
            found.append(Partner.tax_id.contains(compact, autoescape=True))
        conditions.append(or_(*found))
    return and_(*conditions)


def search_partners(session: Session, criteria: PartnerCriteria, viewer_id: int | None, page: int = 1,
                    per_page: int | None = 25) -> PartnerListPage:
    """One page of the partners ``viewer_id`` may see (None: every partner) that fit
    ``criteria``, by name; ``per_page`` None: all of them (an export). The page has
    no ``choices`` (``partner_choices`` reads those)."""
    where = _matching(session, criteria, viewer_id)
    total = session.scalar(select(func.count()).select_from(Partner).where(where))
    open_deals = (select(Opportunity.partner_id, func.count().label("n")).where(Opportunity.status == "open")
                  .group_by(Opportunity.partner_id).subquery())
    query = (select(Partner, User.username, User.display_name, func.coalesce(open_deals.c.n, 0))
             .outerjoin(User, User.id == Partner.owner_id)
             .outerjoin(open_deals, open_deals.c.partner_id == Partner.id)
             .where(where).order_by(Partner.name_city_key, Partner.id))
    if per_page is not None:
        query = query.offset((max(page, 1) - 1) * per_page).limit(per_page)
    items = tuple(PartnerSummary(
        id=p.id, kind=p.kind, name=p.name, tax_id=p.tax_id, email=p.email, phone=p.phone, city=p.city,
        country=p.country, territory=p.territory, channel=p.channel, industry=p.industry, source=p.source,
        owner=username_, owner_name=display, status=p.status, open_deals=count, created_at=p.created_at)
        for p, username_, display, count in session.execute(query))
    return PartnerListPage(items=items, total=total, page=max(page, 1), per_page=per_page or max(total, 1),
                           filters=criteria.as_query())


def partner_choices(session: Session, viewer_id: int | None) -> PartnerChoices:
    """What the list's filters offer: the values the viewer's partners hold."""
    where = visible_to(session, viewer_id)

    def distinct(column) -> tuple[str, ...]:
        return tuple(session.scalars(select(column).where(where, column.is_not(None)).distinct()
                                     .order_by(column)))

    owners = tuple((name, display) for name, display in session.execute(
        select(User.username, User.display_name).where(User.id.in_(select(Partner.owner_id).where(where)))
        .order_by(User.username)))
    return PartnerChoices(kinds=KINDS, territories=distinct(Partner.territory), channels=distinct(Partner.channel),
                          industries=distinct(Partner.industry), sources=distinct(Partner.source), owners=owners)
