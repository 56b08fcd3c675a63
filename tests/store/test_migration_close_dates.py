"""Migration 0007 carries today's deals over: each gets an expected close date, so
that none falls out of every forecast period."""

from datetime import date, datetime, timezone

from alembic import command
from sqlalchemy import text

from engine.store.db import _alembic_config, make_engine, schema_is_current, upgrade
from tests.conftest import make_engine as make_dealflow


def test_open_deals_get_their_quarter_end_and_closed_ones_the_day_they_closed(db_url, clock):
    dealflow = make_dealflow(db_url, clock)  # the clock stands at 2026-11-02
    open_deal = dealflow.create_opportunity(title="CRM", amount="1000", partner="Acme", actor="manager")
    won_deal = dealflow.create_opportunity(title="ERP", amount="2000", partner="Beta", actor="manager")
    dealflow.close()

    engine = make_engine(db_url)
    command.downgrade(_alembic_config(engine), "0006")
    won_at = datetime(2027, 1, 15, 23, 30, tzinfo=timezone.utc)
    with engine.begin() as connection:
        connection.execute(text("UPDATE opportunities SET status = 'won', closed_at = :at WHERE id = :id"),
                           {"at": won_at.replace(tzinfo=None) if engine.dialect.name == "sqlite" else won_at,
                            "id": won_deal.id})
    upgrade(engine)
    assert schema_is_current(engine)
    with engine.connect() as connection:
        days = dict(connection.execute(text("SELECT id, expected_close_date FROM opportunities")).all())
    engine.dispose()

    def as_date(value):
        return value if isinstance(value, date) else date.fromisoformat(value)

    assert as_date(days[open_deal.id]) == date(2026, 12, 31)
    assert as_date(days[won_deal.id]) == date(2027, 1, 15)
