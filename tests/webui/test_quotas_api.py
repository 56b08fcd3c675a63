"""The quota API (M14) and the fiscal calendar, every documented answer checked
against the document — each also as the wrong user."""

from __future__ import annotations

import json

from tests.service.quota_seeds import with_director
from tests.webui.test_api import Api
from tests.webui.test_api_openapi import PREFIX, Checker, every_status

QUOTA_PATHS = {"/fiscal-calendar", "/quotas", "/quotas/set", "/quotas/splits", "/quotas/splits/commit"}
Q = "2026-Q4"


def test_the_quota_api_sets_splits_commits_and_shows_as_documented(engine):
    with_director(engine)
    api = Api(engine)
    check = Checker(api.client.get(f"{PREFIX}/openapi.json").get_json())

    def put(user, body):
        return api.client.put("/api/v1/fiscal-calendar", headers=api.headers(user), data=json.dumps(body),
                              content_type="application/json")

    assert check(api.get("/fiscal-calendar", "rep1"), "GET", "/fiscal-calendar", 200) == {"start_month": 1}
    check(api.get("/fiscal-calendar", None), "GET", "/fiscal-calendar", 401)
    check(put(None, {"start_month": 4}), "PUT", "/fiscal-calendar", 401)
    check(put("manager", {"start_month": 4}), "PUT", "/fiscal-calendar", 403)
    check(put("admin", {"start_month": 13}), "PUT", "/fiscal-calendar", 422)
    check(put("admin", {"start_month": "4"}), "PUT", "/fiscal-calendar", 422)
    assert check(put("admin", {"start_month": 1}), "PUT", "/fiscal-calendar", 200) == {"start_month": 1}

    set_path = "/quotas/set"
    check(api.post(set_path, None, {"user": "manager", "period": Q, "amount": "1"}), "POST", set_path, 401)
    check(api.post(set_path, "rep1", {"user": "manager", "period": Q, "amount": "1"}), "POST", set_path, 403)
    check(api.post(set_path, "director", {"user": "nobody", "period": Q, "amount": "1"}), "POST", set_path, 404)
    bad = check(api.post(set_path, "director", {"user": "manager", "period": "Q5", "amount": "x"}),
                "POST", set_path, 422)
    assert "period" in bad["fields"] or "amount" in bad["fields"]
    done = check(api.post(set_path, "director", {"user": "manager", "period": Q, "amount": "100000"}),
                 "POST", set_path, 201)
    assert (done["kind"], done["version"], done["total"]) == ("set", 1, "100000.00")

    split_path = "/quotas/splits"
    body = {"manager": "manager", "period": Q, "parts": {"rep1": "40000", "rep2": "50000"}}
    check(api.post(split_path, None, body), "POST", split_path, 401)
    check(api.post(split_path, "rep1", body), "POST", split_path, 403)
    check(api.post(split_path, "manager", {**body, "manager": "ghost"}), "POST", split_path, 404)
    wrong = check(api.post(split_path, "manager", {**body, "parts": {"rep3": "1"}}), "POST", split_path, 422)
    assert "not a direct report" in wrong["fields"]["rep3"]
    check(api.post(split_path, "manager", {**body, "parts": {"rep1": 5}}), "POST", split_path, 422)
    draft = check(api.post(split_path, "manager", body), "POST", split_path, 201)
    assert draft["status"] == "draft" and draft["version"] is None and "10000.00 PLN short" in draft["warning"]

    sheet_path = "/quotas"
    team = check(api.get(f"/quotas?period={Q}", "rep1"), "GET", sheet_path, 200)
    assert team["manager"] == "manager" and team["draft"] is None and team["history"] == []
    mine = check(api.get(f"/quotas?period={Q}", "manager"), "GET", sheet_path, 200)
    assert mine["draft"]["total"] == "90000.00" and mine["may_split"] is True
    check(api.get(f"/quotas?period={Q}&manager=manager", "rep3"), "GET", sheet_path, 404)
    check(api.get("/quotas?colour=red", "manager"), "GET", sheet_path, 400)
    engine.create_user("designer2", "designer")
    check(api.get("/quotas", "designer2"), "GET", sheet_path, 403)
    check(api.get("/quotas?period=2026-Q7", "manager"), "GET", sheet_path, 422)
    check(api.get("/quotas", None), "GET", sheet_path, 401)

    commit_path = "/quotas/splits/commit"
    check(api.post(commit_path, None, {"manager": "manager", "period": Q}), "POST", commit_path, 401)
    check(api.post(commit_path, "rep2", {"manager": "manager", "period": Q}), "POST", commit_path, 403)
    check(api.post(commit_path, "manager", {"manager": "ghost", "period": Q}), "POST", commit_path, 404)
    check(api.post(commit_path, "director", {"manager": "manager", "period": Q}), "POST", commit_path, 422)  # no draft
    committed = check(api.post(commit_path, "manager", {"manager": "manager", "period": Q, "note": "Q4 plan"}),
                      "POST", commit_path, 201)
    assert (committed["status"], committed["version"], committed["note"]) == ("committed", 1, "Q4 plan")
    team = check(api.get(f"/quotas?period={Q}", "rep1"), "GET", sheet_path, 200)
    assert team["own_quota"]["amount"] == "40000.00" and team["history"][0]["version"] == 1

    assert every_status(check.document, QUOTA_PATHS) - check.checked == set()
