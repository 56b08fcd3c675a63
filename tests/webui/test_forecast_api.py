"""The forecast API (M15), every documented answer checked against the document —
each also as the wrong user."""

from __future__ import annotations

import json

from tests.service.forecast_seeds import seed
from tests.service.quota_seeds import with_director
from tests.webui.test_api import Api
from tests.webui.test_api_openapi import PREFIX, Checker, every_status

FORECAST_PATHS = {"/forecast", "/forecast/adjustments", "/forecast/submissions", "/company-time-zone"}
Q = "2026-Q4"


def test_the_forecast_api_shows_adjusts_and_submits_as_documented(engine):
    seed(with_director(engine))
    engine.set_quota("manager", Q, "80000", actor="director")
    api = Api(engine)
    check = Checker(api.client.get(f"{PREFIX}/openapi.json").get_json())
    path = "/forecast"
    mine = check(api.get(f"/forecast?period={Q}", "manager"), "GET", path, 200)
    pln = next(x for x in mine["rollup"] if x["currency"] == "PLN")
    assert (pln["quota"], pln["commit"], pln["closed_won"], pln["progress"]) == ("80000.00", "11000.00", "4000.00", 5)
    assert check(api.get(f"/forecast?period={Q}&user=rep3", "admin"), "GET", path, 200)["username"] == "rep3"
    check(api.get(f"/forecast?period={Q}&user=rep2", "rep1"), "GET", path, 404)
    check(api.get(f"/forecast?period={Q}&user=rep1", "manager2"), "GET", path, 404)
    check(api.get(f"/forecast?period={Q}", "designer"), "GET", path, 403)
    check(api.get("/forecast?colour=red", "rep1"), "GET", path, 400)
    check(api.get("/forecast?period=2026-Q0", "rep1"), "GET", path, 422)
    check(api.get("/forecast", None), "GET", path, 401)

    adjust = "/forecast/adjustments"
    body = {"user": "rep1", "period": Q, "category": "commit", "amount": "9000", "note": "slips"}
    check(api.post(adjust, None, body), "POST", adjust, 401)
    check(api.post(adjust, "director", body), "POST", adjust, 403)  # sees rep1, is not their direct manager
    check(api.post(adjust, "manager2", body), "POST", adjust, 404)
    bad = check(api.post(adjust, "manager", {**body, "category": "hope", "note": ""}), "POST", adjust, 422)
    assert set(bad["fields"]) == {"category", "note"}
    after = check(api.post(adjust, "manager", body), "POST", adjust, 201)
    rep1 = next(p for p in after["people"] if p["username"] == "rep1")["own"]
    pln = next(x for x in rep1 if x["currency"] == "PLN")
    assert (pln["commit"], pln["adjusted"]["commit"], pln["adjustments"][0]["note"]) == ("11000.00", "9000.00",
                                                                                         "slips")

    submit = "/forecast/submissions"
    check(api.post(submit, None, {"period": Q}), "POST", submit, 401)
    check(api.post(submit, "admin", {"period": Q}), "POST", submit, 403)
    check(api.post(submit, "rep1", {"period": 2026}), "POST", submit, 422)
    done = check(api.post(submit, "rep1", {"period": Q}), "POST", submit, 201)
    assert done["figures"]["username"] == "rep1"
    shown = check(api.get(f"/forecast?period={Q}", "rep1"), "GET", path, 200)
    assert [s["id"] for s in shown["submissions"]] == [done["id"]]

    zone = "/company-time-zone"

    def put(user, body):
        return api.client.put("/api/v1" + zone, headers=api.headers(user), data=json.dumps(body),
                              content_type="application/json")

    assert check(api.get(zone, "rep1"), "GET", zone, 200) == {"time_zone": "UTC"}
    check(api.get(zone, None), "GET", zone, 401)
    check(put(None, {"time_zone": "Europe/Warsaw"}), "PUT", zone, 401)
    check(put("manager", {"time_zone": "Europe/Warsaw"}), "PUT", zone, 403)
    assert "time_zone" in check(put("admin", {"time_zone": "Mars/Base"}), "PUT", zone, 422)["fields"]
    check(put("admin", {"time_zone": 2}), "PUT", zone, 422)
    assert check(put("admin", {"time_zone": "Europe/Warsaw"}), "PUT", zone, 200) == {"time_zone": "Europe/Warsaw"}

    assert every_status(check.document, FORECAST_PATHS) - check.checked == set()
