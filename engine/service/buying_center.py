"""Use cases of the buying center (M6): an opportunity's people, their roles, influence and attitude,
the relationships between them, and the diagram.

Who may: whoever may see the deal (``may_see_opportunity``) may read and change its
buying center; anyone else gets NotFoundError, as for the deal itself, whether the
deal, person or relationship exists or not. A won or lost deal's buying center is
kept as it was at the close: reading it works, changing it is a ConflictError. Every
change is one transaction with an append-only event (contact_added,
contact_updated, contact_removed, relationship_added, relationship_removed).
"""

from __future__ import annotations

from engine.drawing.buying_center_diagram import render_svg
from engine.rules import buying_center as rules
from engine.rules import inputs, policy
from engine.errors import ConflictError, FormError, NotFoundError
from engine.service import deal_edit, unit_of_work, visibility
from engine.service.context import ServiceContext
from engine.service.unit_of_work import Session
from engine.store import buying_center as bc_store
from engine.store import opportunities as opportunity_store
from engine.store import people
from engine.store.events import record_event
from engine.store.models import Contact, ContactRelationship, Opportunity, User
from engine.store.partner_models import PartnerContact
from engine.views.buying_center import BuyingCenterView, ContactView, RelationshipView, RoleView

KEEP = object()  # update_contact: this field stays as it is


def buying_center(ctx: ServiceContext, opportunity_id: int, *, viewer: str) -> BuyingCenterView:
    """The deal's people and relationships, its methodology's roles, and the diagram."""
    with unit_of_work.quick_read(ctx) as session:
        actor = people.user(session, viewer)
        opportunity = session.get(Opportunity, visibility.known_id(opportunity_id, f"no opportunity {opportunity_id}"))
        visibility.check_sees(session, actor, opportunity, f"no opportunity {opportunity_id}")
        roles = _roles(ctx, session, opportunity)
        contacts, relationships = bc_store.views(session, opportunity.id, roles)
        status = opportunity.status
        may_change = deal_edit.may_edit(session, actor, opportunity, policy.may_edit_buying_center)
    return BuyingCenterView(
        opportunity_id=opportunity_id, editable=status == "open", may_edit=may_change, contacts=contacts,
        relationships=relationships, roles=tuple(RoleView(r.id, r.name, r.description) for r in roles),
        kinds=rules.KINDS, attitudes=rules.ATTITUDES,
        svg=render_svg(contacts, relationships, invite=status == "open" and may_change))


def buying_center_svg(ctx: ServiceContext, opportunity_id: int, *, viewer: str) -> str:
    return buying_center(ctx, opportunity_id, viewer=viewer).svg


def contact(ctx: ServiceContext, contact_id: int, *, viewer: str) -> ContactView:
    """One person of a buying center, if the viewer may see the deal (else 404)."""
    with unit_of_work.quick_read(ctx) as session:
        actor = people.user(session, viewer)
        row = session.get(Contact, visibility.known_id(contact_id, f"no contact {contact_id}"))
        opportunity = session.get(Opportunity, row.opportunity_id) if row else None
        visibility.check_sees(session, actor, opportunity, f"no contact {contact_id}")
        return bc_store.contact_view(row, _roles(ctx, session, opportunity))


def add_contact(ctx: ServiceContext, opportunity_id: int, *, actor: str, name: object = None, job_title: object = "",
                role: object = None, influence: object = rules.DEFAULT_INFLUENCE,
                attitude: object = "neutral", notes: object = "", partner_contact_id: object = None) -> ContactView:
    """Add a person to the deal's buying center; FormError with a message per field.
    ``partner_contact_id``: one of the deal's partner's contact persons, whose name
    and function fill ``name`` and ``job_title`` where those are empty."""
    now = ctx.now()

    def work(session: Session):
        nonlocal name, job_title
        actor_row, opportunity = _open_for_change(session, actor, opportunity_id,
                                                  f"no opportunity {opportunity_id}")
        roles = _roles(ctx, session, opportunity)
        person = _partner_contact(session, opportunity, partner_contact_id)
        if person is not None:
            name = name if isinstance(name, str) and name.strip() else person.name
            job_title = job_title if isinstance(job_title, str) and job_title.strip() else person.function
        clean, errors = rules.clean_contact(
            dict(name=name, job_title=job_title, role=role, influence=influence, attitude=attitude,
                 notes=notes), [r.id for r in roles])
        if not errors and bc_store.count_contacts(session, opportunity.id) >= rules.MAX_CONTACTS:
            errors = {"name": f"a buying center holds at most {rules.MAX_CONTACTS} people"}
        if errors:
            raise FormError(errors)
        row = Contact(opportunity_id=opportunity.id, created_at=now, updated_at=now,
                      partner_contact_id=person.id if person is not None else None, **clean)
        session.add(row)
        session.flush()
        record_event(session, opportunity, "contact_added", actor_row.id, now, contact=row.id,
                     name=row.name, role=row.role, influence=row.influence, attitude=row.attitude,
                     partner_contact=row.partner_contact_id)
        return bc_store.contact_view(row, roles)

    return unit_of_work.run(ctx, work)


def update_contact(ctx: ServiceContext, contact_id: int, *, actor: str, name: object = KEEP, job_title: object = KEEP,
                   role: object = KEEP, influence: object = KEEP, attitude: object = KEEP,
                   notes: object = KEEP) -> ContactView:
    """Change some of a person's facts (those given); the event lists what changed."""
    now = ctx.now()
    given = {k: v for k, v in dict(name=name, job_title=job_title, role=role, influence=influence,
                                   attitude=attitude, notes=notes).items() if v is not KEEP}

    def work(session: Session):
        actor_row, opportunity, row = _contact_for_change(session, actor, contact_id)
        roles = _roles(ctx, session, opportunity)
        clean, errors = rules.clean_contact(given, [r.id for r in roles], partial=True)
        if errors:
            raise FormError(errors)
        changes = {k: v for k, v in clean.items() if getattr(row, k) != v}
        if changes:
            for field, value in changes.items():
                setattr(row, field, value)
            row.updated_at = now
            record_event(session, opportunity, "contact_updated", actor_row.id, now, contact=row.id,
                         name=row.name, changed=sorted(changes))
        session.flush()
        return bc_store.contact_view(row, roles)

    return unit_of_work.run(ctx, work)


def remove_contact(ctx: ServiceContext, contact_id: int, *, actor: str) -> ContactView:
    """Take a person out of the buying center, with every relationship they are part
    of; returns the person as they were."""
    now = ctx.now()

    def work(session: Session):
        actor_row, opportunity, row = _contact_for_change(session, actor, contact_id)
        gone = bc_store.contact_view(row, _roles(ctx, session, opportunity))
        removed = bc_store.remove_relationships_of(session, row.id)
        session.delete(row)
        record_event(session, opportunity, "contact_removed", actor_row.id, now, contact=contact_id,
                     name=row.name, relationships=removed)
        return gone

    return unit_of_work.run(ctx, work)


def add_relationship(ctx: ServiceContext, opportunity_id: int, *, actor: str, from_contact: object, to_contact: object,
                     kind: object, strength: object = rules.DEFAULT_STRENGTH) -> RelationshipView:
    """Record how two of the deal's people relate (``from_contact`` reports to,
    listens to, ... ``to_contact``); FormError with a message per field."""
    now = ctx.now()

    def work(session: Session):
        actor_row, opportunity = _open_for_change(session, actor, opportunity_id,
                                                  f"no opportunity {opportunity_id}")
        names = {c.id: c.name for c in bc_store.contact_rows(session, opportunity.id)}
        existing = bc_store.relationship_rows(session, opportunity.id)
        clean, errors = rules.clean_relationship(
            dict(from_contact=from_contact, to_contact=to_contact, kind=kind, strength=strength),
            names, [(r.from_contact_id, r.to_contact_id, r.kind) for r in existing])
        if not errors and len(existing) >= rules.MAX_RELATIONSHIPS:
            errors = {"kind": f"a buying center holds at most {rules.MAX_RELATIONSHIPS} relationships"}
        if errors:
            raise FormError(errors)
        row = ContactRelationship(opportunity_id=opportunity.id, from_contact_id=clean["from_contact"],
                                  to_contact_id=clean["to_contact"], kind=clean["kind"],
                                  strength=clean["strength"], created_at=now)
        session.add(row)
        session.flush()
        record_event(session, opportunity, "relationship_added", actor_row.id, now, relationship=row.id,
                     relationship_kind=row.kind, from_contact=names[row.from_contact_id],
                     to_contact=names[row.to_contact_id], strength=row.strength)
        return bc_store.relationship_view(row, names)

    return unit_of_work.run(ctx, work)


def remove_relationship(ctx: ServiceContext, relationship_id: int, *, actor: str) -> RelationshipView:
    """Forget one relationship; returns it as it was."""
    now = ctx.now()

    def work(session: Session):
        missing = f"no relationship {relationship_id}"
        deal_id = bc_store.deal_of_relationship(session, visibility.known_id(relationship_id, missing))
        actor_row, opportunity = _open_for_change(session, actor, deal_id, missing)
        row = _locked_row(session, ContactRelationship, relationship_id, opportunity, missing)
        names = {c.id: c.name for c in bc_store.contact_rows(session, opportunity.id)}
        gone = bc_store.relationship_view(row, names)
        session.delete(row)
        record_event(session, opportunity, "relationship_removed", actor_row.id, now,
                     relationship=relationship_id, relationship_kind=row.kind,
                     from_contact=gone.from_name, to_contact=gone.to_name)
        return gone

    return unit_of_work.run(ctx, work)


# --- helpers -------------------------------------------------------------------------

def _open_for_change(session: Session, username: str, opportunity_id: int | None,
                     missing: str) -> tuple[User, Opportunity]:
    """The actor and the deal (row-locked), if the actor may see it and it is open."""
    actor = people.user(session, username)
    opportunity = (opportunity_store.lock_opportunity(session, visibility.known_id(opportunity_id, missing),
                                                      with_state=False, missing=missing)
                   if opportunity_id is not None else None)
    visibility.check_sees(session, actor, opportunity, missing)
    policy.require(deal_edit.may_edit(session, actor, opportunity, policy.may_edit_buying_center),
                   f"'{username}' may not change the buying center of opportunity {opportunity.id}")
    if opportunity.status != "open":
        raise ConflictError(f"opportunity {opportunity.id} is {opportunity.status}; its buying center "
                            "is kept as it was at the close")
    return actor, opportunity


def _contact_for_change(session: Session, username: str, contact_id: int) -> tuple[User, Opportunity, Contact]:
    """The actor, the person's deal (locked first, then checked as ``_open_for_change``
    does) and the person as stored once the deal is locked: a rename or a removal
    that committed while this waited is what it works on."""
    missing = f"no contact {contact_id}"
    deal_id = bc_store.deal_of_contact(session, visibility.known_id(contact_id, missing))
    actor, opportunity = _open_for_change(session, username, deal_id, missing)
    return actor, opportunity, _locked_row(session, Contact, contact_id, opportunity, missing)


def _partner_contact(session: Session, opportunity: Opportunity, contact_id: object) -> PartnerContact | None:
    """The deal's partner's contact person ``contact_id`` names (None for none);
    FormError when it names no contact person of that partner."""
    if contact_id is None:
        return None
    person = session.get(PartnerContact, contact_id) if inputs.is_record_id(contact_id) else None  # type: ignore[arg-type]
    if person is None or person.partner_id != opportunity.partner_id:
        raise FormError({"partner_contact_id": "not a contact person of this deal's partner"})
    return person


def _locked_row(session: Session, model, row_id: int, opportunity: Opportunity, missing: str):
    """The row of the locked deal's buying center, re-read under the lock (NotFoundError
    when another change removed it meanwhile)."""
    row = session.get(model, row_id, populate_existing=True)
    if row is None or row.opportunity_id != opportunity.id:
        raise NotFoundError(missing)
    return row


def _roles(ctx: ServiceContext, session: Session, opportunity: Opportunity):
    _, methodology = ctx.catalog.version(session, opportunity.methodology_version_id)
    return methodology.buying_center_roles
