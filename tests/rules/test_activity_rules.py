"""The pure rules of activities and calendars: the checks per field, moments with and
without a zone, and weeks and days in the viewer's zone (clock changes included)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from engine.errors import FormError
from engine.rules import activities as rules
from engine.rules import policy

WARSAW = ZoneInfo("Europe/Warsaw")


def test_a_moment_with_an_offset_or_a_zone_becomes_utc_and_a_bare_one_is_refused():
    assert rules.moment("2026-12-07T10:00+01:00") == datetime(2026, 12, 7, 9, tzinfo=timezone.utc)
    assert rules.moment("2026-12-07T10:00Z") == datetime(2026, 12, 7, 10, tzinfo=timezone.utc)
    assert rules.moment("2026-07-07 10:00", zone="Europe/Warsaw") == datetime(2026, 7, 7, 8, tzinfo=timezone.utc)
    assert rules.moment(datetime(2026, 12, 7, 10, tzinfo=WARSAW)) == datetime(2026, 12, 7, 9, tzinfo=timezone.utc)
    for bad, message in (("2026-12-07T10:00", rules.NAIVE_REFUSED), (datetime(2026, 12, 7, 10), rules.NAIVE_REFUSED),
                         ("tomorrow", rules.MOMENT_EXPECTED), ("2026-13-40T10:00Z", rules.MOMENT_EXPECTED),
                         ("", "this field is required"), (12, rules.MOMENT_EXPECTED),
                         ("2026-12-07T10:00Z" + " " * 40, rules.MOMENT_EXPECTED)):
        with pytest.raises(FormError) as caught:
            rules.moment(bad)
        assert caught.value.fields == {"starts_at": message}, bad


def test_durations_kinds_and_texts_are_checked_per_field():
    assert rules.duration("45") == 45 and rules.duration(1440) == 1440
    for bad in (0, 1441, "1.5", True, None, "-5", 30.0):
        with pytest.raises(FormError):
            rules.duration(bad)
    assert rules.kind(" Call ") == "call"
    with pytest.raises(FormError) as caught:
        rules.planned(kind="fax", subject="x" * 301, starts_at="2026-12-07T10:00Z", duration_minutes=30,
                      notes="\x00")
    assert set(caught.value.fields) == {"kind", "subject", "notes"}
    assert rules.outcome_and_notes(" Reached ", None) == ("Reached", "")
    with pytest.raises(FormError) as caught:
        rules.outcome_and_notes("", "y" * 10_001)
    assert set(caught.value.fields) == {"outcome", "notes"}


def test_weeks_start_on_monday_and_local_days_follow_the_clock_changes():
    assert rules.week_start(date(2026, 11, 8)) == date(2026, 11, 2)  # a Sunday belongs to the week before
    assert rules.week_start(date(2026, 11, 9)) == date(2026, 11, 9)
    start, end = rules.span(date(2026, 10, 25), 1, WARSAW)  # summer time ends: a 25-hour day
    assert (start, end - start) == (datetime(2026, 10, 24, 22, tzinfo=timezone.utc), timedelta(hours=25))
    start, end = rules.span(date(2026, 3, 29), 1, WARSAW)  # summer time begins: 23 hours
    assert end - start == timedelta(hours=23)
    assert rules.local_day(datetime(2026, 11, 2, 23, 30, tzinfo=timezone.utc), WARSAW) == date(2026, 11, 3)
    assert rules.zone_of("America") is timezone.utc and rules.zone_of("Nowhere/City") is timezone.utc
    assert rules.zone_of(None) is timezone.utc and str(rules.zone_of("Europe/Warsaw")) == "Europe/Warsaw"
    assert rules.day("2026-11-05") == date(2026, 11, 5)
    with pytest.raises(FormError):
        rules.day("05.11.2026")


def test_who_may_see_and_change_activities_and_calendars():
    rep = policy.Actor(1, "rep", {10})
    colleague = rules.Person(2, frozenset({10}))
    me = rules.Person(1, frozenset({10}))
    manager, managed = policy.Actor(3, "manager"), frozenset({10})
    admin, designer = policy.Actor(4, "admin"), policy.Actor(5, "designer")
    assert rules.may_see_calendar_of(rep, frozenset(), me)
    assert not rules.may_see_calendar_of(rep, frozenset(), colleague)
    assert rules.may_see_calendar_of(manager, managed, colleague) and rules.may_see_calendar_of(admin, frozenset(), me)
    assert not rules.may_see_calendar_of(designer, frozenset(), me)  # designers see no partner, nor activities
    assert rules.may_see_team_calendar(manager, managed, 10) and not rules.may_see_team_calendar(rep, frozenset(), 10)
    assert rules.may_plan_for(rep, frozenset(), me) and not rules.may_plan_for(rep, frozenset(), colleague)
    assert rules.may_plan_for(manager, managed, colleague)
    assert rules.may_edit_activity(rep, frozenset(), colleague, created_by_id=1)  # whoever planned it
    assert not rules.may_edit_activity(rep, frozenset(), colleague, created_by_id=3)
    new_year, next_day = datetime(2026, 1, 1, tzinfo=timezone.utc), datetime(2026, 1, 2, tzinfo=timezone.utc)
    assert rules.is_overdue("planned", new_year, next_day) and not rules.is_overdue("done", new_year, next_day)
