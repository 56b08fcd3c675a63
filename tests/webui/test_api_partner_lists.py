"""The JSON API of call and mailing lists, the archival of inactive prospects and
deleting a partner (M11): each answer checked against the OpenAPI document, wrong
users 403/404, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json

from openpyxl import load_workbook

from tests.service.partner_seeds import seed_partner
from tests.webui.test_api import api  # noqa: F401  (fixture)
from tests.webui.test_api_openapi import PREFIX, Checker, every_status

LISTS, LIST, EXPORT = "/partner-lists", "/partner-lists/{list_id}", "/partner-lists/{list_id}/export"
ARCHIVALS, UNDO, PARTNER = "/partner-archivals", "/partner-archivals/{archival_id}/undo", "/partners/{partner_id}"
PARTNER_LIST_PATHS = {LISTS, LIST, EXPORT, ARCHIVALS, UNDO}  # and DELETE /partners/{partner_id}


def bare(check, response, method: str, path: str, status: int) -> None:
    """An answer that is no JSON (204, a file): its status, and that it was checked."""
    assert response.status_code == status, response.get_data(as_text=True)
    check.checked.add((method, path, str(status)))


def send(api, method: str, path: str, user: str | None, body=None):
    return api.client.open(PREFIX + path, method=method, headers=api.headers(user),
                           data=None if body is None else json.dumps(body), content_type="application/json")


def test_lists_archivals_and_deleting_answer_as_documented(api, clock):
    engine = api.engine
    engine.create_user("designer", "designer")
    clock.advance(days=-400)
    quiet = seed_partner(engine, "Quiet", territory="north", email="q@quiet.pl",
                         contacts=(("Ola", "ola@quiet.pl", None),))
    seed_partner(engine, "=1+2", territory="north")
    clock.advance(days=400)
    check = Checker(api.client.get(f"{PREFIX}/openapi.json").get_json())

    saved = check(api.post(LISTS, "rep1", {"name": "North", "purpose": "mailing",
                                           "criteria": {"territory": "north"}}), "POST", LISTS, 201)
    assert saved["criteria"] == {"territory": "north"} and saved["owner"] == "rep1"
    check(api.post(LISTS, "rep1", {"name": "", "purpose": "fax"}), "POST", LISTS, 422)
    check(api.post(LISTS, "designer", {"name": "x"}), "POST", LISTS, 403)
    check(api.post(LISTS, None, {"name": "x"}), "POST", LISTS, 401)
    assert [s["name"] for s in check(api.get(LISTS, "rep1"), "GET", LISTS, 200)["items"]] == ["North"]
    check(api.get(LISTS, "designer"), "GET", LISTS, 403)
    check(api.get(LISTS, None), "GET", LISTS, 401)

    shown = check(api.get(f"/partner-lists/{saved['id']}", "rep1"), "GET", LIST, 200)
    assert shown["total"] == 1 and shown["entries"][0]["email"] == "ola@quiet.pl"
    check(api.get(f"/partner-lists/{saved['id']}", "rep2"), "GET", LIST, 404)
    check(api.get(f"/partner-lists/{saved['id']}", "designer"), "GET", LIST, 403)
    check(api.get(f"/partner-lists/{saved['id']}", None), "GET", LIST, 401)
    check(send(api, "PATCH", f"/partner-lists/{saved['id']}", "designer", {"name": "x"}), "PATCH", LIST, 403)
    check(send(api, "PATCH", f"/partner-lists/{saved['id']}", None, {"name": "x"}), "PATCH", LIST, 401)
    renamed = check(send(api, "PATCH", f"/partner-lists/{saved['id']}", "rep1", {"name": "Północ"}),
                    "PATCH", LIST, 200)
    assert renamed["name"] == "Północ"
    check(send(api, "PATCH", f"/partner-lists/{saved['id']}", "rep2", {"name": "x"}), "PATCH", LIST, 404)
    check(send(api, "PATCH", f"/partner-lists/{saved['id']}", "rep1", {"name": "x" * 121}), "PATCH", LIST, 422)

    exported = api.get(f"/partner-lists/{saved['id']}/export?format=xlsx", "rep1")
    bare(check, exported, "GET", EXPORT, 200)
    assert exported.mimetype.endswith("spreadsheetml.sheet")
    assert load_workbook(io.BytesIO(exported.data)).active["A2"].value == "Quiet"
    csv_file = api.get(f"/partner-lists/{saved['id']}/export", "rep1")
    assert csv_file.mimetype == "text/csv" and csv_file.data.startswith(b"\xef\xbb\xbfPartner,")
    check(api.get(f"/partner-lists/{saved['id']}/export?format=pdf", "rep1"), "GET", EXPORT, 422)
    check(api.get(f"/partner-lists/{saved['id']}/export", "rep2"), "GET", EXPORT, 404)
    check(api.get(f"/partner-lists/{saved['id']}/export", "designer"), "GET", EXPORT, 403)
    check(api.get(f"/partner-lists/{saved['id']}/export", None), "GET", EXPORT, 401)

    dry = check(api.post(ARCHIVALS, "manager", {"months": 12, "dry_run": True}), "POST", ARCHIVALS, 200)
    assert (dry["dry_run"], dry["count"], dry["archival_id"]) == (True, 2, None)
    check(api.post(ARCHIVALS, "rep1", {"months": 12}), "POST", ARCHIVALS, 403)
    check(api.post(ARCHIVALS, None, {"months": 12}), "POST", ARCHIVALS, 401)
    check(api.post(ARCHIVALS, "manager", {"months": "12"}), "POST", ARCHIVALS, 422)
    check(api.post(ARCHIVALS, "manager", {"months": 0}), "POST", ARCHIVALS, 422)
    done = check(api.post(ARCHIVALS, "manager", {"months": 12}), "POST", ARCHIVALS, 201)
    listed = check(api.get(ARCHIVALS, "manager"), "GET", ARCHIVALS, 200)["items"]
    assert [(a["id"], a["count"], a["months"]) for a in listed] == [(done["archival_id"], 2, 12)]
    check(api.get(ARCHIVALS, "rep1"), "GET", ARCHIVALS, 403)
    check(api.get(ARCHIVALS, None), "GET", ARCHIVALS, 401)
    check(api.post("/partner-archivals/1/undo", None), "POST", UNDO, 401)
    undo = f"/partner-archivals/{done['archival_id']}/undo"
    check(api.post(undo, "manager2"), "POST", UNDO, 404)
    check(api.post(undo, "rep1"), "POST", UNDO, 403)
    assert check(api.post(undo, "manager"), "POST", UNDO, 200)["count"] == 2
    check(api.post(undo, "manager"), "POST", UNDO, 409)

    check(send(api, "DELETE", f"/partners/{quiet}", "manager"), "DELETE", PARTNER, 403)
    check(send(api, "DELETE", f"/partners/{quiet}", None), "DELETE", PARTNER, 401)
    engine.create_opportunity(title="Deal", amount="10", partner_id=quiet, actor="manager")
    check(send(api, "DELETE", f"/partners/{quiet}", "admin"), "DELETE", PARTNER, 409)
    other = seed_partner(engine, "Gone soon")
    assert check(send(api, "DELETE", f"/partners/{other}", "admin"), "DELETE", PARTNER, 200) == {
        "id": other, "name": "Gone soon"}
    check(send(api, "DELETE", f"/partners/{other}", "admin"), "DELETE", PARTNER, 404)

    check(send(api, "DELETE", f"/partner-lists/{saved['id']}", "rep2"), "DELETE", LIST, 404)
    check(send(api, "DELETE", f"/partner-lists/{saved['id']}", "designer"), "DELETE", LIST, 403)
    check(send(api, "DELETE", f"/partner-lists/{saved['id']}", None), "DELETE", LIST, 401)
    bare(check, send(api, "DELETE", f"/partner-lists/{saved['id']}", "rep1"), "DELETE", LIST, 204)
    check(api.get(f"/partner-lists/{saved['id']}", "rep1"), "GET", LIST, 404)
    documented = every_status(check.document, PARTNER_LIST_PATHS) | {
        (m, p, s) for m, p, s in every_status(check.document, {PARTNER}) if m == "DELETE"}
    assert documented - check.checked == set()
