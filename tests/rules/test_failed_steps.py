"""engine.rules.failed_steps: when a deal's failed step can still be retried, which
failure becomes the deal's, and when its timers are held."""

from datetime import datetime, timedelta, timezone

from engine.rules import failed_steps as rules

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=timezone.utc)
OFFER = {"kind": "complete", "task": "t-offer", "actor": 1, "data": {}}
REVIEW = {"kind": "complete", "task": "t-review", "actor": 1, "data": {}}
TIMERS = {"kind": "timers"}


def test_a_persons_failed_step_waits_while_its_task_is_ready():
    assert rules.still_pending(OFFER, ["t-offer", "t-review"], [], NOW)
    assert not rules.still_pending(OFFER, ["t-review"], [], NOW)  # completed, or a boundary took it


def test_a_failed_timer_waits_while_a_timer_is_due_strictly_before_now():
    assert rules.still_pending(TIMERS, [], [NOW - timedelta(minutes=1)], NOW)
    assert not rules.still_pending(TIMERS, [], [NOW, NOW + timedelta(days=1)], NOW)


def test_an_engine_failure_or_none_is_settled_by_any_step():
    assert not rules.still_pending({"kind": "engine"}, ["t-offer"], [NOW - timedelta(days=1)], NOW)
    assert not rules.still_pending(None, ["t-offer"], [], NOW)


def test_the_same_step_is_the_same_kind_on_the_same_task():
    assert rules.same_step(OFFER, {**OFFER, "data": {"result": "accepted"}})
    assert not rules.same_step(OFFER, REVIEW)
    assert not rules.same_step(OFFER, {"kind": "task_escalation", "task": "t-offer"})
    assert rules.same_step(TIMERS, {"kind": "timers"}) and not rules.same_step(None, TIMERS)


def test_a_persons_failure_replaces_a_timers_failure_never_the_other_way():
    assert rules.replaces(OFFER, REVIEW, kept_pending=True)
    assert not rules.replaces(OFFER, TIMERS, kept_pending=True)
    assert not rules.replaces(OFFER, None, kept_pending=True)  # a worker's answer
    assert rules.replaces(OFFER, TIMERS, kept_pending=False)
    assert rules.replaces(TIMERS, OFFER, kept_pending=True)


def test_timers_stay_held_behind_whatever_held_them():
    assert not rules.holds_timers(OFFER) and rules.holds_timers(TIMERS) and rules.holds_timers(None)
    behind = rules.held_behind(OFFER)
    assert rules.holds_timers(behind) and rules.same_step(behind, OFFER)
    assert rules.holds_timers(rules.replacing(TIMERS, REVIEW))
    assert not rules.holds_timers(rules.replacing(OFFER, REVIEW))


def test_a_persons_step_failing_again_keeps_holding_the_timers_behind_it():
    held = rules.held_behind(OFFER)
    again = rules.replacing(held, {**OFFER, "data": {"result": "rejected"}})
    assert rules.holds_timers(again) and again["data"] == {"result": "rejected"}
    assert not rules.holds_timers(rules.replacing(OFFER, {**OFFER, "data": {}}))  # nothing held before


def test_a_persons_failure_displaces_only_another_persons_step_still_waiting():
    assert rules.displaced(OFFER, REVIEW, True) == OFFER
    assert rules.displaced(OFFER, REVIEW, False) is None  # its task is no longer ready: nothing lost
    assert rules.displaced(OFFER, dict(OFFER), True) is None  # the same step failing again
    assert rules.displaced(OFFER, TIMERS, True) is None  # a timer's failure waits behind it
    assert rules.displaced(TIMERS, REVIEW, True) is None and rules.displaced(None, REVIEW, False) is None
