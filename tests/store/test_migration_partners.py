"""Migration 0006 carries today's deals over: every deal gets a partner record."""

from datetime import datetime, timezone

from alembic import command
from sqlalchemy import text

from engine.store.db import _alembic_config, make_engine, schema_is_current, upgrade
from tests.conftest import make_engine as make_dealflow


def _deal(engine, title, partner, **attributes):
    return engine.create_opportunity(title=title, amount="1000", partner=partner, attributes=attributes,
                                     actor="manager")


def test_every_existing_deal_gets_a_partner_and_a_won_one_makes_a_customer(db_url, clock):
    dealflow = make_dealflow(db_url, clock)
    first = _deal(dealflow, "CRM", "ACME Sp. z o.o.", territory="north", industry="retail")
    second = _deal(dealflow, "ERP", "Acme spółka z ograniczoną odpowiedzialnością")
    third = _deal(dealflow, "BI", "Beta")
    dealflow.close()

    engine = make_engine(db_url)
    command.downgrade(_alembic_config(engine), "0005")
    won_at = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
    with engine.begin() as connection:
        assert "partner_id" not in {c for c in connection.execute(text("SELECT * FROM opportunities")).keys()}
        connection.execute(text("UPDATE opportunities SET status = 'won', closed_at = :at WHERE id = :id"),
                           {"at": won_at.replace(tzinfo=None) if engine.dialect.name == "sqlite" else won_at,
                            "id": second.id})
    upgrade(engine)
    assert schema_is_current(engine)
    with engine.connect() as connection:
        deals = dict(connection.execute(text("SELECT id, partner_id FROM opportunities")).all())
        partners = {row.id: row for row in connection.execute(text(
            "SELECT id, name, kind, territory, industry, became_customer_opportunity_id FROM partners"))}
        history = connection.execute(text(
            "SELECT partner_id, kind FROM partner_events ORDER BY id")).all()
    engine.dispose()

    assert deals[first.id] == deals[second.id] != deals[third.id]      # two spellings, one company
    acme, beta = partners[deals[first.id]], partners[deals[third.id]]
    assert len(partners) == 2
    assert (acme.name, acme.kind, acme.territory, acme.industry) == ("ACME Sp. z o.o.", "customer", "north", "retail")
    assert acme.became_customer_opportunity_id == second.id
    assert beta.kind == "prospect"
    assert (acme.id, "became_customer") in history and (beta.id, "created") in history


def test_a_new_deal_finds_its_partner_by_name_or_opens_a_prospect(engine):
    first = _deal(engine, "CRM", "Gamma S.A.", territory="south")
    again = _deal(engine, "ERP", "GAMMA spółka akcyjna")
    other = _deal(engine, "BI", "Delta")
    with engine._engine.connect() as connection:
        rows = dict(connection.execute(text("SELECT id, partner_id FROM opportunities")).all())
        kinds = connection.execute(text("SELECT name, kind, territory FROM partners ORDER BY id")).all()
    assert rows[first.id] == rows[again.id] != rows[other.id]
    assert [tuple(k) for k in kinds] == [("Gamma S.A.", "prospect", "south"), ("Delta", "prospect", None)]
