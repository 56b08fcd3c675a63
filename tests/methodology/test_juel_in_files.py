"""`dealflow validate` on BPMN written the way Camunda Modeler users write it: JUEL
conditions and unquoted timers are accepted (checked as what they are translated into),
everything outside the supported subset is refused as `path:line: message`, all at once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli import main
from tests.conftest import BASE_METHODOLOGY

CONDITION = ">result == 'accepted'<"  # Flow_Won, line 77 of the base process
TIMER = '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"P3D"</bpmn:timeDuration>'  # line 41
BPMN = "methodologies/bpmn/deal.bpmn"


def validate(tmp_path: Path, monkeypatch, *, condition: str | None = None, timer: tuple[str, str] | None = None,
             routing_when: str | None = None):
    target = tmp_path / "methodologies"
    shutil.copytree(BASE_METHODOLOGY, target)
    bpmn = target / "bpmn" / "deal.bpmn"
    text = bpmn.read_text("utf-8")
    assert CONDITION in text and TIMER in text
    if condition is not None:
        text = text.replace(CONDITION, f">{condition}<")
    if timer is not None:
        part, body = timer
        text = text.replace(TIMER, f'<bpmn:{part} xsi:type="bpmn:tFormalExpression">{body}</bpmn:{part}>')
    bpmn.write_text(text, "utf-8")
    if routing_when is not None:
        routing = target / "routing" / "default.yaml"
        routing.write_text(routing.read_text("utf-8").replace(
            "when: channel == 'horeca' and currency == 'PLN' and amount < 50000", f"when: {routing_when}"), "utf-8")
    monkeypatch.chdir(tmp_path)
    return CliRunner().invoke(main, ["validate", "methodologies"])


@pytest.mark.parametrize("condition", [
    "${result == 'accepted'}",
    "#{result eq 'accepted'}",
    "${result.equals('accepted')}",
    "${!(result != 'accepted') &amp;&amp; not empty result}",
    "${result == 'accepted' ? true : false}",
])
def test_juel_conditions_in_the_supported_subset_validate(tmp_path, monkeypatch, condition):
    result = validate(tmp_path, monkeypatch, condition=condition)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("OK:")


@pytest.mark.parametrize("timer", [
    ("timeDuration", "P3D"),
    ("timeDuration", "PT5M"),
    ("timeDuration", "${amount > 1000 ? 'P3D' : 'P7D'}"),
    ("timeDuration", "days(3)"),
    ("timeDate", "2026-12-01T10:00:00Z"),
    ("timeCycle", "R3/PT10M"),
    ("timeCycle", "R/P1D"),
    ("timeCycle", "R3/2026-12-01T10:00:00Z/PT1H"),
    ("timeCycle", "0 0/5 * * * ?"),
    ("timeCycle", "0 0 9 * * ?"),
    ("timeCycle", '"R3/PT10M"'),
])
def test_timers_as_modelers_write_them_validate(tmp_path, monkeypatch, timer):
    result = validate(tmp_path, monkeypatch, timer=timer)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("condition, message", [
    ("${approver.isManager()}",
     "condition of sequence flow 'Flow_Won': method calls are not supported in conditions: "
     "`${approver.isManager()}`; compute the value in a form field or a script task and compare it: "
     "`${is_manager}`"),
    ("${execution.getVariable('result') == 'accepted'}",
     "condition of sequence flow 'Flow_Won': `execution.getVariable('result')` reads Camunda's process "
     "instance, which Dealflow does not have; read the variable by its name: `${result}`"),
    ("${''.__class__}",
     "condition of sequence flow 'Flow_Won': names starting with '_' are private to the engine: '.__class__'"),
    ("${result}); __import__('os').system('id'); (${result}",
     "condition of sequence flow 'Flow_Won': text after the closing '}' at column 9: write the whole "
     "condition as one ${…}, e.g. ${a &amp;&amp; b} rather than ${a} and ${b}".replace("&amp;", "&")),
    ("${open('/etc/passwd')}",
     "condition of sequence flow 'Flow_Won': function calls are not supported in conditions: "
     "`${open('/etc/passwd')}`; compute the value in a form field or a script task and compare it: `${open}`"),
    ("${result == 'accepted' &amp;&amp; len(result) > 0}",
     "condition of sequence flow 'Flow_Won': function calls are not supported in conditions: `len(result)`; "
     "compute the value in a form field or a script task and compare it: `${len}`"),
    ("${globals == 'x'}",
     "condition of sequence flow 'Flow_Won': 'globals' is not allowed: it reaches Python internals, files or "
     "code; if it is a field, read it as record['globals']"),
    # 'type' is a field name a variable may have (docs/expressions.md): here nothing sets it
    ("${type == 'x'}",
     "condition of sequence flow 'Flow_Won' reads 'type', which nothing sets: no form field, script or decision "
     "of the methodology and no opportunity attribute a routing condition reads; add a form field 'type' to the "
     "user task before it (a form Camunda or Flowable kept outside the file, formKey, does not come along)"),
])
def test_juel_outside_the_subset_is_refused_at_its_line(tmp_path, monkeypatch, condition, message):
    result = validate(tmp_path, monkeypatch, condition=condition)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [f"{BPMN}:77: {message}"]


@pytest.mark.parametrize("timer, message", [
    (("timeCycle", "PT10M"),
     "timer timeCycle of 'Timer_Chase': 'PT10M' is a duration, but a timeCycle needs a repeating cycle such "
     "as \"R3/PT10M\" (three times) or \"R/PT1H\" (forever); to repeat it write R/PT10M (forever) or "
     "R3/PT10M (three times)"),
    (("timeDuration", "0 0/5 * * * ?"),
     "timer timeDuration of 'Timer_Chase': '0 0/5 * * * ?' is a cron expression, which only a timeCycle "
     "may hold; a timeDuration needs a duration such as \"PT5M\" or \"P3D\""),
    (("timeDuration", "2026-12-01T10:00:00Z"),
     "timer timeDuration of 'Timer_Chase': '2026-12-01T10:00:00Z' is a date-time, but a timeDuration needs "
     "a duration such as \"PT5M\" or \"P3D\""),
    (("timeCycle", "R0/PT10M"),
     "timer timeCycle of 'Timer_Chase': 'R0/PT10M' repeats zero times, so it never fires: write R1/… or more"),
    (("timeDate", "${deal.closeDate()}"),
     "timer timeDate of 'Timer_Chase': method calls are not supported in timers: `${deal.closeDate()}`; "
     "compute the value in a form field or a script task and use it: `${close_date}`"),
    (("timeDuration", "'three days'"),
     "timer timeDuration of 'Timer_Chase': 'three days' is not an ISO 8601 duration (\"P3D\", \"PT5M\"), "
     "date-time (\"2026-12-01T10:00:00Z\") or cycle (\"R3/PT10M\")"),
])
def test_timer_bodies_that_cannot_work_are_refused_at_their_line(tmp_path, monkeypatch, timer, message):
    result = validate(tmp_path, monkeypatch, timer=timer)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [f"{BPMN}:41: {message}"]


def test_every_problem_is_reported_at_once(tmp_path, monkeypatch):
    result = validate(tmp_path, monkeypatch, condition="${bean.ok()}", timer=("timeCycle", "0 0 9 ? * MON-FRI"),
                      routing_when="${channel == 'horeca'}")
    lines = result.stdout.splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == [
        f"{BPMN}:41", f"{BPMN}:77", "methodologies/routing/default.yaml:10"]
    assert "cron expression '0 0 9 ? * MON-FRI'" in lines[0] and "`${ok}`" in lines[1]


def test_juel_in_a_routing_rule_is_still_refused_there(tmp_path, monkeypatch):
    result = validate(tmp_path, monkeypatch, routing_when="${channel == 'horeca'}")
    assert result.stdout.splitlines() == [
        "methodologies/routing/default.yaml:10: condition of segment 'horeca' is written in JUEL "
        "(${channel == 'horeca'}); routing rules are written in Dealflow's expression language, "
        "e.g. channel == 'horeca'"]


def test_a_timer_reading_a_variable_nothing_sets_is_named(tmp_path, monkeypatch):
    result = validate(tmp_path, monkeypatch, timer=("timeDuration", "${chase_after}"))
    assert result.exit_code == 1
    assert "timer timeDuration of 'Timer_Chase' reads 'chase_after', which nothing sets" in result.stdout
