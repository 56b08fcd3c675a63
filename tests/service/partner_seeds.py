"""Partners, contacts and activities written straight into a test's database, as they
would stand after months of use: the clock is the engine's (a FakeClock), so a test
sets it back to make a partner old."""

from __future__ import annotations

from datetime import timedelta

from engine.store import people
from engine.store.partner_models import Activity, Partner, PartnerContact
from engine.store.partners import add_partner


def seed_partner(engine, name: str, *, owner: str | None = "rep1", kind: str = "prospect", city: str = "Łódź",
                 email: str | None = None, phone: str | None = None, territory: str | None = None,
                 tax_id: str | None = None, contacts: tuple[tuple[str, str | None, str | None], ...] = ()) -> int:
    """A partner created now (by the engine's clock), with ``contacts`` as (name,
    e-mail, phone); its id."""
    now = engine.now()
    with engine._sessions() as session, session.begin():
        owner_id = people.user_id(session, owner) if owner else None
        card = {"city": city, "email": email, "phone": phone, "territory": territory, "tax_id": tax_id}
        partner = add_partner(session, name=name, kind=kind, owner_id=owner_id, actor_id=owner_id, now=now,
                              card={k: v for k, v in card.items() if v is not None})
        for contact_name, contact_email, contact_phone in contacts:
            session.add(PartnerContact(partner_id=partner.id, name=contact_name, function="buyer",
                                       email=contact_email, phone=contact_phone, active=True, created_at=now,
                                       updated_at=now))
        return partner.id


def seed_activity(engine, partner_id: int, *, owner: str = "rep1", status: str = "done",
                  starts_in: timedelta = timedelta(0)) -> None:
    now = engine.now()
    with engine._sessions() as session, session.begin():
        owner_id = people.user_id(session, owner)
        session.add(Activity(partner_id=partner_id, kind="call", subject="a call", owner_id=owner_id,
                             starts_at=now + starts_in, duration_minutes=15, status=status, outcome="", notes="",
                             created_by_id=owner_id, created_at=now, updated_at=now,
                             done_at=now if status == "done" else None, sequence=0))


def partner_row(engine, partner_id: int) -> Partner | None:
    with engine._sessions() as session:
        row = session.get(Partner, partner_id)
        if row is not None:
            session.expunge(row)
        return row
