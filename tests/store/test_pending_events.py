"""Events noted in a session are written at its next ORM read, in order, with their
deal's id — also when the deal was expired meanwhile (a savepoint's rollback expires
it): the id comes from the deal's identity, and the read that writes them does not
come back to write them again (it recursed until Python's limit before). SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from engine.service import unit_of_work
from engine.store.events import PENDING, record_event
from engine.store.models import Event, Opportunity

T0 = datetime(2026, 12, 5, 9, tzinfo=timezone.utc)


def test_events_of_an_expired_deal_are_written_once_at_the_next_read(engine):
    deal = engine.create_opportunity(title="Kiosk", amount="1000.00", partner="Hotel Rex", actor="manager",
                                     owner="rep1", attributes={"channel": "retail"})

    def work(session):
        row = session.get(Opportunity, deal.id)
        record_event(session, row, "note_a", None, T0, text="first")
        record_event(session, row, "note_b", None, T0, text="second")
        session.expire(row)  # as a savepoint's rollback leaves it
        kinds = [e.kind for e in session.scalars(select(Event).where(Event.opportunity_id == deal.id)
                                                 .order_by(Event.id))]
        assert not session.info.get(PENDING)
        return kinds

    kinds = unit_of_work.run(engine.context, work)
    assert kinds[-2:] == ["note_a", "note_b"] and kinds.count("note_a") == 1
    shown = [e.kind for e in engine.show_opportunity(deal.id).events]
    assert shown.count("note_a") == shown.count("note_b") == 1
