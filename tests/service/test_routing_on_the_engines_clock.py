"""A routing condition that reads today() is decided on the engine's clock, as the
process's expressions are — not on the wall clock of the machine that opens the deal
(it was, so a deal opened on a FakeClock, or replayed with DEALFLOW_NOW, was routed by
the real date). On SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from contextlib import closing

from tests.conftest import BASE_METHODOLOGY, make_engine

LAUNCH_DAY = """segments:
  - id: launch-day
    name: Launch day
    when: today() == date('2026-11-02')
    methodology: small-deal
    team: horeca
    assignment: round_robin
"""


def test_a_condition_on_today_routes_by_the_engines_day(db_url, clock, tmp_path):
    target = tmp_path / "methodologies"
    shutil.copytree(BASE_METHODOLOGY, target)
    routing = target / "routing" / "default.yaml"
    routing.write_text(routing.read_text("utf-8").replace("segments:\n", LAUNCH_DAY, 1), "utf-8")
    deal = dict(title="Kiosk", amount="100.00", partner="Hotel Rex", actor="manager", attributes={"channel": "retail"})
    with closing(make_engine(db_url, clock, target)) as engine:  # the FakeClock's day: 2 November 2026
        assert engine.preview_opportunity(**deal).segment_id == "launch-day"
        assert engine.create_opportunity(**deal).segment_id == "launch-day"
        clock.advance(days=1)
        assert engine.create_opportunity(**deal).segment_id == "everyone-else"
