"""The report pages' date pickers end on the company's today, not the UTC day: at
23:30 UTC on 31 December 2026 Warsaw is on 1 January 2027, whose snapshot exists."""

from __future__ import annotations

from datetime import datetime, timezone

from tests.webui.pages_support import client_for


def test_the_date_pickers_allow_up_to_the_company_day(engine, app, clock):
    clock.advance(seconds=(datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc) - clock.now).total_seconds())
    engine.set_company_time_zone("Europe/Warsaw", actor="admin")
    manager = client_for(app, "manager")
    assert 'max="2027-01-01"' in manager.get("/reports/pipeline").text
    assert manager.get("/reports/changes").text.count('max="2027-01-01"') == 2
