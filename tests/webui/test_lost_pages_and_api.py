"""Lost reasons and the lost-deal report on screen and in the API (M13): the
two-step close-as-lost form, the missing-reason banner, the report page, its CSV
and JSON — each also as the wrong user."""

from __future__ import annotations

import csv
import io
import json

from tests.service.test_lost_reasons import lose_three, open_deal, task, to_offer
from tests.webui.pages_support import assert_nothing_leaks, client_for
from tests.webui.test_api import Api
from tests.webui.test_api_openapi import PREFIX, Checker, every_status

LOST_PATHS = {"/reports/lost", "/opportunities/{opportunity_id}/lost-reason"}


def test_closing_as_lost_on_the_page_asks_for_a_reason_then_for_confirmation(engine, app):
    deal = open_deal(engine)
    rep = client_for(app, "rep1")
    page = rep.get(f"/opportunities/{deal.id}").text
    assert 'id="lose-reason-code"' in page and '<option value="competitor"' in page
    empty = rep.post(f"/opportunities/{deal.id}/lose", data={"reason": ""})
    assert empty.status_code == 422 and "choose why the deal was lost" in empty.text
    unknown = rep.post(f"/opportunities/{deal.id}/lose", data={"reason_code": "weather"})
    assert unknown.status_code == 422 and "is not a lost reason of this methodology" in unknown.text
    outsider = client_for(app, "rep3").post(f"/opportunities/{deal.id}/lose", data={"reason_code": "price"})
    assert outsider.status_code == 404
    assert_nothing_leaks(outsider)

    confirm = rep.post(f"/opportunities/{deal.id}/lose", data={"reason_code": "competitor", "reason": "Cheaper"})
    assert confirm.status_code == 200 and "This cannot be undone" in confirm.text
    assert 'name="confirmed" value="yes"' in confirm.text and "Chose a competitor" in confirm.text
    assert engine.show_opportunity(deal.id).status == "open"  # nothing changed yet
    done = rep.post(f"/opportunities/{deal.id}/lose",
                    data={"reason_code": "competitor", "reason": "Cheaper", "confirmed": "yes"})
    page = rep.get(done.headers["Location"]).text
    assert "is closed as lost (Przegrana: Chose a competitor)" in page and 'id="lose-form"' not in page
    closed = engine.show_opportunity(deal.id)
    assert (closed.lost_reason_code, closed.lost_reason) == ("competitor", "Cheaper")


def test_a_deal_lost_by_the_process_shows_reason_missing_and_its_owner_records_it(engine, app):
    deal = to_offer(engine, open_deal(engine))
    engine.complete_task(task(deal, "Task_Offer").id, actor="rep1", data={"result": "rejected"})
    rep = client_for(app, "rep1")
    page = rep.get(f"/opportunities/{deal.id}").text
    assert 'id="lost-reason-missing"' in page and "reason missing" in page
    outsider = client_for(app, "rep3").post(f"/opportunities/{deal.id}/lost-reason", data={"reason_code": "price"})
    assert outsider.status_code == 404
    bad = rep.post(f"/opportunities/{deal.id}/lost-reason", data={"reason_code": "other"})
    assert bad.status_code == 422 and "needs a few words" in bad.text
    done = rep.post(f"/opportunities/{deal.id}/lost-reason", data={"reason_code": "no_budget"})
    page = rep.get(done.headers["Location"]).text
    assert 'id="lost-reason-missing"' not in page and "No budget" in page


def test_the_report_page_and_its_csv_for_managers_and_not_for_reps(engine, app, clock):
    first, _, third = lose_three(engine, clock)
    manager = client_for(app, "manager")
    page = manager.get("/reports/lost")
    assert page.status_code == 200 and 'id="nav-reports"' in page.text
    assert 'id="lost-count">3<' in page.text and "Kwalifikacja" in page.text and "Too dear" in page.text
    assert "reason missing" in page.text and "Qualify the lead" in page.text
    filtered = manager.get("/reports/lost?rep=nobody")
    assert 'id="lost-count">0<' in filtered.text
    wrong = manager.get("/reports/lost?from=yesterday")
    assert wrong.status_code == 422 and "write it as YYYY-MM-DD" in wrong.text
    download = manager.get("/reports/lost.csv")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True))))
    assert len(rows) == 4 and "'=HYPERLINK(\"x\")" in {row[1] for row in rows}

    rep = client_for(app, "rep1")
    assert 'id="nav-reports"' not in rep.get("/").text
    assert rep.get("/reports/lost").status_code == 403
    assert rep.get("/reports/lost.csv").status_code == 403
    other = client_for(app, "manager2").get("/reports/lost")
    assert 'id="lost-count">0<' in other.text
    assert_nothing_leaks(other, "Kiosk A", "Too dear")


def test_the_api_closes_with_a_code_records_a_missing_one_and_reports(engine, clock):
    api = Api(engine)
    check = Checker(api.client.get(f"{PREFIX}/openapi.json").get_json())
    report_path, reason_path = "/reports/lost", "/opportunities/{opportunity_id}/lost-reason"
    lose_path = "/opportunities/{opportunity_id}/lose"
    deal = open_deal(engine)
    unknown = check(api.post(f"/opportunities/{deal.id}/lose", "rep1", {"reason_code": "weather"}),
                    "POST", lose_path, 422)
    assert "choose one of price (Price too high)" in unknown["fields"]["reason_code"]
    closed = check(api.post(f"/opportunities/{deal.id}/lose", "rep1", {"reason_code": "price", "reason": "Dear"}),
                   "POST", lose_path, 200)
    assert (closed["lost_reason_code"], closed["lost_reason"], closed["lost_reason_missing"]) == ("price", "Dear",
                                                                                                   False)
    lost = to_offer(engine, open_deal(engine, "Kiosk Z"))
    engine.complete_task(task(lost, "Task_Offer").id, actor=lost.owner, data={"result": "rejected"})
    put = _put(api, f"/opportunities/{lost.id}/lost-reason")
    check(put(None, {"reason_code": "price"}), "PUT", reason_path, 401)
    check(put("rep3", {"reason_code": "price"}), "PUT", reason_path, 404)
    check(put(lost.owner, {"reason_code": "nope"}), "PUT", reason_path, 422)
    recorded = check(put(lost.owner, {"reason_code": "competitor"}), "PUT", reason_path, 200)
    assert recorded["lost_reason_label"] == "Chose a competitor"
    check(_put(api, f"/opportunities/{open_deal(engine, 'Open one').id}/lost-reason")(
        "manager", {"reason_code": "price"}), "PUT", reason_path, 409)

    report = check(api.get("/reports/lost", "manager"), "GET", report_path, 200)
    assert report["count"] == 2 and report["missing_reasons"] == 0
    assert {d["reason_code"] for d in report["deals"]} == {"price", "competitor"}
    check(api.get("/reports/lost", "rep1"), "GET", report_path, 403)
    check(api.get("/reports/lost", None), "GET", report_path, 401)
    check(api.get("/reports/lost?colour=red", "manager"), "GET", report_path, 400)
    check(api.get("/reports/lost?from=2026-12-31&to=2026-01-01", "manager"), "GET", report_path, 422)
    assert api.get("/reports/lost", "manager2").get_json()["count"] == 0
    # 403: someone who sees the deal but may not close it (a rep given one of its tasks).
    assert every_status(check.document, LOST_PATHS) - check.checked == {("PUT", reason_path, "403")}


def _put(api, path):
    def put(user, body):
        return api.client.put("/api/v1" + path, headers=api.headers(user), data=json.dumps(body),
                              content_type="application/json")
    return put
