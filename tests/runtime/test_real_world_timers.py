"""Timers and conditions as modelers write them in Camunda Modeler — unquoted ISO 8601,
repeating cycles, cron, ${…} — run on real SpiffWorkflow, with the state saved and
restored between steps and time moved only by the `now` each step is given."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone

import pytest

from engine.runtime.workflow import ProcessRunner
from engine.methodology.timers import cron_cycle, timer_text
from tests.conftest import BASE_METHODOLOGY, make_engine

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs" targetNamespace="http://dealflow.test">
  <bpmn:process id="p" isExecutable="true">
"""
TAIL = "  </bpmn:process>\n</bpmn:definitions>\n"


def waiting(part: str, body: str) -> bytes:
    """start -> timer (part: body) -> user task After -> end."""
    return (HEAD + f"""
    <bpmn:startEvent id="start"/>
    <bpmn:intermediateCatchEvent id="Wait">
      <bpmn:timerEventDefinition><bpmn:{part} xsi:type="bpmn:tFormalExpression">{body}</bpmn:{part}>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:userTask id="After"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="Wait"/>
    <bpmn:sequenceFlow id="f2" sourceRef="Wait" targetRef="After"/>
    <bpmn:sequenceFlow id="f3" sourceRef="After" targetRef="end"/>
""" + TAIL).encode()


def reminding(cycle: str) -> bytes:
    """start -> user task Work (with a non-interrupting cycle timer -> user task Remind) -> end."""
    return (HEAD + f"""
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="Work"/>
    <bpmn:boundaryEvent id="Cycle" attachedToRef="Work" cancelActivity="false">
      <bpmn:timerEventDefinition><bpmn:timeCycle xsi:type="bpmn:tFormalExpression">{cycle}</bpmn:timeCycle>
      </bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:userTask id="Remind"/>
    <bpmn:endEvent id="end"/>
    <bpmn:endEvent id="reminded"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="Work"/>
    <bpmn:sequenceFlow id="f2" sourceRef="Work" targetRef="end"/>
    <bpmn:sequenceFlow id="f3" sourceRef="Cycle" targetRef="Remind"/>
    <bpmn:sequenceFlow id="f4" sourceRef="Remind" targetRef="reminded"/>
""" + TAIL).encode()


class Run:
    """One workflow; only the spec text and the state text survive between steps."""

    def __init__(self, bpmn: bytes, data: dict | None = None, now: datetime = T0):
        self.spec_text = ProcessRunner.from_files({"p.bpmn": bpmn}, {}, "p").spec_text()
        self.state, self.result = self.runner().start(data or {}, now)

    def runner(self) -> ProcessRunner:
        return ProcessRunner.from_spec_text(self.spec_text)

    def fire(self, at: datetime):
        self.state, self.result = self.runner().fire_due_timers(self.state, at)
        return self.result

    def ready(self, node_id: str) -> int:
        return sum(1 for t in self.result.ready if t.node_id == node_id)


# --- one-off timers, unquoted --------------------------------------------------------------

@pytest.mark.parametrize("part, body, due", [
    ("timeDuration", "PT5M", T0 + timedelta(minutes=5)),
    ("timeDuration", "\n        P3D\n      ", T0 + timedelta(days=3)),
    ("timeDuration", '"PT0.5S"', T0 + timedelta(milliseconds=500)),
    ("timeDate", "2026-12-01T10:00:00Z", datetime(2026, 12, 1, 10, tzinfo=timezone.utc)),
    ("timeDate", "2026-12-01T10:00:00", datetime(2026, 12, 1, 10, tzinfo=timezone.utc)),
    ("timeDate", "2026-12-01T11:00:00+01:00", datetime(2026, 12, 1, 10, tzinfo=timezone.utc)),
])
def test_an_unquoted_iso_timer_waits_until_its_moment_and_then_fires(part, body, due):
    run = Run(waiting(part, body))
    assert run.result.error is None
    assert [(t.node_id, t.due) for t in run.result.timers] == [("Wait", due)]
    assert run.fire(due - timedelta(milliseconds=1)).ready == ()
    fired = run.fire(due + timedelta(seconds=1))
    assert fired.reached == ("Wait", "After") and run.ready("After") == 1


def test_a_date_time_without_a_zone_is_utc_not_the_servers_local_time():
    run = Run(waiting("timeDate", "2026-12-01T10:00:00"))
    assert run.result.timers[0].due == datetime(2026, 12, 1, 10, tzinfo=timezone.utc)


@pytest.mark.parametrize("body, data, due", [
    ("${reminder_delay}", {"reminder_delay": "PT2H"}, T0 + timedelta(hours=2)),
    ("#{reminder_delay}", {"reminder_delay": "P1D"}, T0 + timedelta(days=1)),
    ("reminder_delay", {"reminder_delay": "PT2H"}, T0 + timedelta(hours=2)),
    ("f'P{days_to_wait}D'", {"days_to_wait": 4}, T0 + timedelta(days=4)),
    ("days(days_to_wait) + hours(1)", {"days_to_wait": 4}, T0 + timedelta(days=4, hours=1)),
    ("${deal.wait}", {"deal": {"wait": "PT30M"}}, T0 + timedelta(minutes=30)),
])
def test_a_duration_computed_by_an_expression_or_juel_reads_task_data(body, data, due):
    run = Run(waiting("timeDuration", body), data)
    assert run.result.error is None
    assert run.result.timers[0].due == due


def test_a_date_computed_from_task_data_is_the_timers_moment():
    run = Run(waiting("timeDate", "${follow_up}"), {"follow_up": "2026-11-20T08:30:00Z"})
    assert run.result.timers[0].due == datetime(2026, 11, 20, 8, 30, tzinfo=timezone.utc)


@pytest.mark.parametrize("part, body, data, words", [
    ("timeDuration", "${wait}", {"wait": "R3/PT10M"}, "'R3/PT10M' is a repeating cycle, but a timeDuration needs"),
    ("timeDuration", "${wait}", {"wait": "soon"}, "'soon' is not an ISO 8601 duration"),
    ("timeDuration", "${wait}", {"wait": 5}, "the timer's value is the number 5"),
    ("timeDate", "${when}", {"when": "PT5M"}, "'PT5M' is a duration, but a timeDate needs"),
    ("timeDuration", "${missing}", {}, "unknown variable 'missing'"),
])
def test_a_computed_timer_value_of_the_wrong_kind_is_an_error_on_the_timer_not_a_crash(part, body, data, words):
    run = Run(waiting(part, body), data)
    assert run.result.error is not None and run.result.error.node_id == "Wait"
    assert words in run.result.error.message


# --- cycles ------------------------------------------------------------------------

@pytest.mark.parametrize("cycle", ["R3/PT10M", '"R3/PT10M"', "${'R3/PT10M'}"])
def test_r3_fires_exactly_three_times_ten_minutes_apart(cycle):
    run = Run(reminding(cycle))
    assert [t.due for t in run.result.timers] == [T0 + timedelta(minutes=10)]
    seen = []
    for minutes in range(5, 65, 5):
        run.fire(T0 + timedelta(minutes=minutes, seconds=1))
        seen.append(run.ready("Remind"))
    assert seen == [0, 1, 1, 2, 2, 3, 3, 3, 3, 3, 3, 3]
    assert run.result.timers == () and run.ready("Work") == 1


def test_a_cycle_overdue_several_times_fires_once_per_step_and_stays_due_until_its_count_is_spent():
    run = Run(reminding("R3/PT10M"))
    late = T0 + timedelta(hours=5)
    counts = []
    for _ in range(5):
        run.fire(late)
        counts.append((run.ready("Remind"), run.result.next_due is not None and run.result.next_due <= late))
    # The worker picks the deal again while its next due time has passed.
    assert counts == [(1, True), (2, True), (3, False), (3, False), (3, False)]


def test_r_without_a_count_repeats_until_the_task_is_done():
    run = Run(reminding("R/PT1H"))
    for hours in range(1, 11):
        run.fire(T0 + timedelta(hours=hours, seconds=1))
    assert run.ready("Remind") == 10
    assert [t.due for t in run.result.timers] == [T0 + timedelta(hours=11)]


def test_a_cycle_with_a_start_moment_first_fires_then():
    run = Run(reminding("R2/2026-11-05T08:00:00Z/P1D"))
    assert [t.due for t in run.result.timers] == [datetime(2026, 11, 5, 8, tzinfo=timezone.utc)]
    run.fire(datetime(2026, 11, 5, 8, 1, tzinfo=timezone.utc))
    run.fire(datetime(2026, 11, 6, 8, 1, tzinfo=timezone.utc))
    run.fire(datetime(2026, 11, 9, 8, 1, tzinfo=timezone.utc))
    assert run.ready("Remind") == 2 and run.result.timers == ()


# --- cron ---------------------------------------------------------------------------

def test_a_quartz_cron_every_five_minutes_fires_on_the_five_minute_marks():
    run = Run(reminding("0 0/5 * * * ?"), now=T0 + timedelta(minutes=2, seconds=30))
    assert [t.due for t in run.result.timers] == [T0 + timedelta(minutes=5)]
    for minutes in (5, 10, 15):
        run.fire(T0 + timedelta(minutes=minutes, seconds=1))
    assert run.ready("Remind") == 3
    assert [t.due for t in run.result.timers] == [T0 + timedelta(minutes=20)]


@pytest.mark.parametrize("cron, now, expected", [
    ("0 0/5 * * * ?", T0 + timedelta(minutes=2), "R/2026-11-02T09:05:00+00:00/PT5M"),
    ("0/5 0/1 * 1/1 * ?", T0 + timedelta(seconds=7), "R/2026-11-02T09:00:10+00:00/PT5S"),
    ("0 0 * * * ?", T0, "R/2026-11-02T10:00:00+00:00/PT1H"),
    ("0 30 0/6 * * ?", T0, "R/2026-11-02T12:30:00+00:00/PT6H"),
    ("0 0 9 * * ?", T0, "R/2026-11-03T09:00:00+00:00/P1D"),
    ("0 0 9 ? * MON", T0, "R/2026-11-09T09:00:00+00:00/P7D"),  # T0 is a Monday, 09:00 has just passed
    ("0 0 9 ? * 2", T0, "R/2026-11-09T09:00:00+00:00/P7D"),  # Quartz: 2 is Monday
    ("0 9 * * 1", T0, "R/2026-11-09T09:00:00+00:00/P7D"),  # Unix: 1 is Monday
    ("*/15 * * * *", T0, "R/2026-11-02T09:15:00+00:00/PT15M"),
    ("0 0 12 * * ? *", T0, "R/2026-11-02T12:00:00+00:00/P1D"),
])
def test_fixed_interval_cron_becomes_an_endless_iso_cycle_from_its_next_firing(cron, now, expected):
    assert cron_cycle(cron, now) == expected


@pytest.mark.parametrize("cron, why", [
    ("0 0 9 ? * MON-FRI", "weekdays 'MON-FRI'"),
    ("0 0 9 1 * ?", "days of the month"),
    ("0 0 9 * JAN ?", "months"),
    ("0 0/7 * * * ?", "restarts unevenly every hour"),
    ("0 0/5 9-17 * * ?", "hours '9-17' is a list or range"),
    ("0 0/5 9 * * ?", "repeats only within some hours or minutes"),
    ("0 0 9 L * ?", "days of the month"),
    ("0 0 9 ? * 6#3", "weekdays '6#3'"),
    ("0 0 9 * * ? 2027", "names years"),
])
def test_cron_without_a_fixed_interval_is_refused_naming_cron_and_suggesting_an_iso_cycle(cron, why):
    with pytest.raises(ValueError) as caught:
        timer_text(cron, "timeCycle", T0)
    assert why in str(caught.value) and "R/PT5M" in str(caught.value)


def test_an_irregular_cron_in_a_process_is_an_error_on_its_timer():
    run = Run(reminding("0 0 9 ? * MON-FRI"))
    assert run.result.error is not None and run.result.error.node_id == "Cycle"
    assert "cron expression" in run.result.error.message


# --- JUEL gateway conditions at run time ------------------------------------------------------

def gateway(won: str, lost: str) -> bytes:
    return (HEAD + f"""
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="Decide"/>
    <bpmn:exclusiveGateway id="Gate"/>
    <bpmn:endEvent id="Won"/>
    <bpmn:endEvent id="Lost"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="Decide"/>
    <bpmn:sequenceFlow id="f2" sourceRef="Decide" targetRef="Gate"/>
    <bpmn:sequenceFlow id="won" sourceRef="Gate" targetRef="Won">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression"><![CDATA[{won}]]></bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="lost" sourceRef="Gate" targetRef="Lost">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression"><![CDATA[{lost}]]></bpmn:conditionExpression>
    </bpmn:sequenceFlow>
""" + TAIL).encode()


@pytest.mark.parametrize("won, lost, data, end", [
    ("${approved}", "${!approved}", {"approved": True}, "Won"),
    ("#{approved}", "#{!approved}", {"approved": False}, "Lost"),
    ("${clarified.equals('yes')}", "${clarified.equals('no')}", {"clarified": "no"}, "Lost"),
    ("${deal.amount > 1000 && deal.region eq 'EMEA'}", "${deal.amount <= 1000 || deal.region ne 'EMEA'}",
     {"deal": {"amount": 5000, "region": "EMEA"}}, "Won"),
    ("${flag == 'true'}", "${flag != 'true'}", {"flag": True}, "Lost"),
])
def test_juel_conditions_route_the_deal(won, lost, data, end):
    runner = ProcessRunner.from_files({"p.bpmn": gateway(won, lost)}, {}, "p")
    state, result = runner.start({}, T0)
    state, result = runner.complete(state, result.ready[0].task_id, data, T0)
    assert result.error is None and result.ended_at == (end,)


def test_a_juel_escape_smuggled_past_validation_is_an_error_and_nothing_runs(tmp_path):
    marker = tmp_path / "owned"
    for condition in ("${''.__class__.__base__.__subclasses__()}",
                      f"${{x}}); __import__('os').system('touch {marker}'); (${{y}}",
                      "${execution.getVariable('x')}"):
        runner = ProcessRunner.from_files({"p.bpmn": gateway(condition, "${true}")}, {}, "p")
        state, result = runner.start({}, T0)
        failed_state, failed = runner.complete(state, result.ready[0].task_id, {"x": 1, "y": 1}, T0)
        assert failed.error is not None and failed.error.node_id == "Gate", condition
        assert failed_state == state
    assert not marker.exists()


# --- through the engine, with its worker and the fake clock -----------------------------------

def test_the_worker_fires_an_r3_cycle_three_times_and_a_juel_gateway_closes_the_deal(db_url, clock, tmp_path):
    methodologies = tmp_path / "methodologies"
    shutil.copytree(BASE_METHODOLOGY, methodologies)
    bpmn = methodologies / "bpmn" / "deal.bpmn"
    text = bpmn.read_text("utf-8")
    text = text.replace('<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"P3D"</bpmn:timeDuration>',
                        '<bpmn:timeCycle xsi:type="bpmn:tFormalExpression">R3/P1D</bpmn:timeCycle>')
    text = text.replace(">result == 'accepted'<", ">${result.equals('accepted')}<")
    assert "R3/P1D" in text and "${result.equals" in text
    bpmn.write_text(text, "utf-8")
    engine = make_engine(db_url, clock, methodologies)
    try:
        deal = engine.create_opportunity(title="Acme", amount="1000.00", partner="P",
                                         attributes={"channel": "retail"}, actor="manager")

        def chases():
            return sum(1 for t in engine.show_opportunity(deal.id).open_tasks if t.node_id == "Task_Chase")

        fired = []
        for _ in range(2):
            clock.advance(days=1, minutes=1)
            fired.append(engine.fire_due_timers())
        assert fired == [1, 1] and chases() == 2
        clock.advance(days=10)  # the worker was down: the third reminder is overdue, and only the third
        assert engine.fire_due_timers() == 1 and chases() == 3
        clock.advance(days=10)
        assert engine.fire_due_timers() == 0 and chases() == 3

        qualify = next(t for t in engine.show_opportunity(deal.id).open_tasks if t.node_id == "Task_Qualify")
        engine.complete_task(qualify.id, actor="rep1", data={"amount": "5000", "interested": "true"})
        offer = next(t for t in engine.show_opportunity(deal.id).open_tasks if t.node_id == "Task_Offer")
        engine.complete_task(offer.id, actor="rep1", data={"result": "accepted"})
        assert engine.show_opportunity(deal.id).stage_id == "won"
    finally:
        engine.close()


def test_a_timer_computed_from_now_counts_from_the_steps_time_not_the_wall_clock():
    run = Run(waiting("timeDate", "now() + days(3) + hours(4)"), now=T0)
    assert run.result.error is None
    assert run.result.timers[0].due == T0 + timedelta(days=3, hours=4)
    run = Run(waiting("timeDuration", "${delay}"), {"delay": "PT1H"}, now=T0 + timedelta(days=400))
    assert run.result.timers[0].due == T0 + timedelta(days=400, hours=1)


def test_the_script_engine_refuses_untranslatable_juel_as_a_refusal_not_a_syntax_error():
    from engine.errors import ExpressionError
    from engine.runtime.script_engine import SafeScriptEngine

    engine = SafeScriptEngine()
    engine.validate("${approved && amount > 5}")
    with pytest.raises(ExpressionError, match="method calls are not supported"):
        engine.validate("${bean.check()}")
    with pytest.raises(SyntaxError):
        engine.validate("amount >")


def test_a_cycle_whose_start_has_passed_skips_the_missed_firings_instead_of_replaying_them():
    run = Run(reminding("R3/2026-11-02T08:00:00Z/PT1H"), now=T0 + timedelta(minutes=30))
    # 08:00 and 09:00 passed before the deal got here: of three firings, 10:00 is left.
    assert run.result.error is None
    assert [t.due for t in run.result.timers] == [T0 + timedelta(hours=1)]
    run.fire(T0 + timedelta(hours=1, seconds=1))
    assert run.ready("Remind") == 1 and run.result.timers == ()
    run.fire(T0 + timedelta(days=3))
    assert run.ready("Remind") == 1


def test_an_endless_cycle_from_a_past_start_fires_from_now_on():
    run = Run(reminding("R/2020-01-01T00:00:00Z/PT1H"), now=T0 + timedelta(minutes=30))
    assert [t.due for t in run.result.timers] == [T0 + timedelta(hours=1)]


@pytest.mark.parametrize("cycle, words", [
    ("R3/2020-01-01T00:00:00Z/PT1H", "every firing of 'R3/2020-01-01T00:00:00Z/PT1H' is in the past"),
    ("R/PT0S", "which is no time at all"),
])
def test_a_cycle_that_would_never_fire_or_never_stop_is_an_error_on_its_timer(cycle, words):
    run = Run(reminding(cycle))
    assert run.result.error is not None and run.result.error.node_id == "Cycle"
    assert words in run.result.error.message
