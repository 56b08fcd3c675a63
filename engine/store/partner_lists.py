"""Saved partner lists, the facts their exports show, and the bulk archival of
inactive prospects in the database (M11).

A prospect is inactive since ``cutoff`` when it is an active prospect and nothing
happened to it since: no open deal, no event of any of its deals, no activity planned
or dated, created or changed since, and no entry in its own history (created,
imported, updated, restored, ...) since. ``inactive_prospect_ids`` answers that for
all partners in one statement of NOT EXISTS clauses, each on an indexed column."""

from __future__ import annotations

from datetime import datetime
from typing import Collection, Iterable

from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.orm import Session, aliased

from engine.rules.partner_lists import ContactFacts, PartnerFacts
from engine.store.models import Contact, Event, Opportunity, User
from engine.store.partner_models import (Activity, LeadImportChange, Partner, PartnerArchival, PartnerContact,
                                         PartnerEvent, SavedPartnerList)
from engine.store.partners import visible_to

# --- saved lists -------------------------------------------------------------------------


def add_list(session: Session, *, owner_id: int, name: str, purpose: str, criteria: dict,
             now: datetime) -> SavedPartnerList:
    row = SavedPartnerList(owner_id=owner_id, name=name, purpose=purpose, criteria=criteria, created_at=now)
    session.add(row)
    session.flush()
    return row


def saved_list(session: Session, list_id: int, *, lock: bool = False) -> SavedPartnerList | None:
    query = select(SavedPartnerList).where(SavedPartnerList.id == list_id)
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def saved_lists(session: Session, owner_id: int | None) -> list[tuple[SavedPartnerList, str]]:
    """The lists of ``owner_id`` (None: everyone's) with their owner's username, by name."""
    query = (select(SavedPartnerList, User.username).join(User, User.id == SavedPartnerList.owner_id)
             .order_by(SavedPartnerList.name, SavedPartnerList.id))
    if owner_id is not None:
        query = query.where(SavedPartnerList.owner_id == owner_id)
    return [(row, username) for row, username in session.execute(query)]


def delete_list(session: Session, row: SavedPartnerList) -> None:
    session.delete(row)
    session.flush()


# --- what an export shows ---------------------------------------------------------------------

def partner_facts(session: Session, partner_ids: Iterable[int]) -> list[PartnerFacts]:
    """The partners' export facts in the order of ``partner_ids``, each with its active
    contacts, oldest first (two queries, whatever the number of partners)."""
    ids = list(dict.fromkeys(partner_ids))
    if not ids:
        return []
    contacts: dict[int, list[ContactFacts]] = {}
    partners: dict[int, tuple] = {}
    for chunk in _chunks(ids):
        for row in session.execute(
                select(PartnerContact.partner_id, PartnerContact.name, PartnerContact.function,
                       PartnerContact.email, PartnerContact.phone)
                .where(PartnerContact.partner_id.in_(chunk), PartnerContact.active.is_(True))
                .order_by(PartnerContact.id)):
            contacts.setdefault(row.partner_id, []).append(
                ContactFacts(name=row.name, function=row.function or "", email=row.email, phone=row.phone))
        for row in session.execute(
                select(Partner.id, Partner.name, Partner.tax_id, Partner.city, Partner.email, Partner.phone,
                       User.username).outerjoin(User, User.id == Partner.owner_id).where(Partner.id.in_(chunk))):
            partners[row.id] = row
    return [PartnerFacts(id=p.id, name=p.name, tax_id=p.tax_id, city=p.city, email=p.email, phone=p.phone,
                         owner=p.username, contacts=tuple(contacts.get(p.id, ())))
            for p in (partners.get(i) for i in ids) if p is not None]


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):  # SQLite takes at most 32766 parameters
        yield ids[start:start + size]


# --- inactive prospects -----------------------------------------------------------------------

def inactive_prospect_ids(session: Session, cutoff: datetime, *, viewer_id: int | None,
                          among: Collection[int] | None = None) -> list[int]:
    """Active prospects nothing happened to since ``cutoff`` (module docstring) that
    ``viewer_id`` may see (None: every one), by id. ``among``: only these partners
    (the re-check under their locks)."""
    deals = select(Opportunity.id).where(Opportunity.partner_id == Partner.id)
    query = select(Partner.id).where(
        Partner.kind == "prospect", Partner.status == "active",
        ~exists(deals.where(Opportunity.status == "open")),
        ~exists(select(Event.id).join(Opportunity, Opportunity.id == Event.opportunity_id)
                .where(Opportunity.partner_id == Partner.id, Event.at >= cutoff)),
        ~exists(select(Activity.id).where(
            Activity.partner_id == Partner.id,
            or_(Activity.status == "planned", Activity.starts_at >= cutoff, Activity.updated_at >= cutoff))),
        ~exists(select(PartnerEvent.id).where(PartnerEvent.partner_id == Partner.id, PartnerEvent.at >= cutoff)),
        visible_to(session, viewer_id),
    ).order_by(Partner.id)
    if among is not None:
        found: list[int] = []
        for chunk in _chunks(sorted(among)):
            found += session.scalars(query.where(Partner.id.in_(chunk))).all()
        return sorted(found)
    return list(session.scalars(query))


def archive_rows(session: Session, partner_ids: Collection[int], *, archival_id: int, now: datetime) -> None:
    """Mark the (locked) partners archived by this archival."""
    for partner in session.scalars(select(Partner).where(Partner.id.in_(list(partner_ids)))):
        partner.status, partner.archived_at, partner.archive_batch_id = "archived", now, archival_id
        partner.updated_at = now
    session.flush()


def archived_by(session: Session, archival_id: int) -> list[int]:
    """The partners this archival archived that are still archived by it."""
    return list(session.scalars(select(Partner.id).where(
        Partner.archive_batch_id == archival_id, Partner.status == "archived").order_by(Partner.id)))


def new_archival(session: Session, *, actor_id: int, now: datetime, criteria: dict) -> PartnerArchival:
    row = PartnerArchival(actor_id=actor_id, at=now, criteria=criteria, partner_ids=[])
    session.add(row)
    session.flush()
    return row


def archival(session: Session, archival_id: int, *, lock: bool = False) -> PartnerArchival | None:
    query = select(PartnerArchival).where(PartnerArchival.id == archival_id)
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def archivals(session: Session, actor_id: int | None, limit: int = 50) -> list[tuple[PartnerArchival, str | None,
                                                                                    str | None]]:
    """The latest archivals (of ``actor_id``; None: everyone's) with who made and who
    undid each."""
    undoer = aliased(User)
    query = (select(PartnerArchival, User.username, undoer.username)
             .outerjoin(User, User.id == PartnerArchival.actor_id)
             .outerjoin(undoer, undoer.id == PartnerArchival.undone_by_id)
             .order_by(PartnerArchival.id.desc()).limit(limit))
    if actor_id is not None:
        query = query.where(PartnerArchival.actor_id == actor_id)
    return [(row, by, undone) for row, by, undone in session.execute(query)]


def partner_rows(session: Session, partner_ids: Collection[int]) -> list[tuple[Partner, str | None]]:
    """The partners with their owner's username, by name."""
    rows: list[tuple[Partner, str | None]] = []
    for chunk in _chunks(sorted(partner_ids)):
        rows += [(p, owner) for p, owner in session.execute(
            select(Partner, User.username).outerjoin(User, User.id == Partner.owner_id)
            .where(Partner.id.in_(chunk)))]
    return sorted(rows, key=lambda pair: (pair[0].name.casefold(), pair[0].id))


# --- deleting a partner -----------------------------------------------------------------------

def has_deals(session: Session, partner_id: int) -> bool:
    return session.scalar(select(exists().where(Opportunity.partner_id == partner_id))) or False


def has_activities(session: Session, partner_id: int) -> bool:
    return session.scalar(select(exists().where(Activity.partner_id == partner_id))) or False


def delete_partner_rows(session: Session, partner: Partner) -> None:
    """The partner and what only it holds: its contacts (no deal's buying center names
    them: the partner has no deals), its history and what imports recorded of it."""
    contact_ids = select(PartnerContact.id).where(PartnerContact.partner_id == partner.id).scalar_subquery()
    session.execute(update(Contact).where(Contact.partner_contact_id.in_(contact_ids))
                    .values(partner_contact_id=None).execution_options(synchronize_session=False))
    for table in (PartnerContact, PartnerEvent, LeadImportChange):
        session.execute(delete(table).where(table.partner_id == partner.id)
                        .execution_options(synchronize_session=False))
    session.delete(partner)
    session.flush()
