"""The lead import's JSON API through Flask's test client, on both databases: the
upload and its counts, a dry run, the rejects download, the revert, wrong users,
a bounded upload, and real answers checked against the OpenAPI document."""

from __future__ import annotations

import io

import pytest
from werkzeug.test import EnvironBuilder

from tests.service.lead_fixtures import SAMPLE, people_engine
from tests.webui.test_api import Api, assert_error
from tests.webui.test_api_openapi import PREFIX, Checker, every_status

LEAD_IMPORT_PATHS = {"/lead-imports", "/lead-imports/{import_id}", "/lead-imports/{import_id}/revert",
                     "/lead-imports/{import_id}/rejects"}
SAMPLE_COUNTS = {"created": 12, "updated": 0, "unchanged": 0, "duplicates": 3, "rejected": 5}


@pytest.fixture
def api(db_url, clock, tmp_path, monkeypatch):
    monkeypatch.setenv("DEALFLOW_REJECTS_DIR", str(tmp_path / "rejects"))
    monkeypatch.setenv("DEALFLOW_UPLOADS_DIR", str(tmp_path / "uploads"))
    engine = people_engine(db_url, clock)
    yield Api(engine)
    engine.close()


def upload(api, user, data: bytes | None = None, name: str = "leads.csv", query: str = "", **form):
    fields = dict(form)
    if data is not None or name:
        fields["file"] = (io.BytesIO(SAMPLE.read_bytes() if data is None else data), name)
    # The test client spools a body above 500 KB to a temporary file it never closes: closed here.
    builder = EnvironBuilder(path=f"{PREFIX}/lead-imports{query}", method="POST", headers=api.headers(user),
                             data=fields, content_type="multipart/form-data")
    environ = builder.get_environ()
    try:
        return api.client.open(environ)
    finally:
        environ["wsgi.input"].close()
        builder.close()


def test_an_upload_imports_the_file_and_answers_the_import(api, tmp_path):
    response = upload(api, "manager")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["counts"] == SAMPLE_COUNTS and body["status"] == "done" and body["actor"] == "manager"
    assert body["summary"] == ("created 12, updated 0, unchanged 0, duplicates 3, rejected 5 "
                               f"(rejects: lead-import-{body['id']}-rejects.csv)")
    assert body["rejects_file"] == f"lead-import-{body['id']}-rejects.csv"
    assert "/" not in body["rejects_file"]
    assert {(m["row"], m["kept_row"]) for m in body["matches"]} == {(9, 2), (10, 3), (11, 2)}
    assert list((tmp_path / "uploads").iterdir()) == []  # the upload is gone after the run
    assert api.get(f"/lead-imports/{body['id']}", "manager").get_json() == body
    assert [i["id"] for i in api.get("/lead-imports", "manager").get_json()] == [body["id"]]
    rejects = api.get(f"/lead-imports/{body['id']}/rejects", "manager")
    assert rejects.status_code == 200 and rejects.mimetype == "text/csv"
    assert "attachment" in rejects.headers["Content-Disposition"]
    assert rejects.get_data().decode("utf-8-sig").startswith("row;column;reason;Nazwa firmy")
    rejects.close()
    reverted = api.post(f"/lead-imports/{body['id']}/revert", "manager")
    assert reverted.status_code == 200, reverted.get_json()
    assert reverted.get_json()["status"] == "reverted" and reverted.get_json()["revert"]["deleted"] == 12
    assert_error(api.post(f"/lead-imports/{body['id']}/revert", "manager"), 409, "conflict")


def test_a_dry_run_and_maps_in_the_form_or_the_query(api):
    dry = upload(api, "manager", dry_run="true", map=["Uwagi=ignore"])
    assert dry.status_code == 201 and dry.get_json()["dry_run"] and dry.get_json()["counts"] == SAMPLE_COUNTS
    assert dry.get_json()["may_revert"] is False
    assert_error(api.post(f"/lead-imports/{dry.get_json()['id']}/revert", "manager"), 409, "conflict")
    data = "Klient;Miasto\r\nAlfa;Kraków\r\n".encode()
    mapped = upload(api, "admin", data, query="?map=Klient%3Dname")
    assert mapped.status_code == 201 and mapped.get_json()["counts"]["created"] == 1


def test_wrong_users_and_wrong_uploads_are_refused_in_the_error_shape(api):
    created = upload(api, "manager").get_json()
    url = f"/lead-imports/{created['id']}"
    for path in (url, f"{url}/rejects"):
        assert_error(api.get(path, None), 401, "unauthorized")
        assert_error(api.get(path, "rep1"), 403, "forbidden")
        assert_error(api.get(path, "designer"), 403, "forbidden")
        assert_error(api.get(path, "manager2"), 404, "not_found")
    assert_error(api.post(f"{url}/revert", "rep1"), 403, "forbidden")
    assert_error(api.post(f"{url}/revert", "manager2"), 404, "not_found")
    assert_error(api.get("/lead-imports/999", "admin"), 404, "not_found")
    assert_error(upload(api, "rep1"), 403, "forbidden")
    assert_error(upload(api, None), 401, "unauthorized")
    assert_error(upload(api, "manager", name=""), 422, "invalid", {"file"})
    assert_error(upload(api, "manager", dry_run="maybe"), 422, "invalid", {"dry_run"})
    assert_error(upload(api, "manager", colour="red"), 422, "invalid", {"colour"})
    assert_error(upload(api, "manager", map=["Nazwa firmy"]), 422, "invalid", {"map"})
    assert_error(upload(api, "manager", map=["Opiekun=name"]), 422, "invalid", {"Opiekun"})
    assert_error(upload(api, "manager", b"%PDF-1.4 not leads", "x.pdf"), 422, "invalid", {"file"})
    assert_error(upload(api, "manager", owner="rep3"), 422, "invalid", {"owner"})
    assert_error(upload(api, "manager", owner="nobody"), 404, "not_found")
    assert_error(api.post(f"{url}/revert", "manager", {"x": 1}), 422, "invalid", {"body"})
    assert api.get(url, "manager").get_json()["status"] == "done"  # nothing reverted meanwhile
    assert [i["id"] for i in api.get("/lead-imports", "manager2").get_json()] == []
    assert_error(api.get("/lead-imports", "rep1"), 403, "forbidden")


def test_a_file_without_refused_rows_has_no_rejects_to_download(api):
    body = upload(api, "manager", "Firma\r\nAlfa\r\n".encode()).get_json()
    assert body["rejects_file"] is None
    assert_error(api.get(f"/lead-imports/{body['id']}/rejects", "manager"), 404, "not_found")


def test_the_upload_is_bounded_by_its_own_limit_not_the_ones_of_other_requests(api):
    api.client.application.config["LEAD_UPLOAD_MAX_BYTES"] = 4096
    big = b"Firma\r\n" + b"Alfa Beta Gamma\r\n" * 400  # ~7 KB: above 4 KiB
    assert_error(upload(api, "manager", big), 413, "too_large")
    api.client.application.config["LEAD_UPLOAD_MAX_BYTES"] = 64 * 1024 * 1024
    notes = "uwagi " * 150  # 900 characters a row: a few rows make more than a mebibyte
    bigger = b"Firma;Uwagi\r\n" + b"".join(f"Firma {i};{notes}\r\n".encode() for i in range(1_300))
    assert len(bigger) > api.client.application.config["MAX_CONTENT_LENGTH"]  # > 1 MiB, the general limit
    response = upload(api, "manager", bigger)
    assert response.status_code == 201 and response.get_json()["counts"]["created"] == 1_300


def test_real_answers_fit_the_documented_schemas(api):
    document = api.client.get(f"{PREFIX}/openapi.json").get_json()
    check = Checker(document)
    body = check(upload(api, "manager"), "POST", "/lead-imports", 201)
    url = f"/lead-imports/{body['id']}"
    check(upload(api, None), "POST", "/lead-imports", 401)
    check(upload(api, "rep1"), "POST", "/lead-imports", 403)
    check(upload(api, "manager", owner="nobody"), "POST", "/lead-imports", 404)
    api.client.application.config["LEAD_UPLOAD_MAX_BYTES"] = 100
    check(upload(api, "manager"), "POST", "/lead-imports", 413)
    api.client.application.config["LEAD_UPLOAD_MAX_BYTES"] = None
    check(upload(api, "manager", map=["x"]), "POST", "/lead-imports", 422)
    check(api.get("/lead-imports", "manager"), "GET", "/lead-imports", 200)
    check(api.get("/lead-imports", None), "GET", "/lead-imports", 401)
    check(api.get("/lead-imports", "rep1"), "GET", "/lead-imports", 403)
    check(api.get(url, "manager"), "GET", "/lead-imports/{import_id}", 200)
    check(api.get(url, None), "GET", "/lead-imports/{import_id}", 401)
    check(api.get(url, "rep1"), "GET", "/lead-imports/{import_id}", 403)
    check(api.get(url, "manager2"), "GET", "/lead-imports/{import_id}", 404)
    rejects = api.get(f"{url}/rejects", "manager")
    assert rejects.status_code == 200 and rejects.mimetype == "text/csv"
    rejects.close()
    check.checked.add(("GET", "/lead-imports/{import_id}/rejects", "200"))
    check(api.get(f"{url}/rejects", None), "GET", "/lead-imports/{import_id}/rejects", 401)
    check(api.get(f"{url}/rejects", "rep1"), "GET", "/lead-imports/{import_id}/rejects", 403)
    check(api.get(f"{url}/rejects", "manager2"), "GET", "/lead-imports/{import_id}/rejects", 404)
    check(api.post(f"{url}/revert", None), "POST", "/lead-imports/{import_id}/revert", 401)
    check(api.post(f"{url}/revert", "rep1"), "POST", "/lead-imports/{import_id}/revert", 403)
    check(api.post(f"{url}/revert", "manager2"), "POST", "/lead-imports/{import_id}/revert", 404)
    check(api.post(f"{url}/revert", "manager", {"a": 1}), "POST", "/lead-imports/{import_id}/revert", 422)
    check(api.post(f"{url}/revert", "manager"), "POST", "/lead-imports/{import_id}/revert", 200)
    check(api.post(f"{url}/revert", "manager"), "POST", "/lead-imports/{import_id}/revert", 409)
    assert every_status(document, LEAD_IMPORT_PATHS) == check.checked
