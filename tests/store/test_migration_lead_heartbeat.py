"""Migration 0010 gives the lead imports made before it a heartbeat: when they
finished, or else when they started (a running one is then seen as interrupted once
that is long ago, not running forever)."""

from datetime import timedelta

from alembic import command
from sqlalchemy import text

from engine.service import Engine
from engine.store.db import _alembic_config, make_engine, schema_is_current, upgrade
from tests.service.lead_fixtures import SAMPLE, people_engine


def test_imports_before_the_heartbeat_get_their_last_known_moment(db_url, clock, tmp_path, monkeypatch):
    monkeypatch.setenv("DEALFLOW_REJECTS_DIR", str(tmp_path / "rejects"))
    dealflow = people_engine(db_url, clock)
    started = clock.now
    done = dealflow.import_leads(SAMPLE, actor="manager")
    clock.advance(minutes=5)
    running = dealflow.start_lead_import(SAMPLE, file_name="leads.csv", actor="manager")
    dealflow.close()

    engine = make_engine(db_url)
    command.downgrade(_alembic_config(engine), "0009")
    upgrade(engine)
    assert schema_is_current(engine)
    engine.dispose()
    dealflow = Engine(db_url, clock=clock)
    assert dealflow.lead_import(done.id, viewer="manager").heartbeat_at == done.finished_at == started
    assert dealflow.lead_import(running, viewer="manager").heartbeat_at == started + timedelta(minutes=5)
    clock.advance(minutes=11)
    assert dealflow.lead_import(running, viewer="manager").status == "interrupted"
    dealflow.close()
