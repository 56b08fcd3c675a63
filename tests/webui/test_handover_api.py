"""POST /api/v1/partners/{id}/hand-over through Flask's test client, on both
databases: the report, its options, every error in the documented shape, and real
answers checked against the OpenAPI document."""

from __future__ import annotations

from tests.service.test_handover import HORECA, partner_of
from tests.webui.test_api import api, assert_error  # noqa: F401  (fixture)
from tests.webui.test_api_openapi import PREFIX, Checker, every_status

HANDOVER_PATHS = {"/partners/{partner_id}/hand-over"}
PATH = "/partners/{partner_id}/hand-over"


def bistro(through):
    deal = through.engine.create_opportunity(title="Cold room", amount="1000.00", partner="Bistro", actor="manager",
                                         attributes=HORECA, owner="rep1")
    return deal, partner_of(through.engine, deal.id)


def test_handing_over_answers_the_report_and_the_deal_belongs_to_the_new_rep(api):
    deal, partner = bistro(api)
    response = api.post(f"/partners/{partner}/hand-over", "manager", {"to": "rep2", "closed_deals": "move"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {
        "partner_id": partner, "partner_name": "Bistro", "from_owner": "rep1", "to_owner": "rep2",
        "closed_deals": "move", "open_deals_moved": [deal.id], "open_deals_kept": [], "tasks_moved": 1,
        "activities_moved": 0, "closed_deals_moved": [], "closed_deals_kept": [], "dry_run": False}
    assert api.get(f"/opportunities/{deal.id}", "rep2").get_json()["owner"] == "rep2"


def test_wrong_users_and_wrong_bodies_are_refused_in_the_error_shape(api):
    deal, partner = bistro(api)
    url = f"/partners/{partner}/hand-over"
    assert_error(api.post(url, None, {"to": "rep2"}), 401, "unauthorized")
    assert_error(api.post(url, "rep1", {"to": "rep2"}), 403, "forbidden")  # its own rep may not give it away
    assert_error(api.post(url, "rep3", {"to": "rep2"}), 404, "not_found")
    assert_error(api.post(url, "manager2", {"to": "rep2"}), 404, "not_found")
    assert_error(api.post("/partners/999/hand-over", "admin", {"to": "rep2"}), 404, "not_found")
    assert_error(api.post(url, "manager", {}), 422, "invalid", {"to"})
    assert_error(api.post(url, "manager", {"to": "rep2", "colour": "red"}), 422, "invalid", {"colour"})
    assert_error(api.post(url, "manager", {"to": "rep2", "activities": None}), 422, "invalid", {"activities"})
    assert_error(api.post(url, "manager", {"to": "rep2", "closed_deals": "later", "open_deals": "yes"}), 422,
                 "invalid", {"closed_deals", "open_deals"})
    assert_error(api.post(url, "manager", {"to": "manager"}), 422, "invalid", {"to"})
    assert_error(api.post(url, "manager", {"to": "rep\u0000"}), 422, "invalid", {"to"})
    assert_error(api.post(url, "manager", raw="[1]"), 422, "invalid", {"body"})
    assert_error(api.post(url, "manager", {"to": "rep1"}), 409, "conflict")
    assert api.get(f"/opportunities/{deal.id}", "rep1").get_json()["owner"] == "rep1"  # nothing moved


def test_real_answers_fit_the_documented_schemas(api):
    check = Checker(api.client.get(f"{PREFIX}/openapi.json").get_json())
    _, partner = bistro(api)
    url = f"/partners/{partner}/hand-over"
    check(api.post(url, None, {"to": "rep2"}), "POST", PATH, 401)
    check(api.post(url, "rep1", {"to": "rep2"}), "POST", PATH, 403)
    check(api.post(url, "rep3", {"to": "rep2"}), "POST", PATH, 404)
    check(api.post(url, "manager", {"to": "rep1"}), "POST", PATH, 409)
    check(api.post(url, "manager", {"to": "nobody"}), "POST", PATH, 422)
    check(api.post(url, "manager", {"to": "rep2", "others_open_deals": True}), "POST", PATH, 200)
    assert every_status(check.document, HANDOVER_PATHS) - check.checked == set()
