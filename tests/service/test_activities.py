"""Activities through the façade, on SQLite and PostgreSQL: planning, moving,
recording and cancelling one, the status re-checked under the lock, the deal's and
the partner's history, and who may see and change what."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from engine.errors import ConflictError, FormError, NotFoundError, PermissionDeniedError
from engine.store.models import Opportunity
from engine.store.partner_models import PartnerEvent

WARSAW = "Europe/Warsaw"


def open_deal(engine, partner="Acme", title="Cold rooms"):
    """A deal of rep1 (the round robin's first) managed by 'manager', and its partner's id."""
    deal = engine.create_opportunity(title=title, amount="1000.00", partner=partner, actor="manager")
    return deal, partner_of(engine, deal.id)


def partner_of(engine, deal_id):
    with engine._sessions() as session:
        return session.get(Opportunity, deal_id).partner_id


def partner_events(engine, partner_id):
    with engine._sessions() as session:
        return [(e.kind, e.data.get("subject")) for e in
                session.query(PartnerEvent).filter_by(partner_id=partner_id).order_by(PartnerEvent.id)]


def plan_call(engine, partner_id, deal_id=None, actor="rep1", **extra):
    values = dict(kind="call", subject="Follow up on the offer", starts_at="2026-11-03T10:00", zone=WARSAW,
                  duration_minutes=30)
    values.update(extra)
    return engine.plan_activity(actor=actor, partner_id=partner_id, opportunity_id=deal_id, **values)


def test_a_planned_call_keeps_its_facts_and_shows_on_the_deal_and_the_partner(engine):
    deal, partner_id = open_deal(engine)
    call = plan_call(engine, partner_id, deal.id, notes="Ask about the budget")

    assert (call.kind, call.subject, call.partner_name, call.opportunity_title, call.owner, call.status) == (
        "call", "Follow up on the offer", "Acme", "Cold rooms", "rep1", "planned")
    assert call.starts_at == datetime(2026, 11, 3, 9, 0, tzinfo=timezone.utc)  # 10:00 in Warsaw (CET)
    assert call.ends_at - call.starts_at == timedelta(minutes=30)
    assert call.may_edit and not call.overdue and call.sequence == 0 and call.notes == "Ask about the budget"
    assert [a.id for a in engine.activities_for_partner(partner_id, viewer="rep1")] == [call.id]
    assert [a.id for a in engine.activities_for_deal(deal.id, viewer="manager")] == [call.id]
    kinds = [e.kind for e in engine.opportunity_for(deal.id, viewer="rep1").events]
    assert "activity_planned" in kinds
    assert ("activity_planned", "Follow up on the offer") in partner_events(engine, partner_id)


def test_moving_counts_the_sequence_up_and_recording_makes_it_done(engine, clock):
    deal, partner_id = open_deal(engine)
    call = plan_call(engine, partner_id, deal.id)
    moved = engine.reschedule_activity(call.id, actor="rep1", starts_at="2026-11-04T08:30:00+00:00",
                                       duration_minutes="45")
    assert (moved.sequence, moved.starts_at, moved.duration_minutes) == (
        1, datetime(2026, 11, 4, 8, 30, tzinfo=timezone.utc), 45)
    clock.advance(days=2)
    done = engine.record_activity_outcome(call.id, actor="rep1", outcome="Wants a demo", notes="Call back in May")
    assert (done.status, done.outcome, done.notes, done.done_at, done.may_edit) == (
        "done", "Wants a demo", "Call back in May", clock.now, False)
    kinds = [k for k, _ in partner_events(engine, partner_id)]
    assert kinds[-3:] == ["activity_planned", "activity_moved", "activity_done"]
    texts = [e.text for e in engine.partner(partner_id, viewer="rep1").history]
    assert {"rep1 planned the call 'Follow up on the offer'", "rep1 moved the call 'Follow up on the offer'",
            "rep1 did the call 'Follow up on the offer'"} <= set(texts), texts
    deal_kinds = [e.kind for e in engine.opportunity_for(deal.id, viewer="rep1").events]
    assert deal_kinds[-3:] == ["activity_planned", "activity_moved", "activity_done"]


def test_a_done_or_cancelled_activity_cannot_change_again(engine):
    _, partner_id = open_deal(engine)
    first = plan_call(engine, partner_id)
    engine.record_activity_outcome(first.id, actor="rep1", outcome="Reached")
    with pytest.raises(ConflictError, match="already done"):
        engine.record_activity_outcome(first.id, actor="rep1", outcome="Again")
    with pytest.raises(ConflictError, match="already done"):
        engine.reschedule_activity(first.id, actor="rep1", starts_at="2026-11-05T10:00Z")
    second = plan_call(engine, partner_id)
    cancelled = engine.cancel_activity(second.id, actor="rep1", reason="They closed for the holidays")
    assert (cancelled.status, cancelled.sequence, cancelled.outcome) == (
        "cancelled", 1, "They closed for the holidays")
    with pytest.raises(ConflictError, match="already cancelled"):
        engine.cancel_activity(second.id, actor="rep1")


def test_the_second_of_two_engines_recording_the_same_call_gets_a_conflict(engines):
    first, second = engines
    _, partner_id = open_deal(first)
    call = plan_call(first, partner_id)
    first.record_activity_outcome(call.id, actor="rep1", outcome="Reached")
    with pytest.raises(ConflictError, match="already done"):
        second.record_activity_outcome(call.id, actor="rep1", outcome="Reached too")
    assert second.activity(call.id, viewer="rep1").outcome == "Reached"


def test_a_call_already_made_is_logged_as_done(engine, clock):
    deal, partner_id = open_deal(engine)
    logged = engine.log_done_activity(actor="rep1", partner_id=partner_id, opportunity_id=deal.id, kind="call",
                                      subject="Intro call", starts_at=clock.now - timedelta(hours=1),
                                      duration_minutes=15, outcome="Interested")
    assert (logged.status, logged.outcome, logged.done_at) == ("done", "Interested", clock.now)
    assert [e.kind for e in engine.opportunity_for(deal.id, viewer="rep1").events][-1] == "activity_done"


def test_every_field_that_does_not_fit_is_named_at_once(engine):
    _, partner_id = open_deal(engine)
    with pytest.raises(FormError) as caught:
        engine.plan_activity(actor="rep1", partner_id=partner_id, kind="lunch", subject="  ",
                             starts_at=datetime(2026, 11, 3, 10, 0), duration_minutes=0, notes="x" * 10_001)
    assert caught.value.fields == {
        "kind": "choose one of: call, meeting, email, visit, task", "subject": "this field is required",
        "starts_at": "give the time with its time zone (an aware datetime)",
        "duration_minutes": "enter whole minutes from 1 to 1440", "notes": "enter at most 10000 characters"}
    with pytest.raises(FormError) as caught:
        plan_call(engine, partner_id, duration_minutes="1441", starts_at="tomorrow")
    assert set(caught.value.fields) == {"duration_minutes", "starts_at"}
    with pytest.raises(FormError) as caught:
        engine.plan_activity(actor="rep1", partner_id=partner_id, kind="call", subject="x",
                             starts_at="2026-11-03T10:00", duration_minutes=30)  # local time without a zone
    assert caught.value.fields == {"starts_at": "give the time with its time zone (an aware datetime)"}


def test_the_deal_must_be_the_partners_and_open(engine):
    deal, partner_id = open_deal(engine)
    other, other_partner = open_deal(engine, partner="Globex", title="Freezers")
    with pytest.raises(FormError, match="not a deal of partner"):
        plan_call(engine, partner_id, other.id, actor="manager")
    with pytest.raises(NotFoundError):  # rep1 does not see rep2's deal at all
        plan_call(engine, partner_id, other.id)
    engine.close_as_lost(deal.id, actor="manager", reason="Price")
    with pytest.raises(ConflictError, match="is lost"):
        plan_call(engine, partner_id, deal.id)
    assert plan_call(engine, other_partner, other.id, actor="rep2").opportunity_title == "Freezers"


def test_who_may_see_and_change_an_activity(engine):
    deal, partner_id = open_deal(engine)  # rep1's deal in team sales (manager)
    call = plan_call(engine, partner_id, deal.id)
    # rep3 sees neither the partner nor rep1's calendar: 404, saying nothing more
    for ask in (lambda: engine.activity(call.id, viewer="rep3"),
                lambda: engine.activities_for_partner(partner_id, viewer="rep3"),
                lambda: plan_call(engine, partner_id, actor="rep3"),
                lambda: engine.record_activity_outcome(call.id, actor="rep3", outcome="x"),
                lambda: engine.agenda("rep1", viewer="rep3"),
                lambda: engine.week(team="sales", viewer="rep3")):
        with pytest.raises(NotFoundError):
            ask()
    with pytest.raises(NotFoundError):
        engine.activity(999_999, viewer="rep1")
    with pytest.raises(NotFoundError):
        engine.activity(2 ** 40, viewer="rep1")
    # rep2 shares rep1's team but neither manages it nor works the deal
    with pytest.raises(NotFoundError):
        engine.activity(call.id, viewer="rep2")
    # the manager of rep1's team may move it; manager2 may not see it
    assert engine.reschedule_activity(call.id, actor="manager", starts_at="2026-11-03T12:00Z").sequence == 1
    with pytest.raises(NotFoundError):
        engine.activity(call.id, viewer="manager2")
    # a rep plans only for themselves; the manager for a rep of their team
    with pytest.raises(PermissionDeniedError):
        plan_call(engine, partner_id, owner="rep2")
    assert plan_call(engine, partner_id, actor="manager", owner="rep2").owner == "rep2"
    with pytest.raises(FormError, match="no user 'nobody'"):
        plan_call(engine, partner_id, actor="manager", owner="nobody")


def test_an_activity_past_its_end_is_overdue_until_recorded(engine, clock):
    _, partner_id = open_deal(engine)
    call = plan_call(engine, partner_id, starts_at=clock.now + timedelta(minutes=10), duration_minutes=20)
    assert not call.overdue
    clock.advance(minutes=30)
    assert engine.activity(call.id, viewer="rep1").overdue
    assert not engine.record_activity_outcome(call.id, actor="rep1", outcome="Done").overdue


def test_recording_cancelling_and_moving_at_once_from_two_engines_lets_exactly_one_finish_it(engines):
    """The status is re-checked under the lock: of a record and a cancel released
    together, one wins and the other is refused; a move racing either leaves one
    history entry per change that went through."""
    from tests.engine.test_concurrency import at_once

    first, second = engines
    deal, partner_id = open_deal(first)
    for round_ in range(4):
        call = plan_call(first, partner_id, deal.id, subject=f"Call {round_}")
        recorded, cancelled, moved = at_once(
            lambda: first.record_activity_outcome(call.id, actor="rep1", outcome="Reached"),
            lambda: second.cancel_activity(call.id, actor="manager"),
            lambda: second.reschedule_activity(call.id, actor="rep1", starts_at="2026-11-06T10:00Z"))
        finished = [r for r in (recorded, cancelled) if not isinstance(r, Exception)]
        assert len(finished) == 1, (recorded, cancelled)
        for outcome in (recorded, cancelled, moved):
            assert not isinstance(outcome, Exception) or isinstance(outcome, ConflictError), repr(outcome)
        stored = first.activity(call.id, viewer="rep1")
        assert stored.status == finished[0].status
        mine = [k for k, subject in partner_events(first, partner_id) if subject == f"Call {round_}"]
        assert mine[0] == "activity_planned" and mine[-1] == {"done": "activity_done",
                                                              "cancelled": "activity_cancelled"}[stored.status]
        assert len(mine) == 2 + (not isinstance(moved, Exception))
        assert stored.sequence == (stored.status == "cancelled") + (not isinstance(moved, Exception))
