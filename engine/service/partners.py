"""Use cases of a business partner (M10): the partner list, a partner's card, opening,
changing, archiving and restoring a partner, and its contact persons.

Who may: ``engine.rules.policy`` (may_see_partner, may_edit_partner,
may_create_partner). A partner the actor may not see is a NotFoundError naming only
the id asked for; one they see but may not change is a PermissionDeniedError.

Every change locks the partner first (``lock_partner``), re-checks the permission
and the partner's status on what is stored once the lock is held, and appends a
PartnerEvent saying who changed what, when (``changes``: {field: [before, after]});
history is never rewritten. An archived partner is read-only until restored.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Mapping

from engine.errors import ConflictError, FormError, NotFoundError
from engine.rules import partners as rules
from engine.rules import policy
from engine.service import unit_of_work, visibility
from engine.service.context import ServiceContext
from engine.service.unit_of_work import Session
from engine.store import partners as partner_store
from engine.store import people
from engine.store.partner_cards import contact_view, partner_card
from engine.store.partner_models import Partner, PartnerContact
from engine.views.partners import PartnerContactView, PartnerListPage, PartnerView

CHANGED = "someone else changed this partner at the same time; reload it and try again"


# --- reading --------------------------------------------------------------------------

def partners(ctx: ServiceContext, viewer: str, criteria: rules.PartnerCriteria | Mapping[str, object] | None = None,
             *, page: int = 1, per_page: int = 25) -> PartnerListPage:
    """One page of the partners the viewer may see that fit ``criteria`` (a
    PartnerCriteria, or query parameters ``rules.criteria`` reads), with the values
    the filters offer."""
    if not isinstance(criteria, rules.PartnerCriteria):
        criteria = rules.criteria(criteria or {})
    page = page if isinstance(page, int) and 1 <= page <= 1_000_000 else 1
    per_page = per_page if isinstance(per_page, int) and 1 <= per_page <= 500 else 25
    with unit_of_work.quick_read(ctx) as session:
        user = people.user(session, viewer)
        found = partner_store.search_partners(session, criteria, user.id, page, per_page)
        choices = partner_store.partner_choices(session, user.id)
    return PartnerListPage(items=found.items, total=found.total, page=found.page, per_page=found.per_page,
                           filters=found.filters, choices=choices)


def partner(ctx: ServiceContext, partner_id: int, *, viewer: str) -> PartnerView:
    """The partner's card, if the viewer may see it (else NotFoundError)."""
    with unit_of_work.read(ctx) as session:
        return _card(ctx, session, *visibility.visible_partner(session, viewer, partner_id))


def partner_contact(ctx: ServiceContext, contact_id: int, *, viewer: str) -> PartnerContactView:
    """A contact person, if the viewer may see their partner (else NotFoundError)."""
    missing = f"no partner contact {contact_id}"
    with unit_of_work.read(ctx) as session:
        row = session.get(PartnerContact, visibility.known_id(contact_id, missing))
        if row is None:
            raise NotFoundError(missing)
        try:
            visibility.visible_partner(session, viewer, row.partner_id)
        except NotFoundError:
            raise NotFoundError(missing) from None  # says nothing of the partner
        return contact_view(row)


def _card(ctx: ServiceContext, session: Session, actor, row: Partner, facts: policy.PartnerFacts) -> PartnerView:
    who = visibility.actor_of(session, actor)
    return partner_card(session, row.id, ctx.catalog, may_edit=policy.may_edit_partner(who, facts),
                        may_hand_over=policy.may_hand_over_partner(who, facts))


# --- the card -------------------------------------------------------------------------

def create_partner(ctx: ServiceContext, *, actor: str, owner: str | None = None, **card: object) -> PartnerView:
    """Open a partner (a prospect unless ``kind`` says otherwise). A rep's partner is
    their own; a manager or admin may name a rep as ``owner`` (else it has none).
    Another active partner with the same tax id is a FormError: never doubled."""
    now = ctx.now()

    def work(session: Session) -> PartnerView:
        actor_row = people.user(session, actor)
        who = visibility.actor_of(session, actor_row)
        policy.require(policy.may_create_partner(who),
                       f"'{actor}' is a {actor_row.role} and may not open partners")
        values = rules.card(card)
        owner_id = _owner_for(session, who, actor_row, owner)
        _no_other_with_tax_id(session, values.get("tax_id"), None)
        name, kind, currency = values.pop("name"), values.pop("kind"), values.pop("currency")
        with _one_per_tax_id():
            row = partner_store.add_partner(session, name=name, kind=kind, owner_id=owner_id,
                                            actor_id=actor_row.id, now=now, currency=currency, card=values)
        return _card(ctx, session, actor_row, row, partner_store.partner_facts(session, row))

    return unit_of_work.run(ctx, work, changed=CHANGED)


def _owner_for(session: Session, who: policy.Actor, actor_row, owner: object) -> int | None:
    """The new partner's owner: a rep's own; the rep a manager or admin names."""
    if who.role is policy.Role.REP:
        if owner not in (None, "", actor_row.username):
            raise FormError({"owner": "a rep opens partners of their own; leave the owner empty"})
        return actor_row.id
    if owner in (None, ""):
        return None
    found = people.find_user(session, owner, active_only=True) if isinstance(owner, str) else None
    if found is None:
        raise FormError({"owner": "no such user"})
    if not policy.may_own_deals(found.role):
        raise FormError({"owner": f"'{owner}' is a {found.role}, not a rep; a partner's owner is a rep"})
    return found.id


TAX_ID_TAKEN = "another partner already has this tax id"


def _one_per_tax_id():
    return partner_store.refusing_a_second_tax_id(FormError({"tax_id": TAX_ID_TAKEN}))


def _no_other_with_tax_id(session: Session, tax_id: str | None, partner_id: int | None) -> None:
    """The check that gives the clear message; ``_one_per_tax_id`` the same when two
    writers pass it at once (the unique index of active partners' tax ids,
    migration 0013)."""
    other = partner_store.partner_with_tax_id(session, tax_id) if tax_id else None
    if other is not None and other != partner_id:
        raise FormError({"tax_id": TAX_ID_TAKEN})


def update_partner(ctx: ServiceContext, partner_id: int, *, actor: str, **changes: object) -> PartnerView:
    """Change the fields named in ``changes`` (card fields; not the owner: handing a
    partner over is its own use case). The history entry lists each field that
    changed with its value before and after; no change at all records nothing."""
    now = ctx.now()

    def work(session: Session) -> PartnerView:
        actor_row, row, facts = _for_change(session, actor, partner_id)
        values = rules.card(changes, country=row.country, partial=True)
        if "tax_id" in values and values["tax_id"] != row.tax_id:  # a form sends it unchanged too
            _no_other_with_tax_id(session, values["tax_id"], row.id)
            row.tax_id_clash = False  # a new tax id: the index holds it to it (migration 0013)
        changed = {name: [_shown(getattr(row, name)), _shown(value)] for name, value in values.items()
                   if getattr(row, name) != value}
        if changed:
            for name in changed:
                setattr(row, name, values[name])
            if "name" in changed or "city" in changed:
                row.name_city_key = partner_store.name_city_key(row.name, row.city)
            if "email" in changed:
                row.email_domain = partner_store.email_domain(row.email)
            row.updated_at = now
            partner_store.record_partner_event(session, row.id, "updated", actor_row.id, now, changes=changed)
        with _one_per_tax_id():
            session.flush()
        return _card(ctx, session, actor_row, row, facts)

    return unit_of_work.run(ctx, work, changed=CHANGED)


def _shown(value: object) -> object:
    """A value as the history keeps it (JSON): Decimal as text."""
    return str(value) if isinstance(value, Decimal) else value


def archive_partner(ctx: ServiceContext, partner_id: int, *, actor: str) -> PartnerView:
    """Archive an active partner: it leaves the list (status filter) and becomes
    read-only; its deals and history stay. ConflictError if already archived."""
    return _set_status(ctx, partner_id, actor, "archived")


def restore_partner(ctx: ServiceContext, partner_id: int, *, actor: str) -> PartnerView:
    """Make an archived partner active again; ConflictError if it is active."""
    return _set_status(ctx, partner_id, actor, "active")


def _set_status(ctx: ServiceContext, partner_id: int, actor: str, status: str) -> PartnerView:
    now = ctx.now()

    def work(session: Session) -> PartnerView:
        actor_row, row, facts = _for_change(session, actor, partner_id, archived_ok=True)
        if row.status == status:
            raise ConflictError(f"partner {partner_id} is already {status}")
        if status == "active" and row.tax_id and not row.tax_id_clash:
            other = partner_store.partner_with_tax_id(session, row.tax_id)
            if other is not None:
                raise ConflictError(f"active partner {other} has this partner's tax id {row.tax_id}; "
                                    "change one of them before restoring this one")
        row.status = status
        row.archived_at = now if status == "archived" else None
        row.archive_batch_id = None  # archived or restored by hand, not by a bulk archival any more
        row.updated_at = now
        partner_store.record_partner_event(session, row.id, "archived" if status == "archived" else "restored",
                                           actor_row.id, now)
        with partner_store.refusing_a_second_tax_id(ConflictError(  # taken after the check above
                f"an active partner has this partner's tax id {row.tax_id}; "
                "change one of them before restoring this one")):
            session.flush()
        return _card(ctx, session, actor_row, row, facts)

    return unit_of_work.run(ctx, work, changed=CHANGED)


def _for_change(session: Session, username: str, partner_id: int, *, archived_ok: bool = False):
    """The actor, the partner (row-locked) and its facts read under the lock, if the
    actor may see and edit it, and it is active (unless ``archived_ok``)."""
    actor_row, row, facts = visibility.visible_partner(session, username, partner_id, lock=True)
    visibility.check_edits_partner(session, actor_row, row, facts)
    if row.status != "active" and not archived_ok:
        raise ConflictError(f"partner {row.id} is archived; restore it before changing it")
    return actor_row, row, facts


# --- contact persons ------------------------------------------------------------------

def add_partner_contact(ctx: ServiceContext, partner_id: int, *, actor: str, name: object, function: object = "",
                        email: object = None, phone: object = None) -> PartnerContactView:
    now = ctx.now()

    def work(session: Session) -> PartnerContactView:
        actor_row, row, _ = _for_change(session, actor, partner_id)
        values = rules.contact(dict(name=name, function=function, email=email, phone=phone))
        contact = PartnerContact(partner_id=row.id, active=True, created_at=now, updated_at=now, **values)
        session.add(contact)
        session.flush()
        partner_store.record_partner_event(session, row.id, "contact_added", actor_row.id, now,
                                           contact=contact.name, contact_id=contact.id)
        return contact_view(contact)

    return unit_of_work.run(ctx, work, changed=CHANGED)


def update_partner_contact(ctx: ServiceContext, contact_id: int, *, actor: str,
                           **changes: object) -> PartnerContactView:
    """Change a contact person's name, function, e-mail, phone, or ``active`` (a
    person who left the company stays in the history, inactive)."""
    now = ctx.now()
    missing = f"no partner contact {contact_id}"

    def work(session: Session) -> PartnerContactView:
        visibility.known_id(contact_id, missing)
        found = session.get(PartnerContact, contact_id)
        if found is None:
            raise NotFoundError(missing)
        try:
            actor_row, row, _ = _for_change(session, actor, found.partner_id)
        except NotFoundError:
            raise NotFoundError(missing) from None  # says nothing of the partner
        contact = session.get(PartnerContact, contact_id, populate_existing=True)  # as stored under the lock
        given = dict(changes)
        active = given.pop("active", None)
        if active is not None and not isinstance(active, bool):
            raise FormError({"active": "true or false"})
        values = rules.contact(given, partial=True)
        if active is not None:
            values["active"] = active
        changed = {name: [getattr(contact, name), value] for name, value in values.items()
                   if getattr(contact, name) != value}
        if changed:
            for name, (_, value) in changed.items():
                setattr(contact, name, value)
            contact.updated_at = now
            partner_store.record_partner_event(session, row.id, "contact_updated", actor_row.id, now,
                                               contact=contact.name, contact_id=contact.id, changes=changed)
        session.flush()
        return contact_view(contact)

    return unit_of_work.run(ctx, work, changed=CHANGED)
