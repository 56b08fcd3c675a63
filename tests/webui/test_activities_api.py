"""The activities' and calendars' JSON API on SQLite and PostgreSQL: every route's
success, its errors as the documented shapes, and every route as a user who may not
see the partner, the deal or the person (404, nothing leaks)."""

from __future__ import annotations

import json

from engine.store.models import Opportunity
from tests.webui.test_api import api, assert_error  # noqa: F401  (fixture)
from tests.webui.test_api_openapi import Checker, every_status

PREFIX = "/api/v1"
ACTIVITY_PATHS = {"/activities", "/activities/done", "/activities/{activity_id}",
                  "/activities/{activity_id}/reschedule", "/activities/{activity_id}/outcome",
                  "/activities/{activity_id}/cancel", "/partners/{partner_id}/activities",
                  "/opportunities/{opportunity_id}/activities", "/agenda", "/calendar/week"}
SECRET = "Confidential call"


def send(api, method: str, path: str, user: str | None, body=None, **kwargs):
    return api.client.open(PREFIX + path, method=method, headers=api.headers(user),
                           data=None if body is None else json.dumps(body), content_type="application/json",
                           **kwargs)


def partner_of(api, deal) -> int:
    with api.engine._sessions() as session:
        return session.get(Opportunity, deal["id"]).partner_id


def call(deal, **extra):
    return {"opportunity_id": deal["id"], "kind": "call", "subject": SECRET, "starts_at": "2026-11-03T10:00:00+01:00",
            "duration_minutes": 30, **extra}


def test_an_activity_is_planned_moved_recorded_and_listed_through_the_api(api):
    deal = api.open_deal()
    created = send(api, "POST", "/activities", "rep1", call(deal, notes=None))
    assert created.status_code == 201, created.get_json()
    activity = created.get_json()
    assert (activity["starts_at"], activity["ends_at"], activity["status"], activity["partner_id"]) == (
        "2026-11-03T09:00:00Z", "2026-11-03T09:30:00Z", "planned", partner_of(api, deal))
    moved = send(api, "POST", f"/activities/{activity['id']}/reschedule", "rep1",
                 {"starts_at": "2026-11-04T08:00:00Z", "duration_minutes": 60}).get_json()
    assert (moved["sequence"], moved["starts_at"], moved["duration_minutes"]) == (1, "2026-11-04T08:00:00Z", 60)
    agenda = send(api, "GET", "/agenda?days=3&zone=Europe/Warsaw", "rep1").get_json()
    assert agenda["today"] == "2026-11-02" and [d["day"] for d in agenda["days"]][-1] == "2026-11-04"
    assert any(i["ref"] == str(activity["id"]) for i in agenda["days"][2]["items"])
    week = send(api, "GET", "/calendar/week?team=sales&start=2026-11-04", "manager").get_json()
    assert week["start"] == "2026-11-02" and [r["user"] for r in week["rows"]] == ["rep1", "rep2"]
    assert any(i["ref"] == str(activity["id"]) for i in week["rows"][0]["days"][2])
    done = send(api, "POST", f"/activities/{activity['id']}/outcome", "rep1", {"outcome": "Wants a demo"}).get_json()
    assert (done["status"], done["outcome"], done["may_edit"]) == ("done", "Wants a demo", False)
    assert_error(send(api, "POST", f"/activities/{activity['id']}/cancel", "rep1", {}), 409, "conflict")
    logged = send(api, "POST", "/activities/done", "rep1",
                  {"partner_id": partner_of(api, deal), "kind": "email", "subject": "Sent the offer",
                   "starts_at": "2026-11-02T08:00:00Z", "outcome": "Sent"})
    assert logged.status_code == 201 and logged.get_json()["status"] == "done"
    listed = send(api, "GET", f"/partners/{partner_of(api, deal)}/activities", "rep1").get_json()
    assert [a["subject"] for a in listed] == [SECRET, "Sent the offer"]
    assert [a["id"] for a in send(api, "GET", f"/opportunities/{deal['id']}/activities", "rep1").get_json()] == [
        activity["id"]]


def test_mistakes_are_422_with_a_message_per_field(api):
    deal = api.open_deal()
    assert_error(send(api, "POST", "/activities", "rep1", {"opportunity_id": deal["id"], "mood": "x"}), 422,
                 "invalid", {"mood"})
    assert_error(send(api, "POST", "/activities", "rep1",
                      {"opportunity_id": deal["id"], "kind": "lunch", "starts_at": "2026-11-03T10:00",
                       "duration_minutes": "30"}),
                 422, "invalid", {"kind", "subject", "starts_at", "duration_minutes"})
    assert_error(send(api, "POST", "/activities", "rep1", {"partner_id": "one", **call(deal)}), 422, "invalid",
                 {"partner_id"})
    assert_error(send(api, "POST", "/activities", "rep1", {"kind": "call", "subject": "x",
                                                            "starts_at": "2026-11-03T10:00:00Z"}),
                 422, "invalid", {"partner_id"})
    assert_error(send(api, "GET", "/agenda?days=90", "rep1"), 422, "invalid", {"days"})
    assert_error(send(api, "GET", "/agenda?colour=red", "rep1"), 422, "invalid", {"colour"})
    assert_error(send(api, "GET", "/calendar/week?start=tomorrow", "rep1"), 422, "invalid", {"start"})
    assert send(api, "GET", "/agenda?zone=America", "rep1").get_json()["zone"] == "UTC"


def test_every_route_as_someone_who_may_not_see_it_is_404_and_says_nothing(api):
    deal = api.open_deal()
    activity = send(api, "POST", "/activities", "rep1", call(deal)).get_json()
    partner_id = partner_of(api, deal)
    calls = [("POST", "/activities", call(deal)),
             ("POST", "/activities", {"partner_id": partner_id, **call(deal, opportunity_id=None)}),
             ("POST", "/activities/done", call(deal, outcome="x")),
             ("GET", f"/activities/{activity['id']}", None),
             ("POST", f"/activities/{activity['id']}/reschedule", {"starts_at": "2026-11-05T10:00:00Z"}),
             ("POST", f"/activities/{activity['id']}/reschedule", {"nonsense": 1}),
             ("POST", f"/activities/{activity['id']}/outcome", {"outcome": "x"}),
             ("POST", f"/activities/{activity['id']}/cancel", {}),
             ("GET", f"/partners/{partner_id}/activities", None),
             ("GET", f"/opportunities/{deal['id']}/activities", None),
             ("GET", "/agenda?user=rep1", None),
             ("GET", "/calendar/week?user=rep1", None),
             ("GET", "/calendar/week?team=sales", None)]
    for user in ("rep3", "manager2"):
        for method, path, body in calls:
            response = send(api, method, path, user, body)
            assert_error(response, 404, "not_found")
            for secret in (SECRET, deal["title"], deal["partner_name"]):
                assert secret not in response.get_data(as_text=True), (method, path)
        for method, path, body in calls:
            assert_error(send(api, method, path, None, body), 401, "unauthorized")
    assert send(api, "GET", f"/activities/{activity['id']}", "rep1").get_json()["status"] == "planned"
    assert_error(send(api, "POST", "/activities", "rep1", call(deal, owner="rep2")), 403, "forbidden")


def test_answers_fit_the_documented_schemas_for_every_documented_status(api):
    document = api.client.get(f"{PREFIX}/openapi.json").get_json()
    check = Checker(document)
    deal = api.open_deal()
    partner_id = partner_of(api, deal)
    one, move, outcome, cancel = ("/activities/{activity_id}", "/activities/{activity_id}/reschedule",
                                  "/activities/{activity_id}/outcome", "/activities/{activity_id}/cancel")
    first = check(send(api, "POST", "/activities", "rep1", call(deal)), "POST", "/activities", 201)
    second = check(send(api, "POST", "/activities", "rep1", call(deal)), "POST", "/activities", 201)
    check(send(api, "POST", "/activities/done", "rep1", call(deal, outcome="Sent")), "POST", "/activities/done", 201)
    check(send(api, "GET", f"/activities/{first['id']}", "rep1"), "GET", one, 200)
    check(send(api, "POST", f"/activities/{first['id']}/reschedule", "rep1", {"starts_at": "2026-11-05T10:00:00Z"}),
          "POST", move, 200)
    check(send(api, "POST", f"/activities/{first['id']}/outcome", "rep1", {"outcome": "ok", "notes": None}),
          "POST", outcome, 200)
    check(send(api, "POST", f"/activities/{second['id']}/cancel", "rep1", {"reason": "Holiday"}), "POST", cancel, 200)
    check(send(api, "GET", f"/partners/{partner_id}/activities", "rep1"), "GET", "/partners/{partner_id}/activities",
          200)
    check(send(api, "GET", f"/opportunities/{deal['id']}/activities", "rep1"), "GET",
          "/opportunities/{opportunity_id}/activities", 200)
    check(send(api, "GET", "/agenda", "rep1"), "GET", "/agenda", 200)
    check(send(api, "GET", "/calendar/week", "rep1"), "GET", "/calendar/week", 200)
    # 403: a rep plans for someone else, or changes another's activity they still see
    check(send(api, "POST", "/activities", "rep1", call(deal, owner="rep2")), "POST", "/activities", 403)
    check(send(api, "POST", "/activities/done", "rep1", call(deal, owner="rep2", outcome="x")), "POST",
          "/activities/done", 403)
    third = send(api, "POST", "/activities", "manager", call(deal, owner="rep2")).get_json()
    for path, template, body in ((f"/activities/{third['id']}/reschedule", move, {"starts_at": "2026-11-05T10:00Z"}),
                                 (f"/activities/{third['id']}/outcome", outcome, {"outcome": "x"}),
                                 (f"/activities/{third['id']}/cancel", cancel, {})):
        check(send(api, "POST", path, "rep1", body), "POST", template, 403)
    # 409: done or cancelled already; a closed deal
    check(send(api, "POST", f"/activities/{first['id']}/reschedule", "rep1", {"starts_at": "2026-11-05T10:00Z"}),
          "POST", move, 409)
    check(send(api, "POST", f"/activities/{first['id']}/outcome", "rep1", {"outcome": "x"}), "POST", outcome, 409)
    check(send(api, "POST", f"/activities/{second['id']}/cancel", "rep1", {}), "POST", cancel, 409)
    # 422
    check(send(api, "POST", "/activities", "rep1", {"kind": "x"}), "POST", "/activities", 422)
    check(send(api, "POST", "/activities/done", "rep1", call(deal)), "POST", "/activities/done", 422)
    live = send(api, "POST", "/activities", "rep1", call(deal)).get_json()
    check(send(api, "POST", f"/activities/{live['id']}/reschedule", "rep1", {"starts_at": "later"}), "POST", move, 422)
    check(send(api, "POST", f"/activities/{live['id']}/outcome", "rep1", {"outcome": ""}), "POST", outcome, 422)
    check(send(api, "POST", f"/activities/{live['id']}/cancel", "rep1", {"reason": 5}), "POST", cancel, 422)
    check(send(api, "GET", "/agenda?days=0", "rep1"), "GET", "/agenda", 422)
    check(send(api, "GET", "/calendar/week?start=x", "rep1"), "GET", "/calendar/week", 422)
    # 404 and 401 on every route
    for method, path, template, body in (
            ("POST", "/activities", "/activities", call(deal)),
            ("POST", "/activities/done", "/activities/done", call(deal, outcome="x")),
            ("GET", f"/activities/{live['id']}", one, None),
            ("POST", f"/activities/{live['id']}/reschedule", move, {"starts_at": "2026-11-05T10:00Z"}),
            ("POST", f"/activities/{live['id']}/outcome", outcome, {"outcome": "x"}),
            ("POST", f"/activities/{live['id']}/cancel", cancel, {}),
            ("GET", f"/partners/{partner_id}/activities", "/partners/{partner_id}/activities", None),
            ("GET", f"/opportunities/{deal['id']}/activities", "/opportunities/{opportunity_id}/activities", None),
            ("GET", "/agenda?user=rep1", "/agenda", None),
            ("GET", "/calendar/week?user=rep1", "/calendar/week", None)):
        check(send(api, method, path, "rep3", body), method, template, 404)
        check(send(api, method, path, None, body), method, template, 401)
    api.engine.close_as_lost(deal["id"], actor="manager", reason="Price")
    check(send(api, "POST", "/activities", "rep1", call(deal)), "POST", "/activities", 409)
    check(send(api, "POST", "/activities/done", "rep1", {**call(deal, outcome="x"), "opportunity_id": None,
                                                        "partner_id": 999_999}), "POST", "/activities/done", 404)
    api.engine.archive_partner(partner_id, actor="admin")
    check(send(api, "POST", "/activities/done", "rep1", call(deal, outcome="x")), "POST", "/activities/done", 409)
    assert every_status(document, ACTIVITY_PATHS) - check.checked == set()
