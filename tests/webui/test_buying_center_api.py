"""The buying center's JSON API on SQLite and PostgreSQL: every route's success, its
errors as the documented shapes, and every route as a user who may not see the deal
(404, nothing leaks)."""

from __future__ import annotations

import json

from lxml import etree

from tests.webui.test_api import api, assert_error  # noqa: F401  (fixture)
from tests.webui.test_api_openapi import Checker, every_status

PREFIX = "/api/v1"
BUYING_CENTER_PATHS = {"/opportunities/{opportunity_id}/contacts", "/contacts/{contact_id}",
                       "/opportunities/{opportunity_id}/relationships", "/relationships/{relationship_id}",
                       "/opportunities/{opportunity_id}/buying-center.svg"}
SECRET = "Anna Confidential"


def send(api, method: str, path: str, user: str | None, body=None):
    return api.client.open(PREFIX + path, method=method, headers=api.headers(user),
                           data=None if body is None else json.dumps(body), content_type="application/json")


def test_people_and_relationships_through_the_api(api):
    deal = api.open_deal()
    created = send(api, "POST", f"/opportunities/{deal['id']}/contacts", "rep1",
                   {"name": "Anna", "job_title": "CFO", "role": "economic_buyer", "influence": 5,
                    "attitude": "supporter", "notes": "Signs"})
    assert created.status_code == 201
    anna = created.get_json()
    assert {k: anna[k] for k in ("name", "job_title", "role", "role_name", "influence", "attitude")} == {
        "name": "Anna", "job_title": "CFO", "role": "economic_buyer", "role_name": "Economic buyer",
        "influence": 5, "attitude": "supporter"}
    bob = send(api, "POST", f"/opportunities/{deal['id']}/contacts", "rep1", {"name": "Bob"}).get_json()
    assert (bob["influence"], bob["attitude"], bob["role"]) == (3, "neutral", None)
    rel = send(api, "POST", f"/opportunities/{deal['id']}/relationships", "rep1",
               {"from_contact": bob["id"], "to_contact": anna["id"], "kind": "reports_to", "strength": 4})
    assert rel.status_code == 201
    assert rel.get_json()["category"] == "formal" and rel.get_json()["to_name"] == "Anna"
    patched = send(api, "PATCH", f"/contacts/{bob['id']}", "manager", {"attitude": "opponent", "role": "user"})
    assert patched.status_code == 200 and (patched.get_json()["attitude"], patched.get_json()["name"]) == (
        "opponent", "Bob")
    center = send(api, "GET", f"/opportunities/{deal['id']}/contacts", "rep1").get_json()
    assert [c["name"] for c in center["contacts"]] == ["Anna", "Bob"]
    assert center["roles_identified"] == ["economic_buyer", "user"] and center["editable"] is True
    svg = send(api, "GET", f"/opportunities/{deal['id']}/buying-center.svg", "rep1")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert "default-src 'none'" in svg.headers["Content-Security-Policy"]
    root = etree.fromstring(svg.data)
    assert root.find(f".//{{http://www.w3.org/2000/svg}}g[@data-contact-id='{anna['id']}']") is not None
    assert send(api, "DELETE", f"/relationships/{rel.get_json()['id']}", "rep1").status_code == 204
    assert send(api, "DELETE", f"/contacts/{bob['id']}", "rep1").status_code == 204
    center = send(api, "GET", f"/opportunities/{deal['id']}/contacts", "rep1").get_json()
    assert [c["name"] for c in center["contacts"]] == ["Anna"] and center["relationships"] == []


def test_bodies_that_do_not_fit_get_a_message_per_field(api):
    deal = api.open_deal()
    path = f"/opportunities/{deal['id']}/contacts"
    assert_error(send(api, "POST", path, "rep1", {"influence": "high", "mood": "x"}), 422, "invalid", {"mood"})
    assert_error(send(api, "POST", path, "rep1", {"influence": "high"}), 422, "invalid", {"name", "influence"})
    assert_error(api.post(path, "rep1", raw="[1]"), 422, "invalid", {"body"})
    anna = send(api, "POST", path, "rep1", {"name": "Anna"}).get_json()
    assert_error(send(api, "PATCH", f"/contacts/{anna['id']}", "rep1", {"attitude": "hostile"}), 422, "invalid",
                 {"attitude"})
    assert_error(send(api, "POST", f"/opportunities/{deal['id']}/relationships", "rep1",
                      {"from_contact": anna["id"], "to_contact": anna["id"], "kind": "reports_to"}),
                 422, "invalid", {"to_contact"})
    assert_error(send(api, "POST", f"/opportunities/{deal['id']}/relationships", "rep1", {}),
                 422, "invalid", {"from_contact", "to_contact", "kind"})


def test_every_route_as_someone_who_may_not_see_the_deal_is_404_and_says_nothing_of_it(api):
    deal = api.open_deal()
    anna = send(api, "POST", f"/opportunities/{deal['id']}/contacts", "rep1", {"name": SECRET}).get_json()
    bob = send(api, "POST", f"/opportunities/{deal['id']}/contacts", "rep1", {"name": "Bob"}).get_json()
    rel = send(api, "POST", f"/opportunities/{deal['id']}/relationships", "rep1",
               {"from_contact": bob["id"], "to_contact": anna["id"], "kind": "friends_with"}).get_json()
    calls = [("GET", f"/opportunities/{deal['id']}/contacts", None),
             ("POST", f"/opportunities/{deal['id']}/contacts", {"name": "Mole"}),
             ("POST", f"/opportunities/{deal['id']}/contacts", {"influence": 9}),
             ("PATCH", f"/contacts/{anna['id']}", {"name": "X"}),
             ("PATCH", f"/contacts/{anna['id']}", {"nonsense": 1}),
             ("DELETE", f"/contacts/{anna['id']}", None),
             ("POST", f"/opportunities/{deal['id']}/relationships",
              {"from_contact": anna["id"], "to_contact": bob["id"], "kind": "listens_to"}),
             ("DELETE", f"/relationships/{rel['id']}", None),
             ("GET", f"/opportunities/{deal['id']}/buying-center.svg", None)]
    for user in ("rep3", "manager2"):
        for method, path, body in calls:
            response = send(api, method, path, user, body)
            assert_error(response, 404, "not_found")
            for secret in (SECRET, "Deal", deal["partner_name"]):
                assert secret not in response.get_data(as_text=True), (method, path)
        for method, path, body in calls:
            assert_error(send(api, method, path, None, body), 401, "unauthorized")
    center = send(api, "GET", f"/opportunities/{deal['id']}/contacts", "manager").get_json()
    assert len(center["contacts"]) == 2 and len(center["relationships"]) == 1


def test_answers_fit_the_documented_schemas_for_every_documented_status(api):
    document = api.client.get(f"{PREFIX}/openapi.json").get_json()
    check = Checker(document)
    contacts, contact = "/opportunities/{opportunity_id}/contacts", "/contacts/{contact_id}"
    relationships, relationship = "/opportunities/{opportunity_id}/relationships", "/relationships/{relationship_id}"
    svg = "/opportunities/{opportunity_id}/buying-center.svg"
    deal = api.open_deal()
    base = f"/opportunities/{deal['id']}"
    anna = check(send(api, "POST", f"{base}/contacts", "rep1", {"name": "Anna", "role": "coach"}),
                 "POST", contacts, 201)
    bob = check(send(api, "POST", f"{base}/contacts", "rep1", {"name": "Bob", "notes": None}), "POST", contacts, 201)
    rel = check(send(api, "POST", f"{base}/relationships", "rep1",
                     {"from_contact": bob["id"], "to_contact": anna["id"], "kind": "reports_to"}),
                "POST", relationships, 201)
    check(send(api, "PATCH", f"/contacts/{anna['id']}", "rep1", {"influence": 4}), "PATCH", contact, 200)
    check(send(api, "GET", f"{base}/contacts", "rep1"), "GET", contacts, 200)
    for method, path, template, body in (("GET", f"{base}/contacts", contacts, None),
                                         ("POST", f"{base}/contacts", contacts, {"name": "X"}),
                                         ("PATCH", f"/contacts/{anna['id']}", contact, {"name": "X"}),
                                         ("DELETE", f"/contacts/{anna['id']}", contact, None),
                                         ("POST", f"{base}/relationships", relationships, {}),
                                         ("DELETE", f"/relationships/{rel['id']}", relationship, None),
                                         ("GET", f"{base}/buying-center.svg", svg, None)):
        check(send(api, method, path, "rep3", body), method, template, 404)
        check(send(api, method, path, None, body), method, template, 401)
    check(send(api, "POST", f"{base}/contacts", "rep1", {"name": ""}), "POST", contacts, 422)
    check(send(api, "PATCH", f"/contacts/{anna['id']}", "rep1", {"influence": 0}), "PATCH", contact, 422)
    check(send(api, "POST", f"{base}/relationships", "rep1", {"kind": "x"}), "POST", relationships, 422)

    drawn = send(api, "GET", f"{base}/buying-center.svg", "rep1")
    assert drawn.status_code == 200 and "image/svg+xml" in document["paths"][svg]["get"]["responses"]["200"][
        "content"]
    check.checked.add(("GET", svg, "200"))
    spare = send(api, "POST", f"{base}/contacts", "rep1", {"name": "Spare"}).get_json()
    spare_line = send(api, "POST", f"{base}/relationships", "rep1",
                      {"from_contact": spare["id"], "to_contact": anna["id"], "kind": "listens_to"}).get_json()
    for path, template in ((f"/relationships/{rel['id']}", relationship), (f"/contacts/{bob['id']}", contact)):
        response = send(api, "DELETE", path, "rep1")
        assert response.status_code == 204 and response.data == b""
        check.checked.add(("DELETE", template, "204"))

    # Won: everything that would change the buying center is now 409.
    after = api.post(f"/tasks/{deal['open_tasks'][0]['id']}/complete", "rep1", {"amount": 5}).get_json()
    offer = next(t["id"] for t in after["open_tasks"] if t["node_id"] == "Task_Offer")
    assert api.post(f"/tasks/{offer}/complete", "rep1", {"result": "accepted"}).get_json()["status"] == "won"
    check(send(api, "POST", f"{base}/contacts", "rep1", {"name": "Late"}), "POST", contacts, 409)
    check(send(api, "PATCH", f"/contacts/{anna['id']}", "rep1", {"name": "Late"}), "PATCH", contact, 409)
    check(send(api, "DELETE", f"/contacts/{spare['id']}", "rep1"), "DELETE", contact, 409)
    check(send(api, "POST", f"{base}/relationships", "rep1",
               {"from_contact": spare["id"], "to_contact": anna["id"], "kind": "friends_with"}),
          "POST", relationships, 409)
    check(send(api, "DELETE", f"/relationships/{spare_line['id']}", "rep1"), "DELETE", relationship, 409)
    assert send(api, "GET", f"{base}/contacts", "rep1").get_json()["editable"] is False

    assert every_status(document, BUYING_CENTER_PATHS) - check.checked == set()
    assert BUYING_CENTER_PATHS <= set(document["paths"])
