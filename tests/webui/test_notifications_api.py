"""The notifications API (issue 15) against its OpenAPI document, on SQLite and
PostgreSQL: the caller's own notifications a page at a time, marking one (another
user's is a 404) or all read, every documented status checked."""

from __future__ import annotations

from tests.webui.test_api import api  # noqa: F401  (fixture)
from tests.webui.test_api_openapi import PREFIX, Checker, every_status

NOTIFICATION_PATHS = {"/notifications", "/notifications/{notification_id}/read", "/notifications/read-all"}


def test_the_api_lists_pages_and_marks_the_callers_own_notifications(api):
    deal = api.open_deal()  # rep1's
    engine = api.engine
    for _ in range(2):
        engine.reassign_task(engine.show_opportunity(deal["id"]).open_tasks[0].id, to="rep2", actor="manager")
        engine.reassign_task(engine.show_opportunity(deal["id"]).open_tasks[0].id, to="rep3", actor="manager")
    check = Checker(api.client.get(f"{PREFIX}/openapi.json").get_json())
    listed = check(api.get("/notifications", "rep2"), "GET", "/notifications", 200)
    assert (len(listed["notifications"]), listed["unread"], listed["older"], listed["mailed"]) == (2, 2, None, True)
    older = check(api.get(f"/notifications?before={listed['notifications'][0]['id']}", "rep2"), "GET",
                  "/notifications", 200)
    assert [n["id"] for n in older["notifications"]] == [listed["notifications"][1]["id"]]
    assert check(api.get("/notifications", "rep1"), "GET", "/notifications", 200)["notifications"] == []
    check(api.get("/notifications", None), "GET", "/notifications", 401)
    assert set(check(api.get("/notifications?colour=red", "rep2"), "GET", "/notifications", 400)["fields"]) == {
        "colour"}
    assert set(check(api.get("/notifications?before=0", "rep2"), "GET", "/notifications", 400)["fields"]) == {
        "before"}
    assert set(check(api.get("/notifications?limit=5", "rep2"), "GET", "/notifications", 400)["fields"]) == {
        "limit"}  # pages are 200 long
    assert set(check(api.get("/notifications?before=%00", "rep2"), "GET", "/notifications", 422)["fields"]) == {
        "before"}

    one = "/notifications/{notification_id}/read"
    newest = listed["notifications"][0]["id"]
    check(api.post(f"/notifications/{newest}/read", None), "POST", one, 401)
    check(api.post(f"/notifications/{newest}/read", "rep3"), "POST", one, 404)  # not rep3's
    assert check(api.post(f"/notifications/{newest}/read", "rep2"), "POST", one, 200)["read_at"] is not None
    every = "/notifications/read-all"
    check(api.post(every, None), "POST", every, 401)
    assert check(api.post(every, "rep2"), "POST", every, 200) == {"marked": 1}
    assert engine.unread_notification_count(viewer="rep2") == 0
    assert engine.unread_notification_count(viewer="rep3") == 2  # untouched by rep2's calls
    assert every_status(check.document, NOTIFICATION_PATHS) - check.checked == set()
