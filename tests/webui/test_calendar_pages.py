"""The agenda, the week calendar, the activity forms, the partner's activities panel
and the calendar feed through the Flask test client, on SQLite and PostgreSQL; every
route as the right and the wrong user. CSRF is off here except where a test says."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import icalendar
from flask import render_template

import pytest

from engine.store.models import Opportunity
from tests.conftest import make_engine
from tests.service.test_calendars import everything_queued
from tests.webui.pages_support import (PARTNER, TITLE, assert_nothing_leaks, client_for, csrf_token, make_app,
                                       open_deal, with_passwords)


def partner_of(engine, deal_id):
    with engine._sessions() as session:
        return session.get(Opportunity, deal_id).partner_id


def warsaw(client):
    client.set_cookie("tz", "Europe/Warsaw")
    return client


def plan(client, partner_id, **values):
    data = {"kind": "call", "subject": "Follow up on the offer", "starts_at": "2026-11-03T10:00",
            "duration_minutes": "30", "notes": "", "next": "/agenda"}
    data.update(values)
    return client.post(f"/partners/{partner_id}/activities", data=data)


def test_a_rep_plans_a_call_from_the_agenda_and_sees_it_today_and_in_the_week(app, engine):
    deal = open_deal(engine)
    rep = warsaw(client_for(app, "rep1"))
    page = rep.get("/agenda")
    assert page.status_code == 200 and 'id="nav-calendar"' in page.text
    target = re.search(r'<option value="(\d+:\d+)">', page.text).group(1)
    response = rep.post("/activities", data={"target": target, "kind": "call", "subject": "Ask <b>about</b> budget",
                                             "starts_at": "2026-11-02T15:00", "duration_minutes": "45",
                                             "next": "/agenda"})
    assert (response.status_code, response.location) == (303, "/agenda")
    page = rep.get("/agenda")
    today = page.text.split('id="agenda-2026-11-02"')[1].split("</section>")[0]
    assert "Ask &lt;b&gt;about&lt;/b&gt; budget" in today and "15:00–15:45" in today  # local time, escaped
    assert TITLE in today and "Call" in today
    week = rep.get("/calendar/week?start=2026-11-04")
    monday = week.text.split('id="day-rep1-2026-11-02"')[1].split('id="day-rep1-2026-11-03"')[0]
    assert "Ask &lt;b&gt;about&lt;/b&gt; budget" in monday and "15:00" in monday
    assert 'href="/calendar/week?start=2026-10-26&amp;user=rep1"' in week.text  # previous week
    activity = engine.activities_for_deal(deal.id, viewer="rep1")[0]
    assert activity.starts_at == datetime(2026, 11, 2, 14, 0, tzinfo=timezone.utc)


def test_a_plan_that_does_not_fit_comes_back_with_a_message_per_field(app, engine):
    deal = open_deal(engine)
    rep = client_for(app, "rep1")
    response = plan(rep, partner_of(engine, deal.id), subject=" ", duration_minutes="2000", kind="lunch")
    assert response.status_code == 422
    assert 'id="plan-error-subject"' in response.text and "this field is required" in response.text
    assert "enter whole minutes from 1 to 1440" in response.text and 'id="plan-error-kind"' in response.text
    assert 'value="2026-11-03T10:00"' in response.text  # the values sent are kept
    assert rep.post("/activities", data={"target": "nonsense"}).status_code == 422


def test_recording_moving_and_cancelling_from_the_agenda(app, engine):
    deal = open_deal(engine)
    partner_id = partner_of(engine, deal.id)
    rep = warsaw(client_for(app, "rep1"))
    plan(rep, partner_id, subject="First call", starts_at="2026-11-02T11:00")
    plan(rep, partner_id, subject="Second call", starts_at="2026-11-02T12:00")
    first, second = sorted(engine.activities_for_partner(partner_id, viewer="rep1"), key=lambda a: a.id)
    moved = rep.post(f"/activities/{first.id}/move", data={"starts_at": "2026-11-04T09:30", "next": "/agenda"})
    assert moved.status_code == 303
    assert engine.activity(first.id, viewer="rep1").starts_at == datetime(2026, 11, 4, 8, 30, tzinfo=timezone.utc)
    assert rep.post(f"/activities/{first.id}/done", data={"outcome": "Wants a demo"}).status_code == 303
    assert engine.activity(first.id, viewer="rep1").status == "done"
    again = rep.post(f"/activities/{first.id}/done", data={"outcome": "again"}, follow_redirects=True)
    assert "is already done" in again.text
    rep.post(f"/activities/{second.id}/cancel", data={"reason": "Holiday"})
    assert engine.activity(second.id, viewer="rep1").status == "cancelled"
    bad = rep.post(f"/activities/{second.id}/move", data={"starts_at": "soon"}, follow_redirects=True)
    assert "starts_at: enter a date and time" in bad.text


def test_other_people_get_404_for_activities_calendars_and_partners_they_may_not_see(app, engine):
    deal = open_deal(engine)
    partner_id = partner_of(engine, deal.id)
    call = engine.plan_activity(actor="rep1", partner_id=partner_id, kind="call", subject="Secret call",
                                starts_at="2026-11-02T10:00Z", duration_minutes=30)
    other = client_for(app, "rep3")
    for response in (other.get("/agenda?user=rep1"), other.get("/calendar/week?user=rep1"),
                     other.get("/calendar/week?team=sales"),
                     plan(other, partner_id),
                     other.post(f"/activities/{call.id}/done", data={"outcome": "x"}),
                     other.post(f"/activities/{call.id}/move", data={"starts_at": "2026-11-05T10:00"}),
                     other.post(f"/activities/{call.id}/cancel")):
        assert response.status_code == 404, response.request.path
        assert_nothing_leaks(response, "Secret call", TITLE, PARTNER)
    assert engine.activity(call.id, viewer="rep1").status == "planned"
    manager = client_for(app, "manager")
    assert "Secret call" in manager.get("/calendar/week?team=sales&start=2026-11-02").text
    assert "Secret call" in manager.get("/agenda?user=rep1").text
    assert app.test_client().get("/agenda").status_code == 302  # to the login page


def feed_url_on(html: str) -> str:
    return re.search(r'id="feed-url" class="feed-url" value="([^"]+)"', html).group(1)


def test_the_calendar_link_is_shown_again_works_without_login_and_stops_when_renewed_or_revoked(app, engine):
    deal = open_deal(engine)
    engine.plan_activity(actor="rep1", partner_id=partner_of(engine, deal.id), opportunity_id=deal.id, kind="visit",
                         subject="Visit the warehouse", starts_at="2026-11-05T08:00Z", duration_minutes=90)
    rep = client_for(app, "rep1")
    assert "You have no calendar link yet." in rep.get("/agenda").text
    made = rep.post("/calendar/link")
    assert (made.status_code, made.location) == (303, "/agenda#calendar-link")
    page = rep.get("/agenda").text
    url = feed_url_on(page)
    assert url.startswith("http://localhost/calendar/") and url.endswith(".ics")
    assert 'data-copy="feed-url"' in page and "copy_link.js" in page
    assert feed_url_on(rep.get("/agenda").text) == url  # shown again, whenever its owner comes back
    assert rep.post("/calendar/link").status_code == 303 and feed_url_on(rep.get("/agenda").text) == url
    anonymous = app.test_client()
    feed = anonymous.get(url)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    events = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(feed.data).walk("VEVENT")}
    visit = next(e for uid, e in events.items() if uid.startswith("activity-"))
    assert str(visit["SUMMARY"]) == "Visit: Visit the warehouse"
    assert f"http://localhost/opportunities/{deal.id}" == str(visit["URL"])
    asked = rep.get("/calendar/link/renew")  # asked first: nothing changes yet
    assert asked.status_code == 200 and 'id="renew-link-form"' in asked.text and "stops working" in asked.text
    assert anonymous.get(url).status_code == 200
    renewed = rep.post("/calendar/link/renew")
    assert (renewed.status_code, renewed.location) == (303, "/agenda#calendar-link")
    new_url = feed_url_on(rep.get("/agenda").text)
    assert anonymous.get(url).status_code == 404 and anonymous.get(new_url).status_code == 200
    assert 'id="revoke-link-form"' in rep.get("/calendar/link/revoke").text
    assert anonymous.get(new_url).status_code == 200
    assert rep.post("/calendar/link/revoke").status_code == 303
    assert anonymous.get(new_url).status_code == 404
    assert "You have no calendar link yet." in rep.get("/agenda").text
    assert rep.get("/calendar/link/revoke").location == "/agenda#calendar-link"  # nothing to stop
    assert anonymous.get("/calendar/not-a-token.ics").status_code == 404


def test_nobody_else_sees_or_changes_a_users_calendar_link(app, engine):
    rep = client_for(app, "rep1")
    rep.post("/calendar/link")
    url = feed_url_on(rep.get("/agenda").text)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    for username in ("rep2", "manager"):
        other = client_for(app, username)
        assert token not in other.get("/agenda?user=rep1").text  # a manager sees rep1's agenda, not the link
        assert other.post("/calendar/link/renew").status_code == 303 and other.post("/calendar/link/revoke")
        assert token not in other.get("/agenda").text  # each renews or stops only their own
    assert app.test_client().get(url).status_code == 200
    assert app.test_client().post("/calendar/link/renew").status_code == 302  # to the login page
    assert engine.calendar_feed_status("rep1", viewer="rep1").token == token


def test_the_forms_carry_csrf_tokens_and_a_post_without_one_is_refused(engine):
    app = make_app(engine, csrf=True)
    deal = open_deal(engine)
    client = app.test_client()
    login_page = client.get("/login")
    client.post("/login", data={"username": "rep1", "password": "demo", "csrf_token": csrf_token(login_page.text)})
    page = client.get("/agenda")
    assert page.text.count('name="csrf_token"') >= 3
    assert plan(client, partner_of(engine, deal.id)).status_code == 400
    assert client.post("/calendar/link").status_code == 400
    assert client.post("/calendar/link/renew").status_code == 400 and client.post("/calendar/link/revoke").status_code == 400


def test_the_partner_panel_lists_activities_and_plans_one(app, engine):
    deal = open_deal(engine)
    partner_id = partner_of(engine, deal.id)
    engine.plan_activity(actor="rep1", partner_id=partner_id, opportunity_id=deal.id, kind="meeting",
                         subject="Kick-off", starts_at="2026-11-03T09:00Z", duration_minutes=60)
    activities = engine.activities_for_partner(partner_id, viewer="rep1")
    client = client_for(app, "rep1")
    with client.application.test_request_context(f"/partners/{partner_id}"):
        from flask_login import login_user
        from webui.pages import WebUser
        login_user(WebUser(engine.user_view("rep1"), 0))
        html = render_template("_partner_activities.html", partner=type("P", (), {"id": partner_id, "name": "P"}),
                               activities=activities, deals=[deal])
    assert "Kick-off" in html and 'id="partner-plan-form"' in html
    assert f'action="/partners/{partner_id}/activities"' in html and f'<option value="{deal.id}">' in html
    response = plan(client, partner_id, opportunity_id=str(deal.id), subject="From the panel",
                    next=f"/partners/{partner_id}#activities")
    assert (response.status_code, response.location) == (303, f"/partners/{partner_id}#activities")
    assert [a.subject for a in engine.activities_for_deal(deal.id, viewer="rep1")] == ["From the panel", "Kick-off"]


@pytest.fixture
def queue_app(db_url, clock, tmp_path):
    engine = with_passwords(make_engine(db_url, clock, everything_queued(tmp_path)))
    yield make_app(engine)
    engine.close()


def test_the_week_shows_the_team_queue_tasks_marked_apart_from_own_ones(queue_app):
    engine = queue_app.config["ENGINE"]
    deal = open_deal(engine)  # its first task waits unclaimed in the queue of 'sales', due Wednesday 2026-11-04
    engine.plan_activity(actor="rep2", partner_id=partner_of(engine, deal.id), kind="call", subject="Own call",
                         starts_at="2026-11-04T08:00Z", duration_minutes=30)
    rep = client_for(queue_app, "rep2")
    week = rep.get("/calendar/week?start=2026-11-02")
    wednesday = week.text.split('id="day-rep2-2026-11-04"')[1].split('id="day-rep2-2026-11-05"')[0]
    queued = wednesday.split("Own call")[1]
    assert 'cal-queued' in queued and "queue: sales" in queued and "Qualify the lead" in queued
    assert "cal-queued" not in wednesday.split("Own call")[0].rsplit('<div class="week-item', 1)[1]
    team = client_for(queue_app, "manager").get("/calendar/week?team=sales&start=2026-11-02")
    queue_row = team.text.split('id="week-queue"')[1]
    assert "Queue of sales" in queue_row and "Qualify the lead" in queue_row.split('id="day-queue-2026-11-05"')[0]
    assert "Qualify the lead" not in team.text.split('id="week-queue"')[0]  # not in a member's row
    other = client_for(queue_app, "rep3")
    assert "Qualify the lead" not in other.get("/calendar/week?start=2026-11-02").text
    assert other.get("/calendar/week?team=sales").status_code == 404


def test_whose_week_is_a_choice_of_the_people_one_may_see_by_name_and_the_server_checks_it(app, engine):
    """The Rep field took a typed username (a rep's page) or listed every user (a
    manager's, other teams' people included, whose weeks then answered 404). It is a
    select of the people the viewer may see, by name; what else is sent is refused."""
    engine.create_user("rep4", "rep", "Zofia Wrona")             # in no team: nobody's to see but the admin's
    engine.create_user("rep5", "rep", "Adam Sales")
    engine.create_team("sales-2", "manager", ["rep5"])           # a second team of the same manager
    engine.create_user("designer", "designer", "Dana Designer")

    def choices(client, address):
        page = client.get(address)
        assert page.status_code == 200
        people = page.text.split('<select id="week-user" name="user">')[1].split("</select>")[0]
        return re.findall(r'<option value="([^"]*)"', people), people, page.text

    values, people, page = choices(client_for(app, "manager"), "/calendar/week?user=rep1")
    assert set(values) == {"", "manager", "rep1", "rep2", "rep5"}  # the teams' people and oneself; no rep3, rep4
    assert re.search(r'<option value="rep5"\s*>Adam Sales</option>', people)
    assert re.search(r'<option value="rep1"\s*selected>', people)  # the week shown is rep1's
    teams = page.split('<select id="week-team" name="team">')[1].split("</select>")[0]
    offered = re.findall(r'<option value="([^"]*)"', teams)
    assert {"sales", "sales-2"} <= set(offered) and "others" not in offered  # manager2's team is not theirs
    values, _, page = choices(client_for(app, "rep1"), "/calendar/week")
    assert values == ["rep1"] and 'id="week-team"' not in page and "Zofia Wrona" not in page
    admin, _, _ = choices(client_for(app, "admin"), "/calendar/week?user=rep4")
    assert {"rep3", "rep4", "rep5"} <= set(admin) and "designer" not in admin  # designers plan no activities

    # The server, not the list, decides: a person or team one may not see is not found.
    for who, address in (("rep1", "/calendar/week?user=rep2"), ("manager", "/calendar/week?user=rep3"),
                         ("manager", "/calendar/week?user=rep4"), ("manager2", "/calendar/week?user=rep1"),
                         ("manager2", "/calendar/week?team=sales"), ("rep1", "/calendar/week?team=sales"),
                         ("manager", "/calendar/week?user=nobody")):
        assert client_for(app, who).get(address).status_code == 404, (who, address)
