"""The agenda, the week and the iCalendar feed through the façade, on SQLite and
PostgreSQL; the feed parsed back with ``icalendar`` as a calendar client would."""

from __future__ import annotations

from contextlib import closing
from datetime import date, datetime, timedelta, timezone

import icalendar
import pytest

from engine.errors import ConflictError, FormError, NotFoundError, PermissionDeniedError
from tests.conftest import make_engine, queue_methodology
from tests.service.test_activities import open_deal, plan_call

BASE = "https://crm.example.com/"


def events(feed: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(feed)
    assert str(calendar["VERSION"]) == "2.0" and str(calendar["METHOD"]) == "PUBLISH"
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def utc(event, name) -> datetime:
    return event.decoded(name)


def test_the_feed_holds_planned_activities_and_dated_tasks_with_stable_uids(engine, clock):
    deal, partner_id = open_deal(engine)
    call = plan_call(engine, partner_id, deal.id, subject="Budget, timing; next steps\nand more")
    token = engine.calendar_feed_url_token("rep1", actor="rep1")
    found = events(engine.calendar_feed(token, base_url=BASE))
    event = found[f"activity-{call.id}@dealflow"]
    assert (utc(event, "DTSTART"), utc(event, "DTEND")) == (call.starts_at, call.ends_at)
    assert utc(event, "DTSTART").tzinfo is not None and utc(event, "DTSTART").utcoffset() == timedelta(0)
    assert str(event["SUMMARY"]) == "Call: Budget, timing; next steps\nand more"  # escaped, read back whole
    assert event.decoded("SEQUENCE") == 0 and str(event["STATUS"]) == "CONFIRMED"
    assert "Partner: Acme" in str(event["DESCRIPTION"]) and "Deal: Cold rooms" in str(event["DESCRIPTION"])
    assert str(event["URL"]) == f"https://crm.example.com/opportunities/{deal.id}"
    tasks = [e for uid, e in found.items() if uid.startswith("task-")]
    due = [t.due_at for t in engine.opportunity_for(deal.id, viewer="rep1").open_tasks if t.due_at]
    assert due and sorted(utc(t, "DTEND") for t in tasks) == sorted(due)  # each dated task, ending when due
    assert all(str(t["SUMMARY"]).startswith("Due: ") for t in tasks)


def test_a_move_keeps_the_uid_and_counts_sequence_and_last_modified_up(engine, clock):
    deal, partner_id = open_deal(engine)
    call = plan_call(engine, partner_id, deal.id)
    token = engine.calendar_feed_url_token("rep1", actor="rep1")
    before = events(engine.calendar_feed(token))[f"activity-{call.id}@dealflow"]
    clock.advance(hours=2)
    engine.reschedule_activity(call.id, actor="rep1", starts_at="2026-11-05T13:00Z", duration_minutes=60)
    after = events(engine.calendar_feed(token))[f"activity-{call.id}@dealflow"]
    assert after.decoded("SEQUENCE") == before.decoded("SEQUENCE") + 1 == 1
    assert utc(after, "LAST-MODIFIED") == utc(after, "DTSTAMP") == clock.now > utc(before, "LAST-MODIFIED")
    assert (utc(after, "DTSTART"), utc(after, "DTEND")) == (
        datetime(2026, 11, 5, 13, tzinfo=timezone.utc), datetime(2026, 11, 5, 14, tzinfo=timezone.utc))
    engine.cancel_activity(call.id, actor="rep1")
    cancelled = events(engine.calendar_feed(token))[f"activity-{call.id}@dealflow"]
    assert (str(cancelled["STATUS"]), cancelled.decoded("SEQUENCE")) == ("CANCELLED", 2)


def test_a_wrong_or_revoked_token_finds_nothing(engine):
    first = engine.calendar_feed_url_token("rep1", actor="rep1")
    assert engine.calendar_feed(first)
    assert engine.calendar_feed_url_token("rep1", actor="rep1") == first  # the same link, shown again
    second = engine.calendar_feed_url_token("rep1", actor="rep1", rotate=True)
    for wrong in (first, first[:-1] + ("A" if first[-1] != "A" else "B"), "", "x" * 5000, None, 42):
        with pytest.raises(NotFoundError):
            engine.calendar_feed(wrong)
    assert engine.calendar_feed(second)
    assert engine.calendar_feed_status("rep1", viewer="rep1").active
    assert engine.revoke_calendar_feed("rep1", actor="admin") == 1
    with pytest.raises(NotFoundError):
        engine.calendar_feed(second)
    assert not engine.calendar_feed_status("rep1", viewer="rep1").active
    with pytest.raises(PermissionDeniedError):
        engine.calendar_feed_url_token("rep1", actor="rep2")
    with pytest.raises(PermissionDeniedError):
        engine.calendar_feed_url_token("rep1", actor="manager")


def test_a_feed_is_found_by_its_tokens_hash_and_its_owner_sees_the_link_again(engine):
    token = engine.calendar_feed_url_token("rep2", actor="rep2")
    from engine.store.partner_models import CalendarFeed
    with engine._sessions() as session:
        stored = [(f.token_hash, f.token) for f in session.query(CalendarFeed)]
    import hashlib
    assert stored == [(hashlib.sha256(token.encode()).hexdigest(), token)]
    status = engine.calendar_feed_status("rep2", viewer="rep2")
    assert (status.active, status.token) == (True, token)
    assert engine.calendar_feed_status("rep2", viewer="admin").token == token
    for other in ("rep1", "manager"):  # the link reads rep2's calendar: only rep2 and an admin see it
        with pytest.raises(PermissionDeniedError):
            engine.calendar_feed_status("rep2", viewer=other)


def test_a_link_made_before_tokens_were_kept_must_be_renewed_to_be_seen(engine):
    token = engine.calendar_feed_url_token("rep2", actor="rep2")
    from engine.store.partner_models import CalendarFeed
    with engine._sessions() as session, session.begin():
        session.query(CalendarFeed).update({"token": None})  # as migration 0012 leaves older links
    assert engine.calendar_feed(token)  # it still works
    status = engine.calendar_feed_status("rep2", viewer="rep2")
    assert status.active and status.token is None
    with pytest.raises(ConflictError, match="cannot be shown again"):
        engine.calendar_feed_url_token("rep2", actor="rep2")
    renewed = engine.calendar_feed_url_token("rep2", actor="rep2", rotate=True)
    assert engine.calendar_feed_status("rep2", viewer="rep2").token == renewed != token


def test_the_agenda_puts_overdue_first_then_each_local_day(engine, clock):
    deal, partner_id = open_deal(engine)  # clock: Monday 2026-11-02 09:00 UTC = 10:00 in Warsaw
    late = plan_call(engine, partner_id, subject="Missed", starts_at="2026-10-30T09:00Z")
    tonight = plan_call(engine, partner_id, subject="Late evening", starts_at="2026-11-02T23:30Z")  # Tue in Warsaw
    agenda = engine.agenda("rep1", viewer="rep1", days=3, zone="Europe/Warsaw")
    assert agenda.today == date(2026, 11, 2) and [d.day for d in agenda.days] == [
        date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 4)]
    assert [i.ref for i in agenda.overdue if i.is_activity] == [str(late.id)]
    assert agenda.overdue[0].overdue
    tuesday = [i.ref for i in agenda.days[1].items if i.is_activity]
    assert str(tonight.id) in tuesday
    assert any(i.source == "task" for d in agenda.days for i in d.items)  # the deal's dated first task
    utc_agenda = engine.agenda("rep1", viewer="rep1", days=3, zone="UTC")
    assert str(tonight.id) in [i.ref for i in utc_agenda.days[0].items]
    with pytest.raises(FormError):
        engine.agenda("rep1", viewer="rep1", days=0)


def everything_queued(tmp_path):
    """The base methodology with both lanes going to the team's queue: the first task
    (due in two days) waits unclaimed for anyone of the deal's team."""
    target = queue_methodology(tmp_path)
    routing = target / "routing" / "default.yaml"
    routing.write_text(routing.read_text("utf-8").replace("rep: owner", "rep: team_queue"), "utf-8")
    return target


@pytest.fixture
def queue_engine(db_url, clock, tmp_path):
    with closing(make_engine(db_url, clock, everything_queued(tmp_path))) as engine:
        yield engine


def test_the_week_shows_the_unclaimed_tasks_of_the_reps_teams_marked_as_queued(queue_engine, clock):
    deal, partner_id = open_deal(queue_engine)  # its first task waits in the queue of 'sales', due Wednesday
    plan_call(queue_engine, partner_id, subject="Own call", starts_at="2026-11-04T08:00Z")
    week = queue_engine.week("rep2", viewer="rep2", start="2026-11-02")
    wednesday = week.rows[0].days[2]
    assert [(i.title, i.source, i.queue, i.owner) for i in wednesday] == [
        ("Qualify the lead", "task", "sales", None)]  # rep2 may claim it; rep1's call is not rep2's
    mine = queue_engine.week("rep1", viewer="rep1", start="2026-11-02").rows[0].days[2]
    assert [(i.title, i.is_queued) for i in mine] == [("Own call", False), ("Qualify the lead", True)]
    assert not any(queue_engine.week("rep3", viewer="rep3", start="2026-11-02").rows[0].days)  # not their team
    assert not any(queue_engine.week("rep2", viewer="rep2", start="2026-11-09").rows[0].days)  # not due that week
    team = queue_engine.week(team="sales", viewer="manager", start="2026-11-02")
    assert [i.title for i in team.rows[0].days[2]] == ["Own call"] and not any(team.rows[1].days)
    assert team.queue is not None and [(i.title, i.queue) for i in team.queue.days[2]] == [
        ("Qualify the lead", "sales")]
    assert queue_engine.week("rep1", viewer="rep1").queue is None  # a rep's week has no separate queue row
    task_id = next(i.ref for i in wednesday)
    queue_engine.claim_task(task_id, actor="rep2")  # claimed: rep2's own task now, in nobody's queue
    claimed = queue_engine.week("rep2", viewer="rep2", start="2026-11-02").rows[0].days[2]
    assert [(i.title, i.queue, i.owner) for i in claimed] == [("Qualify the lead", None, "rep2")]
    assert [i.title for i in queue_engine.week("rep1", viewer="rep1", start="2026-11-02").rows[0].days[2]] == [
        "Own call"]
    assert not any(queue_engine.week(team="sales", viewer="manager", start="2026-11-02").queue.days)
    assert [i.queue for d in queue_engine.agenda("rep2", viewer="rep2", days=7).days for i in d.items] == [None]
    assert deal.id


def test_the_week_starts_on_monday_for_a_rep_or_each_member_of_a_team(engine, clock):
    deal, partner_id = open_deal(engine)
    plan_call(engine, partner_id, subject="Sunday call", starts_at="2026-11-08T10:00Z")
    plan_call(engine, partner_id, subject="Next Monday", starts_at="2026-11-09T10:00Z")
    week = engine.week("rep1", viewer="rep1", start="2026-11-05")
    assert week.start == date(2026, 11, 2) and week.dates[-1] == date(2026, 11, 8)
    assert week.next_start == date(2026, 11, 9) and week.previous_start == date(2026, 10, 26)
    (row,) = week.rows
    assert [i.title for i in row.days[6]] == ["Sunday call"]
    assert "Next Monday" not in [i.title for day in row.days for i in day]
    team = engine.week(team="sales", viewer="manager", start=date(2026, 11, 2))
    assert [r.username for r in team.rows] == ["rep1", "rep2"]
    assert [i.title for i in team.rows[0].days[6]] == ["Sunday call"] and not any(team.rows[1].days)
    for asks in (lambda: engine.week(team="sales", viewer="rep1"), lambda: engine.week(team="sales", viewer="manager2"),
                 lambda: engine.week("rep1", viewer="rep2"), lambda: engine.week(team="nope", viewer="admin")):
        with pytest.raises(NotFoundError):
            asks()
    with pytest.raises(FormError):
        engine.week("rep1", viewer="rep1", start="05.11.2026")
    with pytest.raises(FormError):
        engine.week(viewer="rep1")
