"""A deal's close date and forecast-category override through the JSON API, every
documented answer checked against the OpenAPI document, each as the wrong user too;
and the deal page's forecast panel with its two small forms."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from tests.webui.pages_support import assert_nothing_leaks, client_for
from tests.webui.test_api import Api
from tests.webui.test_api_openapi import PREFIX, Checker, every_status

CLOSE, CATEGORY = "/opportunities/{opportunity_id}/close-date", "/opportunities/{opportunity_id}/forecast-category"
DEAL_FORECAST_PATHS = {CLOSE, CATEGORY}


def _send(api, method, path, user, body=None):
    return api.client.open(PREFIX + path, method=method, headers=api.headers(user),
                           data=json.dumps(body) if body is not None else None, content_type="application/json")


def test_every_answer_of_the_forecast_routes_fits_the_document(engine):
    engine.create_user("designer1", "designer")
    api = Api(engine)
    check = Checker(api.client.get(f"{PREFIX}/openapi.json").get_json())
    opened = check(api.post("/opportunities", "manager", {"title": "Deal", "amount": "10.00", "partner": "P",
                                                          "attributes": {"channel": "retail"},
                                                          "expected_close_date": "2027-01-31"}),
                   "POST", "/opportunities", 201)
    assert opened["expected_close_date"] == "2027-01-31" and opened["forecast_category"] == "pipeline"
    deal, owner = opened["id"], opened["owner"]
    close, category = f"/opportunities/{deal}/close-date", f"/opportunities/{deal}/forecast-category"

    moved = check(_send(api, "PUT", close, owner, {"expected_close_date": "2027-02-28"}), "PUT", CLOSE, 200)
    assert moved["expected_close_date"] == "2027-02-28"
    assert moved["events"][-1]["data"] == {"before": "2027-01-31", "after": "2027-02-28"}
    check(_send(api, "PUT", close, owner, {"expected_close_date": "2027-02-28"}), "PUT", CLOSE, 409)
    bad = check(_send(api, "PUT", close, owner, {"expected_close_date": "28.02.2027"}), "PUT", CLOSE, 422)
    assert "YYYY-MM-DD" in bad["fields"]["expected_close_date"]
    extra = check(_send(api, "PUT", close, owner, {"expected_close_date": 5, "when": 1}), "PUT", CLOSE, 422)
    assert set(extra["fields"]) == {"expected_close_date", "when"}
    check(_send(api, "PUT", close, "designer1", {"expected_close_date": "2027-03-01"}), "PUT", CLOSE, 403)
    hidden = check(_send(api, "PUT", close, "rep3", {"expected_close_date": "2027-03-01"}), "PUT", CLOSE, 404)
    assert str(deal) in hidden["message"] and "Deal" not in hidden["message"]
    check(_send(api, "PUT", close, None, {"expected_close_date": "2027-03-01"}), "PUT", CLOSE, 401)

    check(_send(api, "DELETE", category, owner), "DELETE", CATEGORY, 409)  # nothing to clear yet
    committed = check(_send(api, "PUT", category, owner, {"category": "commit"}), "PUT", CATEGORY, 200)
    assert (committed["forecast_category"], committed["forecast_category_derived"],
            committed["forecast_category_override"], committed["forecast_override_by"]) == (
        "commit", "pipeline", "commit", owner)
    check(_send(api, "PUT", category, owner, {"category": "commit"}), "PUT", CATEGORY, 409)
    wrong = check(_send(api, "PUT", category, owner, {"category": "upside"}), "PUT", CATEGORY, 422)
    assert "not a forecast category" in wrong["fields"]["category"]
    check(_send(api, "PUT", category, "designer1", {"category": "omitted"}), "PUT", CATEGORY, 403)
    check(_send(api, "DELETE", category, "designer1"), "DELETE", CATEGORY, 403)
    check(_send(api, "PUT", category, "rep3", {"category": "omitted"}), "PUT", CATEGORY, 404)
    check(_send(api, "DELETE", category, "rep3"), "DELETE", CATEGORY, 404)
    check(_send(api, "PUT", category, None, {"category": "omitted"}), "PUT", CATEGORY, 401)
    check(_send(api, "DELETE", category, None), "DELETE", CATEGORY, 401)
    cleared = check(_send(api, "DELETE", category, "manager"), "DELETE", CATEGORY, 200)
    assert (cleared["forecast_category"], cleared["forecast_category_override"]) == ("pipeline", None)
    assert engine.show_opportunity(deal).forecast_category_override is None
    assert every_status(check.document, DEAL_FORECAST_PATHS) - check.checked == set()


def test_the_deal_page_shows_the_forecast_and_the_owner_changes_it(engine, app):
    deal = engine.create_opportunity(title="Kiosk", amount="1000.00", partner="Hotel Rex", actor="manager",
                                     attributes={"channel": "retail"}, owner="rep1")
    rep = client_for(app, "rep1")
    page = rep.get(f"/opportunities/{deal.id}").text
    assert 'id="deal-forecast"' in page and 'id="forecast-category"' in page and "2026-12-31" in page
    bad = rep.post(f"/opportunities/{deal.id}/close-date", data={"expected_close_date": "2026-01-01"})
    assert bad.status_code == 422 and "is before the deal opened" in bad.text
    moved = rep.post(f"/opportunities/{deal.id}/close-date", data={"expected_close_date": "2027-01-15"})
    assert moved.status_code == 303 and "2027-01-15" in rep.get(moved.headers["Location"]).text
    wrong = rep.post(f"/opportunities/{deal.id}/forecast-category", data={"category": "upside"})
    assert wrong.status_code == 422 and "not a forecast category" in wrong.text
    done = rep.post(f"/opportunities/{deal.id}/forecast-category", data={"category": "commit"})
    page = rep.get(done.headers["Location"]).text
    assert 'id="forecast-overridden"' in page and "by probability: Pipeline" in page
    assert engine.show_opportunity(deal.id).forecast_category == "commit"
    cleared = rep.post(f"/opportunities/{deal.id}/forecast-category", data={"category": "none"})
    assert 'id="forecast-overridden"' not in rep.get(cleared.headers["Location"]).text

    for outsider in ("rep3", "manager2"):
        for path, data in (("close-date", {"expected_close_date": "2027-02-01"}), ("forecast-category",
                                                                                    {"category": "omitted"})):
            answer = client_for(app, outsider).post(f"/opportunities/{deal.id}/{path}", data=data)
            assert answer.status_code == 404
            assert_nothing_leaks(answer, "Kiosk", "Hotel Rex")
    engine.create_user("designer1", "designer")
    from tests.webui.pages_support import with_passwords
    with_passwords(engine)
    designer = client_for(app, "designer1")
    assert 'id="forecast-category-form"' not in designer.get(f"/opportunities/{deal.id}").text
    refused = designer.post(f"/opportunities/{deal.id}/forecast-category", data={"category": "omitted"})
    assert refused.status_code == 403
    assert engine.show_opportunity(deal.id).expected_close_date.isoformat() == "2027-01-15"


def test_a_patched_close_date_is_checked_against_the_company_day_the_deal_opened(engine, clock):
    late = datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc)  # 00:30 on 1 January 2027 in Warsaw
    clock.advance(seconds=(late - clock.now).total_seconds())
    engine.set_company_time_zone("Europe/Warsaw", actor="admin")
    api = Api(engine)
    deal = api.open_deal()
    patch = api.client.patch(f"{PREFIX}/opportunities/{deal['id']}", headers=api.headers("manager"),
                             data=json.dumps({"expected_close_date": "2026-12-31"}), content_type="application/json")
    assert patch.status_code == 422
    assert patch.get_json()["fields"] == {"expected_close_date": "2026-12-31 is before the deal opened (2027-01-01)"}
