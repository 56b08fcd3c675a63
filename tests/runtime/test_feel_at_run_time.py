"""FEEL conditions and timers (Camunda 8's ``= …``) on real SpiffWorkflow: translated
once into Dealflow's language, they route the deal and set the timer's moment."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from engine.runtime.workflow import ProcessRunner
from tests.runtime.test_real_world_timers import T0, Run, gateway, waiting


@pytest.mark.parametrize("won, lost, data, end", [
    ("= approved", "=not(approved)", {"approved": True}, "Won"),
    ("= approved", "=not(approved)", {"approved": False}, "Lost"),
    ('= deal.amount > 1000 and deal.region = "EMEA"', '= deal.amount <= 1000 or deal.region != "EMEA"',
     {"deal": {"amount": 5000, "region": "EMEA"}}, "Won"),
    ('= flag = "true"', '= flag != "true"', {"flag": True}, "Lost"),
    ('= if contains(note, "yes") then true else false', '= not(contains(note, "yes"))', {"note": "yes!"}, "Won"),
])
def test_feel_conditions_route_the_deal(won, lost, data, end):
    runner = ProcessRunner.from_files({"p.bpmn": gateway(won, lost)}, {}, "p")
    state, result = runner.start({}, T0)
    state, result = runner.complete(state, result.ready[0].task_id, data, T0)
    assert result.error is None and result.ended_at == (end,)


@pytest.mark.parametrize("part, body, data, due", [
    ("timeDuration", '=duration("PT2H")', {}, T0 + timedelta(hours=2)),
    ("timeDuration", '=@"P1D"', {}, T0 + timedelta(days=1)),
    ("timeDuration", "=wait", {"wait": "PT30M"}, T0 + timedelta(minutes=30)),
    ("timeDate", '=date and time("2026-12-01T10:00:00Z")', {}, datetime(2026, 12, 1, 10, tzinfo=timezone.utc)),
])
def test_a_feel_timer_sets_the_timers_moment(part, body, data, due):
    run = Run(waiting(part, body), data)
    assert run.result.error is None
    assert run.result.timers[0].due == due
