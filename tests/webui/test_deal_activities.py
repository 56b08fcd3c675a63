"""The activities panel of the deal page through the Flask test client, on SQLite and
PostgreSQL: the deal's planned and done activities in the viewer's zone, planning one
and logging one done from the page, a form that does not fit, a closed deal (its
history, no plan form), and every route as the wrong user."""

from __future__ import annotations

from datetime import datetime, timezone

from engine.store.models import Opportunity
from tests.webui.pages_support import PARTNER, TITLE, assert_nothing_leaks, client_for, open_deal


def partner_of(engine, deal_id):
    with engine._sessions() as session:
        return session.get(Opportunity, deal_id).partner_id


def panel(html: str) -> str:
    return html.split('id="deal-activities"')[1].split("</section>")[0]


def plan(client, deal_id, **values):
    data = {"kind": "meeting", "subject": "Site survey", "starts_at": "2026-11-05T10:00", "duration_minutes": "90",
            "notes": "Bring the <measuring> tape"}
    data.update(values)
    return client.post(f"/opportunities/{deal_id}/activities", data=data)


def test_the_deal_page_lists_planned_and_done_activities_in_the_viewers_zone(app, engine, clock):
    deal = open_deal(engine)
    partner_id = partner_of(engine, deal.id)
    engine.plan_activity(actor="rep1", partner_id=partner_id, opportunity_id=deal.id, kind="call",
                         subject="Budget call", starts_at="2026-11-04T09:00Z", duration_minutes=20)
    engine.log_done_activity(actor="rep1", partner_id=partner_id, opportunity_id=deal.id, kind="visit",
                             subject="Walked the cold room", starts_at="2026-11-02T07:00Z", duration_minutes=45,
                             outcome="Needs two units", notes="Door faces south")
    engine.plan_activity(actor="rep1", partner_id=partner_id, kind="email", subject="Not on this deal",
                         starts_at="2026-11-04T09:00Z", duration_minutes=5)
    rep = client_for(app, "rep1")
    rep.set_cookie("tz", "Europe/Warsaw")
    html = panel(rep.get(f"/opportunities/{deal.id}").text)
    planned = html.split('id="deal-planned"')[1].split("</ul>")[0]
    done = html.split('id="deal-history"')[1].split("</ul>")[0]
    assert "Budget call" in planned and "2026-11-04 10:00" in planned and "20 min" in planned  # Warsaw: UTC+1
    assert "Call" in planned and "Record, move or cancel" in planned
    assert "Walked the cold room" in done and "2026-11-02 08:00" in done and "Needs two units" in done
    assert "Door faces south" in done and "45 min" in done and ">done<" in done
    assert "Not on this deal" not in html
    assert 'id="deal-plan-form"' in html and 'id="deal-log-form"' in html


def test_a_rep_plans_and_logs_an_activity_from_the_deal_page(app, engine):
    deal = open_deal(engine)
    rep = client_for(app, "rep1")
    rep.set_cookie("tz", "Europe/Warsaw")
    response = plan(rep, deal.id)
    assert (response.status_code, response.location) == (303, f"/opportunities/{deal.id}#deal-activities")
    (planned,) = engine.activities_for_deal(deal.id, viewer="rep1")
    assert (planned.kind, planned.status, planned.owner, planned.duration_minutes) == ("meeting", "planned", "rep1", 90)
    assert planned.starts_at == datetime(2026, 11, 5, 9, 0, tzinfo=timezone.utc)  # typed in Warsaw's time
    assert planned.partner_id == partner_of(engine, deal.id)
    logged = rep.post(f"/opportunities/{deal.id}/activities",
                      data={"done": "1", "kind": "call", "subject": "Quick call", "starts_at": "2026-11-02T09:30",
                            "duration_minutes": "10", "outcome": "Sends the floor plan", "notes": ""})
    assert logged.status_code == 303
    call = next(a for a in engine.activities_for_deal(deal.id, viewer="rep1") if a.kind == "call")
    assert (call.status, call.outcome) == ("done", "Sends the floor plan")
    page = rep.get(f"/opportunities/{deal.id}").text
    assert "Bring the &lt;measuring&gt; tape" in page  # escaped
    events = [e.kind for e in engine.opportunity_for(deal.id, viewer="rep1").events]
    assert "activity_planned" in events and "activity_done" in events  # the deal's history too


def test_a_form_that_does_not_fit_comes_back_with_a_message_per_field(app, engine):
    deal = open_deal(engine)
    rep = client_for(app, "rep1")
    response = plan(rep, deal.id, subject=" ", starts_at="next week", kind="lunch")
    assert response.status_code == 422
    form = response.text.split('id="deal-plan-form"')[1].split("</form>")[0]
    assert 'id="deal-plan-error-subject"' in form and 'id="deal-plan-error-starts_at"' in form
    assert 'id="deal-plan-error-kind"' in form and 'value="next week"' in form  # the values sent are kept
    logged = rep.post(f"/opportunities/{deal.id}/activities",
                      data={"done": "1", "kind": "call", "subject": "Call", "starts_at": "2026-11-02T09:30",
                            "duration_minutes": "10", "outcome": ""})
    assert logged.status_code == 422 and 'id="deal-log-error-outcome"' in logged.text
    assert engine.activities_for_deal(deal.id, viewer="rep1") == []


def test_a_closed_deal_shows_its_history_but_offers_no_plan(app, engine):
    deal = open_deal(engine)
    partner_id = partner_of(engine, deal.id)
    engine.log_done_activity(actor="rep1", partner_id=partner_id, opportunity_id=deal.id, kind="call",
                             subject="Last call", starts_at="2026-11-02T08:00Z", duration_minutes=15,
                             outcome="Chose a competitor")
    engine.close_as_lost(deal.id, actor="manager", reason="Price")  # as tests/webui/test_activities_api.py does
    rep = client_for(app, "rep1")
    html = panel(rep.get(f"/opportunities/{deal.id}").text)
    assert "Last call" in html and "Chose a competitor" in html
    assert 'id="deal-plan-form"' not in html and "Nothing planned: the deal is lost." in html
    refused = plan(rep, deal.id, subject="Too late")
    assert refused.status_code == 303  # back to the page, with the reason
    assert "plan activities on an open deal" in rep.get(refused.location).text
    assert [a.subject for a in engine.activities_for_deal(deal.id, viewer="rep1")] == ["Last call"]


def test_other_people_can_neither_see_nor_add_activities_on_the_deal(app, engine):
    deal = open_deal(engine)
    engine.plan_activity(actor="rep1", partner_id=partner_of(engine, deal.id), opportunity_id=deal.id, kind="call",
                         subject="Secret call", starts_at="2026-11-04T09:00Z", duration_minutes=20)
    for username in ("rep3", "manager2"):
        other = client_for(app, username)
        for response in (other.get(f"/opportunities/{deal.id}"), plan(other, deal.id),
                         plan(other, deal.id, done="1", outcome="x")):
            assert response.status_code == 404, (username, response.request.path)
            assert_nothing_leaks(response, "Secret call", TITLE, PARTNER)
    assert [a.subject for a in engine.activities_for_deal(deal.id, viewer="rep1")] == ["Secret call"]
    manager = client_for(app, "manager")
    assert "Secret call" in panel(manager.get(f"/opportunities/{deal.id}").text)
    assert app.test_client().post(f"/opportunities/{deal.id}/activities").status_code == 302  # to the login page
