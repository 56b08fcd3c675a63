"""engine.methodology.due_dates, pure: camunda:dueDate as a duration from now or a date-time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from engine.methodology.due_dates import due_at, problem_with

NOW = datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc)


@pytest.mark.parametrize(("text", "due"), [
    ("P3D", datetime(2026, 11, 5, 9, 30, tzinfo=timezone.utc)),
    ("PT4H", datetime(2026, 11, 2, 13, 30, tzinfo=timezone.utc)),
    ("pt4h", datetime(2026, 11, 2, 13, 30, tzinfo=timezone.utc)),
    (" P1W ", datetime(2026, 11, 9, 9, 30, tzinfo=timezone.utc)),
    ("P1DT2H30M", datetime(2026, 11, 3, 12, 0, tzinfo=timezone.utc)),
    ("PT0.5S", NOW + timedelta(milliseconds=500)),
])
def test_a_duration_counts_from_when_the_task_becomes_ready(text, due):
    assert due_at(text, NOW) == due


@pytest.mark.parametrize(("text", "due"), [
    ("2026-12-01T10:00:00Z", datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)),
    ("2026-12-01T10:00:00", datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)),  # no zone: UTC
    ("2026-12-01T10:00:00+02:00", datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)),
    ("2026-12-01", datetime(2026, 12, 1, 0, 0, tzinfo=timezone.utc)),
])
def test_a_date_time_is_the_due_date_itself_in_utc(text, due):
    result = due_at(text, NOW)
    assert result == due and result.utcoffset() == timedelta(0)


@pytest.mark.parametrize("text", [None, "", "   "])
def test_no_due_date_written_means_none(text):
    assert due_at(text, NOW) is None


@pytest.mark.parametrize(("text", "problem"), [
    ("tomorrow", "due date 'tomorrow' is neither an ISO 8601 duration (P3D, PT4H) nor a date-time "
                 "(2026-12-01T10:00:00Z)"),
    ("P1M", "duration() cannot use years or months (they have no fixed length): use days, e.g. 'P30D'"),
    ("P3X", "duration() cannot read 'P3X': write an ISO 8601 duration such as 'P3D' or 'PT4H'"),
    ("PT", "duration() cannot read 'PT': write an ISO 8601 duration such as 'P3D' or 'PT4H'"),
])
def test_what_is_neither_is_named_with_what_to_write(text, problem):
    assert problem_with(text) == problem
    with pytest.raises(ValueError) as caught:
        due_at(text, NOW)
    assert str(caught.value) == problem


@pytest.mark.parametrize("text", ["P3D", "2026-12-01T10:00:00Z", ""])
def test_a_due_date_dealflow_understands_has_no_problem(text):
    assert problem_with(text) is None
