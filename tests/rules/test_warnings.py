"""The early warnings' pure rules (M18): each rule's threshold, its cause key (the
same trouble is one cause; trouble coming back later is a new one), and plain
words naming what is wrong and what to do."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from engine.rules.warnings import DealFacts, Point, label, peak_since, warnings_for

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)


def deal(**changes) -> DealFacts:
    facts = dict(opportunity_id=7, stage_name="Proposal", stage_entered_at=NOW - timedelta(days=2),
                 max_days_in_stage=None, next_action_at=NOW + timedelta(days=1), expected_close_date=None,
                 opened_at=NOW - timedelta(days=3), last_activity_at=None, probability=50,
                 amount=Decimal("1000.00"), currency="PLN")
    return DealFacts(**{**facts, **changes})


def rules(facts: DealFacts, now=NOW, **options) -> list[str]:
    return [w.rule for w in warnings_for(facts, now, **options)]


def test_a_healthy_deal_raises_nothing():
    assert warnings_for(deal(), NOW) == []


def test_rotting_starts_the_day_after_the_limit_and_its_cause_is_the_stay():
    entered = NOW - timedelta(days=14)
    assert rules(deal(max_days_in_stage=14, stage_entered_at=entered)) == []
    (w,) = warnings_for(deal(max_days_in_stage=14, stage_entered_at=entered - timedelta(days=1)), NOW)
    assert (w.rule, w.message) == ("rotting", "In Proposal for 15 days; this stage expects at most 14 days.")
    assert w.cause == f"rotting:{(entered - timedelta(days=1)).isoformat()}"
    assert rules(deal(max_days_in_stage=None, stage_entered_at=NOW - timedelta(days=400))) == []


def test_a_missed_next_action_is_one_cause_per_due_date():
    late = deal(next_action_at=NOW - timedelta(hours=2))
    (w,) = warnings_for(late, NOW)
    assert (w.rule, w.message) == ("next_action_missed", "The next action was due less than a day ago and is not done.")
    # Due yesterday evening, read early this morning: not "today" beside yesterday's date.
    (overnight,) = warnings_for(deal(next_action_at=NOW - timedelta(hours=20)), NOW)
    assert overnight.message == "The next action was due less than a day ago and is not done."
    (later,) = warnings_for(late, NOW + timedelta(days=2))
    assert later.cause == w.cause and later.message == "The next action was due 2 days ago and is not done."
    assert rules(deal(next_action_at=None)) == []


def test_no_activity_counts_from_the_last_one_or_the_opening():
    assert rules(deal(opened_at=NOW - timedelta(days=13))) == []
    (w,) = warnings_for(deal(opened_at=NOW - timedelta(days=14)), NOW)
    assert (w.rule, w.message) == ("idle", "Nothing done since it was opened for 14 days.")
    active = deal(opened_at=NOW - timedelta(days=60), last_activity_at=NOW - timedelta(days=3))
    assert rules(active) == [] and rules(active, idle_days=3) == ["idle"]
    assert warnings_for(active, NOW, idle_days=3)[0].message == "Nothing done on it for 3 days."


def test_a_close_date_before_today_warns_and_today_does_not():
    assert rules(deal(expected_close_date=NOW.date())) == []
    (w,) = warnings_for(deal(expected_close_date=date(2026, 11, 1)), NOW)
    assert (w.rule, w.cause) == ("close_date_passed", "close_date_passed:2026-11-01")
    assert w.message == "Expected to close on 2026-11-01, 19 days ago, and still open."


def test_a_close_date_has_passed_by_the_day_given_as_today_not_the_utc_day():
    late = datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc)  # 1 January 2027 in Warsaw
    close = deal(expected_close_date=date(2026, 12, 31), next_action_at=late + timedelta(days=1),
                 opened_at=late - timedelta(days=1), stage_entered_at=late - timedelta(days=1))
    assert rules(close, late) == []
    (w,) = warnings_for(close, late, today=date(2027, 1, 1))
    assert w.message == "Expected to close on 2026-12-31, 1 day ago, and still open."


def test_a_drop_is_against_the_highest_value_of_the_window_including_the_one_in_force_at_its_start():
    history = (Point(NOW - timedelta(days=40), Decimal(70)), Point(NOW - timedelta(days=3), Decimal(40)))
    (w,) = warnings_for(deal(probability=40, probability_history=history), NOW)
    assert (w.rule, w.cause) == ("probability_dropped", "probability_dropped:70>40")
    assert w.message == "The probability fell from 70% to 40% in the last 14 days."
    assert "probability_dropped" not in rules(deal(probability=40, probability_history=history), NOW + timedelta(days=12))
    assert peak_since(history[:1], NOW - timedelta(days=14)) is None  # nothing changed lately
    rose = history + (Point(NOW - timedelta(days=1), Decimal(80)),)
    assert rules(deal(probability=80, probability_history=rose)) == []


def test_an_amount_drop_names_the_currency():
    history = (Point(NOW - timedelta(days=2), Decimal("5000.00")),)
    (w,) = warnings_for(deal(amount=Decimal("3000.00"), amount_history=history), NOW)
    assert w.message == "The amount fell from 5000.00 PLN to 3000.00 PLN in the last 14 days."


def test_warnings_come_in_the_order_a_manager_reads_them_with_labels_and_advice():
    bad = deal(max_days_in_stage=1, next_action_at=NOW - timedelta(days=1), opened_at=NOW - timedelta(days=30),
               expected_close_date=date(2026, 11, 1))
    found = warnings_for(bad, NOW)
    assert [w.rule for w in found] == ["next_action_missed", "close_date_passed", "rotting", "idle"]
    assert all(w.advice and w.opportunity_id == 7 for w in found)
    assert label("rotting") == "Stuck in its stage" and label("committed_left") == "Committed left"


def test_a_close_date_moved_later_twice_is_slipping_and_each_new_date_a_new_cause():
    once = ((None, date(2026, 12, 1)), (date(2026, 12, 1), date(2026, 12, 15)))
    assert rules(deal(expected_close_date=date(2026, 12, 15), close_date_moves=once)) == []
    twice = once + ((date(2026, 12, 15), date(2026, 12, 10)), (date(2026, 12, 10), date(2027, 1, 31)))
    (w,) = warnings_for(deal(expected_close_date=date(2027, 1, 31), close_date_moves=twice), NOW)
    assert (w.rule, w.cause) == ("close_date_slipping", "close_date_slipping:2027-01-31")
    assert w.message == "The close date was moved later 2 times; it is now 2027-01-31."


def test_a_deal_that_counted_as_commit_in_the_window_and_no_longer_does_left_commit():
    from engine.methodology.model import ForecastRanges

    ranges = ForecastRanges("buckets", 80, 60, 0)
    history = (Point(NOW - timedelta(days=30), Decimal(90)), Point(NOW - timedelta(days=2), Decimal(60)))
    (left,) = [w for w in warnings_for(deal(probability=60, probability_history=history, ranges=ranges), NOW)
               if w.rule == "left_commit"]
    assert (left.cause, left.message) == ("left_commit:best_case",
                                          "It counted as commit in the last 14 days and is now best case.")
    kept = deal(probability=60, probability_history=history, ranges=ranges, category_override="commit")
    assert "left_commit" not in rules(kept)  # the rep still believes in it: it counts as commit
    cleared = deal(probability=60, ranges=ranges,
                   category_history=((NOW - timedelta(days=1), "commit", "best_case"),))
    assert "left_commit" in rules(cleared)  # the rep's override taken back
    assert "left_commit" not in rules(deal(probability=60, probability_history=history[:1], ranges=ranges))
