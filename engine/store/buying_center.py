"""Reading and writing an opportunity's buying center (contacts and the relationships
between them), and turning rows into views. Runs inside the caller's transaction."""

from __future__ import annotations

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from engine.rules.buying_center import kind
from engine.methodology.model import BuyingCenterRole
from engine.views.buying_center import ContactView, RelationshipView
from engine.store.models import Contact, ContactRelationship


def roles_identified(session: Session, opportunity_id: int) -> set[str]:
    """The buying-center roles at least one of the deal's people has (for exit
    criteria such as "economic buyer identified")."""
    return set(session.scalars(select(Contact.role).distinct().where(
        Contact.opportunity_id == opportunity_id, Contact.role.is_not(None))))


def deal_of_contact(session: Session, contact_id: int) -> int | None:
    """The id of the deal a person belongs to (None: no such person), read without
    loading the row: the caller locks the deal before it reads the person."""
    return session.scalar(select(Contact.opportunity_id).where(Contact.id == contact_id))


def deal_of_relationship(session: Session, relationship_id: int) -> int | None:
    return session.scalar(select(ContactRelationship.opportunity_id)
                          .where(ContactRelationship.id == relationship_id))


def contact_rows(session: Session, opportunity_id: int) -> list[Contact]:
    return list(session.scalars(select(Contact).where(Contact.opportunity_id == opportunity_id)
                                .order_by(Contact.id)))


def relationship_rows(session: Session, opportunity_id: int) -> list[ContactRelationship]:
    return list(session.scalars(select(ContactRelationship)
                                .where(ContactRelationship.opportunity_id == opportunity_id)
                                .order_by(ContactRelationship.id)))


def count_contacts(session: Session, opportunity_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Contact)
                          .where(Contact.opportunity_id == opportunity_id)) or 0


def remove_relationships_of(session: Session, contact_id: int) -> int:
    """Delete every relationship the person is part of; how many there were."""
    result = session.execute(delete(ContactRelationship).where(or_(
        ContactRelationship.from_contact_id == contact_id, ContactRelationship.to_contact_id == contact_id)))
    return result.rowcount or 0


def contact_view(row: Contact, roles: tuple[BuyingCenterRole, ...]) -> ContactView:
    role_name = next((r.name for r in roles if r.id == row.role), row.role)
    return ContactView(id=row.id, opportunity_id=row.opportunity_id, name=row.name, job_title=row.job_title,
                       role=row.role, role_name=role_name, influence=row.influence, attitude=row.attitude,
                       notes=row.notes, created_at=row.created_at, updated_at=row.updated_at,
                       partner_contact_id=row.partner_contact_id)


def relationship_view(row: ContactRelationship, names: dict[int, str]) -> RelationshipView:
    info = kind(row.kind)
    return RelationshipView(id=row.id, opportunity_id=row.opportunity_id, from_contact=row.from_contact_id,
                            from_name=names.get(row.from_contact_id, "?"), to_contact=row.to_contact_id,
                            to_name=names.get(row.to_contact_id, "?"), kind=row.kind, kind_label=info.label,
                            category=info.category, strength=row.strength, created_at=row.created_at)


def views(session: Session, opportunity_id: int,
          roles: tuple[BuyingCenterRole, ...]) -> tuple[tuple[ContactView, ...], tuple[RelationshipView, ...]]:
    contacts = tuple(contact_view(row, roles) for row in contact_rows(session, opportunity_id))
    names = {c.id: c.name for c in contacts}
    return contacts, tuple(relationship_view(row, names) for row in relationship_rows(session, opportunity_id))
