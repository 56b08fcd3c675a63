"""`dealflow validate` on BPMN whose conditions and timers are written in FEEL, as
Camunda 8's modeler saves them (``= …``): the supported subset validates (checked as
what it is translated into), the rest is refused as `path:line: message`."""

from __future__ import annotations

import pytest

from tests.methodology.test_juel_in_files import BPMN, validate


@pytest.mark.parametrize("condition", [
    '= result = "accepted"',
    '=not(result != "accepted")',
    '= result = "accepted" and string length(result) &gt; 0',
    '= if contains(result, "acc") then true else false',
])
def test_feel_conditions_in_the_supported_subset_validate(tmp_path, monkeypatch, condition):
    result = validate(tmp_path, monkeypatch, condition=condition)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("timer", [
    ("timeDuration", '=duration("P3D")'),
    ("timeDuration", '=@"PT5M"'),
    ("timeDuration", '="P3D"'),
    ("timeDate", '=date and time("2026-12-01T10:00:00Z")'),
])
def test_feel_timers_validate(tmp_path, monkeypatch, timer):
    result = validate(tmp_path, monkeypatch, timer=timer)
    assert result.exit_code == 0, result.output


def test_feel_outside_the_subset_is_refused_at_the_conditions_line(tmp_path, monkeypatch):
    result = validate(tmp_path, monkeypatch, condition='= append(results, 1) = "accepted"')
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{BPMN}:77: condition of sequence flow 'Flow_Won': the FEEL function "
                                    "append() is not supported in conditions"), result.stdout


def test_a_feel_condition_reading_an_unset_variable_is_named(tmp_path, monkeypatch):
    result = validate(tmp_path, monkeypatch, condition='= verdict = "accepted"')
    assert result.exit_code == 1
    assert f"{BPMN}:77: condition of sequence flow 'Flow_Won' reads 'verdict', which nothing sets" \
        in result.stdout


def test_a_feel_timer_with_months_is_refused(tmp_path, monkeypatch):
    result = validate(tmp_path, monkeypatch, timer=("timeDuration", '=duration("P1M")'))
    assert result.exit_code == 1
    assert "duration() cannot use years or months" in result.stdout
