"""/api/v1/partners through Flask's test client, on both databases: the list and its
filters, the card, changes and contact persons, archiving; every route as the wrong
user (403/404) and with wrong bodies, in the documented error shape; real answers
checked against the OpenAPI document for every status it documents."""

from __future__ import annotations

import json

from tests.webui.test_api import api, assert_error  # noqa: F401  (fixture)
from tests.webui.test_api_openapi import PREFIX, Checker, every_status

PARTNER_PATHS = {"/partners", "/partners/{partner_id}", "/partners/{partner_id}/archive",
                 "/partners/{partner_id}/restore", "/partners/{partner_id}/contacts",
                 "/partner-contacts/{contact_id}"}
NIP = "1234563218"


def patch(api, path: str, user: str | None, body=None, *, raw: str | None = None):
    data = raw if raw is not None else json.dumps(body)
    return api.client.patch(PREFIX + path, headers=api.headers(user), data=data, content_type="application/json")


def acme(api, user="rep1", **extra):
    response = api.post("/partners", user, {"name": "Acme", "tax_id": NIP, "city": "Łódź", "territory": "PL-LD",
                                            "credit_limit": "30000", **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_partner_is_opened_shown_changed_and_listed(api):
    card = acme(api)
    assert (card["name"], card["kind"], card["owner"], card["tax_id"]) == ("Acme", "prospect", "rep1", "PL1234563218")
    assert card["credit_limit"] == "30000.00" and card["credit"]["exposure"] == "0.00"
    shown = api.get(f"/partners/{card['id']}", "manager").get_json()
    assert shown["id"] == card["id"] and shown["may_edit"] and shown["may_hand_over"]
    changed = patch(api, f"/partners/{card['id']}", "rep1", {"credit_limit": 45000.5, "industry": "food",
                                                            "website": None})
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert body["credit_limit"] == "45000.50" and body["industry"] == "food"
    assert body["history"][0]["data"]["changes"] == {"industry": [None, "food"],
                                                     "credit_limit": ["30000.00", "45000.50"]}
    listed = api.get("/partners?q=lodz&territory=PL-LD", "rep1").get_json()
    assert [p["id"] for p in listed["items"]] == [card["id"]] and listed["filters"] == {
        "text": "lodz", "territory": "PL-LD"}
    assert api.get("/partners?kind=customer", "rep1").get_json()["total"] == 0


def test_contact_persons_and_archiving_through_the_api(api):
    card = acme(api)
    added = api.post(f"/partners/{card['id']}/contacts", "rep1", {"name": "Anna", "phone": "600 100 200"})
    assert added.status_code == 201 and added.get_json()["phone"] == "+48600100200"
    person = added.get_json()["id"]
    changed = patch(api, f"/partner-contacts/{person}", "rep1", {"active": False, "function": "buyer"})
    assert (changed.get_json()["active"], changed.get_json()["function"]) == (False, "buyer")
    archived = api.post(f"/partners/{card['id']}/archive", "rep1")
    assert archived.get_json()["status"] == "archived"
    assert_error(patch(api, f"/partners/{card['id']}", "rep1", {"city": "X"}), 409, "conflict")
    assert_error(api.post(f"/partners/{card['id']}/archive", "rep1"), 409, "conflict")
    assert api.get("/partners?status=archived", "rep1").get_json()["total"] == 1
    assert api.post(f"/partners/{card['id']}/restore", "manager").get_json()["status"] == "active"


def test_every_route_refuses_the_wrong_user(api):
    card = acme(api)
    person = api.post(f"/partners/{card['id']}/contacts", "rep1", {"name": "Anna"}).get_json()["id"]
    api.engine.create_user("designer", "designer")
    partner, contact = f"/partners/{card['id']}", f"/partner-contacts/{person}"
    for user in ("rep2", "rep3", "manager2", "designer"):  # none of them sees it
        assert_error(api.get(partner, user), 404, "not_found")
        assert_error(patch(api, partner, user, {"city": "X"}), 404, "not_found")
        assert_error(patch(api, partner, user, {"colour": "red"}), 404, "not_found")  # 404 before the body
        assert_error(api.post(f"{partner}/archive", user), 404, "not_found")
        assert_error(api.post(f"{partner}/restore", user), 404, "not_found")
        assert_error(api.post(f"{partner}/contacts", user, {"name": "X"}), 404, "not_found")
        assert_error(patch(api, contact, user, {"name": "X"}), 404, "not_found")
        assert api.get("/partners", user).get_json()["total"] == 0
    # rep2 works on a deal of it: sees it, may not change it
    api.engine.create_opportunity(title="T", amount="10.00", partner_id=card["id"], actor="manager", owner="rep2")
    assert api.get(partner, "rep2").get_json()["may_edit"] is False
    assert_error(patch(api, partner, "rep2", {"city": "X"}), 403, "forbidden")
    assert_error(api.post(f"{partner}/archive", "rep2"), 403, "forbidden")
    assert_error(api.post(f"{partner}/contacts", "rep2", {"name": "X"}), 403, "forbidden")
    assert_error(patch(api, contact, "rep2", {"name": "X"}), 403, "forbidden")
    assert_error(api.post("/partners", "designer", {"name": "X"}), 403, "forbidden")
    for path in ("/partners", partner):
        assert_error(api.get(path, None), 401, "unauthorized")
    assert_error(api.get("/partners/99999", "admin"), 404, "not_found")
    assert_error(patch(api, "/partner-contacts/99999", "admin", {"name": "X"}), 404, "not_found")


def test_wrong_bodies_and_parameters_name_each_field(api):
    card = acme(api)
    assert_error(api.post("/partners", "rep1", {"name": "B", "tax_id": NIP}), 422, "invalid", {"tax_id"})
    assert_error(api.post("/partners", "rep1", {"name": "", "email": "x", "balance": "-1", "colour": 1}),
                 422, "invalid", {"colour"})
    assert_error(api.post("/partners", "rep1", {"name": "", "email": "x", "balance": "-1"}), 422, "invalid",
                 {"name", "email", "balance"})
    assert_error(api.post("/partners", "rep1", {"name": None}), 422, "invalid", {"name"})
    assert_error(api.post("/partners", "rep1", {"name": "B", "owner": "rep2"}), 422, "invalid", {"owner"})
    assert_error(api.post("/partners", "rep1", raw="[1]"), 422, "invalid", {"body"})
    assert_error(patch(api, f"/partners/{card['id']}", "rep1", {"owner": "rep2"}), 422, "invalid", {"owner"})
    assert_error(patch(api, f"/partners/{card['id']}", "rep1", {"kind": None}), 422, "invalid", {"kind"})
    assert_error(api.get("/partners?kind=friend", "rep1"), 422, "invalid", {"kind"})
    assert_error(api.get("/partners?page=0&colour=red", "rep1"), 422, "invalid", {"colour"})
    assert_error(api.get("/partners?page=0", "rep1"), 422, "invalid", {"page"})
    assert_error(api.post(f"/partners/{card['id']}/contacts", "rep1", {}), 422, "invalid", {"name"})


def test_a_deal_opened_by_partner_id_carries_it_and_its_credit_warning(api):
    card = acme(api, user="manager", channel="retail", credit_limit="100.00")
    response = api.post("/opportunities", "manager", {"title": "T", "amount": "500.00", "partner_id": card["id"]})
    assert response.status_code == 201, response.get_json()
    deal = response.get_json()
    assert (deal["partner_id"], deal["partner_name"], deal["attributes"]["channel"]) == (card["id"], "Acme", "retail")
    assert deal["credit_warning"].startswith("Credit limit exceeded")
    assert_error(api.post("/opportunities", "manager", {"title": "T", "amount": "1", "partner_id": "x"}),
                 422, "invalid", {"partner_id"})
    person = api.post(f"/partners/{card['id']}/contacts", "manager", {"name": "Anna", "function": "CFO"}).get_json()
    added = api.post(f"/opportunities/{deal['id']}/contacts", "manager", {"partner_contact_id": person["id"]})
    assert added.status_code == 201, added.get_json()
    assert (added.get_json()["name"], added.get_json()["job_title"], added.get_json()["partner_contact_id"]) == (
        "Anna", "CFO", person["id"])


def test_real_answers_fit_the_documented_schemas(api):
    check = Checker(api.client.get(f"{PREFIX}/openapi.json").get_json())
    api.engine.create_user("designer", "designer")
    card = check(api.post("/partners", "rep1", {"name": "Acme", "addresses": [{"kind": "delivery", "city": "X"}]}),
                 "POST", "/partners", 201)
    check(api.post("/partners", None, {}), "POST", "/partners", 401)
    check(api.post("/partners", "designer", {"name": "X"}), "POST", "/partners", 403)
    check(api.post("/partners", "rep1", {"name": ""}), "POST", "/partners", 422)
    check(api.get("/partners?kind=prospect", "rep1"), "GET", "/partners", 200)
    check(api.get("/partners", None), "GET", "/partners", 401)
    check(api.get("/partners?kind=x", "rep1"), "GET", "/partners", 422)
    one, url = "/partners/{partner_id}", f"/partners/{card['id']}"
    check(api.get(url, "rep1"), "GET", one, 200)
    check(api.get(url, None), "GET", one, 401)
    check(api.get(url, "rep3"), "GET", one, 404)
    api.engine.create_opportunity(title="T", amount="10.00", partner_id=card["id"], actor="manager", owner="rep2")
    check(patch(api, url, "rep1", {"notes": "n"}), "PATCH", one, 200)
    check(patch(api, url, None, {}), "PATCH", one, 401)
    check(patch(api, url, "rep2", {"notes": "n"}), "PATCH", one, 403)
    check(patch(api, url, "rep3", {}), "PATCH", one, 404)
    check(patch(api, url, "rep1", {"email": "x"}), "PATCH", one, 422)
    contacts, people = "/partners/{partner_id}/contacts", "/partner-contacts/{contact_id}"
    person = check(api.post(f"{url}/contacts", "rep1", {"name": "Anna"}), "POST", contacts, 201)
    check(api.post(f"{url}/contacts", None, {}), "POST", contacts, 401)
    check(api.post(f"{url}/contacts", "rep2", {"name": "X"}), "POST", contacts, 403)
    check(api.post(f"{url}/contacts", "rep3", {"name": "X"}), "POST", contacts, 404)
    check(api.post(f"{url}/contacts", "rep1", {"name": ""}), "POST", contacts, 422)
    person_url = f"/partner-contacts/{person['id']}"
    check(patch(api, person_url, "rep1", {"email": "anna@acme.pl"}), "PATCH", people, 200)
    check(patch(api, person_url, None, {}), "PATCH", people, 401)
    check(patch(api, person_url, "rep2", {}), "PATCH", people, 403)
    check(patch(api, person_url, "rep3", {}), "PATCH", people, 404)
    check(patch(api, person_url, "rep1", {"active": "no"}), "PATCH", people, 422)
    for action in ("archive", "restore"):
        path = "/partners/{partner_id}/" + action
        check(api.post(f"{url}/{action}", None), "POST", path, 401)
        check(api.post(f"{url}/{action}", "rep2"), "POST", path, 403)
        check(api.post(f"{url}/{action}", "rep3"), "POST", path, 404)
    check(api.post(f"{url}/restore", "rep1"), "POST", "/partners/{partner_id}/restore", 409)
    check(api.post(f"{url}/archive", "rep1"), "POST", "/partners/{partner_id}/archive", 200)
    check(api.post(f"{url}/archive", "rep1"), "POST", "/partners/{partner_id}/archive", 409)
    check(patch(api, url, "rep1", {"notes": "x"}), "PATCH", one, 409)
    check(api.post(f"{url}/contacts", "rep1", {"name": "X"}), "POST", contacts, 409)
    check(patch(api, person_url, "rep1", {"name": "X"}), "PATCH", people, 409)
    check(api.post(f"{url}/restore", "rep1"), "POST", "/partners/{partner_id}/restore", 200)
    deleting = {s for s in every_status(check.document, PARTNER_PATHS) if s[0] == "DELETE"}  # test_api_partner_lists
    assert every_status(check.document, PARTNER_PATHS) - deleting - check.checked == set()


def test_further_addresses_are_changed_by_patch_audited_and_refused_to_others(api):
    card = acme(api, addresses=[{"kind": "invoice", "street": "Piotrkowska 1", "city": "Łódź"}])
    url = f"/partners/{card['id']}"
    delivery = {"kind": "delivery", "street": "Magazynowa 7", "postal_code": "90-001", "city": "Łódź"}
    changed = patch(api, url, "rep1", {"addresses": [card["addresses"][0], delivery, {"kind": " ", "city": ""}]})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["addresses"] == [card["addresses"][0], delivery]  # a wholly empty one is none
    text = api.engine.partner(card["id"], viewer="rep1").history[0].text
    assert text == "rep1 changed the further addresses (added delivery: Magazynowa 7, 90-001, Łódź)"
    assert_error(patch(api, url, "rep1", {"addresses": "Magazynowa 7"}), 422, "invalid", {"addresses"})
    for user, status in (("rep2", 404), (None, 401)):
        assert patch(api, url, user, {"addresses": []}).status_code == status
    assert len(api.get(url, "rep1").get_json()["addresses"]) == 2
