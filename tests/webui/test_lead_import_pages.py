"""The lead import page (M11): upload, preview with a field per column, dry run or
import in the background, progress as JSON, the result with its duplicates, the
rejects file and a revert; managers and admins only, every form with its CSRF token."""

from __future__ import annotations

import io
import json

import pytest

from tests.conftest import REPO
from tests.webui.pages_support import client_for, csrf_token, log_in, make_app
from webui.lead_runs import runner_of

SAMPLE = REPO / "methodologies" / "samples" / "leads.csv"
SAMPLE_SUMMARY = "created 12, updated 0, unchanged 0, duplicates 3, rejected 5"
SMALL = "Firma;Miasto;Ulubiony kolor\nAcme;Łódź;zielony\nBeta;Kraków;niebieski\n".encode("utf-8")


def upload(client, content: bytes, name: str = "leads.csv", **extra):
    return client.post("/leads/import", data={"file": (io.BytesIO(content), name), **extra},
                       content_type="multipart/form-data")


def uploaded(client, content: bytes, name: str = "leads.csv") -> str:
    """Upload and follow to the preview; the preview's URL."""
    response = upload(client, content, name)
    assert response.status_code == 303, response.text
    return response.headers["Location"]


def finished(app, client, location: str):
    runner_of(app).wait()
    return client.get(location)


def test_the_sample_file_imports_with_its_counts_duplicates_and_rejects_on_the_result_page(app, engine):
    client = client_for(app, "manager")
    preview_url = uploaded(client, SAMPLE.read_bytes(), "leads.csv")
    preview = client.get(preview_url)
    assert preview.status_code == 200
    assert '<option value="name" selected>' in preview.text.split('id="col-0"')[1].split("</select>")[0]
    assert "Hurtownia Spożywcza Janosik Sp. z o.o." in preview.text and 'id="start-import"' in preview.text
    started = client.post(preview_url, data={"action": "import"})
    assert started.status_code == 303 and started.headers["Location"].endswith("/leads/import/1")
    page = finished(app, client, "/leads/import/1")
    assert page.status_code == 200
    assert f"{SAMPLE_SUMMARY} (rejects: lead-import-1-rejects.csv)" in page.text
    assert 'id="count-created">12<' in page.text and 'id="count-rejected">5<' in page.text
    assert 'id="count-duplicates">3<' in page.text and 'id="count-rows">20<' in page.text
    matches = page.text.split('id="import-matches"')[1].split("</table>")[0]
    assert "row 2" in matches and "tax id: PL5261041443" in matches and "e-mail domain: janosik-hurt.pl" in matches
    rejects = client.get("/leads/import/1/rejects")
    assert rejects.status_code == 200 and rejects.mimetype == "text/csv"
    assert "lead-import-1-rejects.csv" in rejects.headers["Content-Disposition"]
    assert rejects.data.decode("utf-8-sig").startswith("row;column;reason;Nazwa firmy")  # the file's delimiter
    rejects.close()
    status = json.loads(client.get("/leads/import/1/status").data)
    assert (status["status"], status["running"], status["percent"], status["processed_rows"]) == ("done", False,
                                                                                                 100, 20)
    assert client.get(preview_url).status_code == 404  # the upload was the import's, and is gone


def test_a_dry_run_changes_nothing_and_the_same_upload_can_then_be_imported(app, engine):
    client = client_for(app, "manager")
    preview_url = uploaded(client, SAMPLE.read_bytes())
    client.post(preview_url, data={"action": "dry_run"})
    page = finished(app, client, "/leads/import/1")
    assert "A dry run: nothing was changed." in page.text and SAMPLE_SUMMARY in page.text
    assert 'id="revert-link"' not in page.text
    assert engine.partners("admin").total == 0
    client.post(preview_url, data={"action": "import"})
    assert SAMPLE_SUMMARY in finished(app, client, "/leads/import/2").text


def test_unknown_columns_are_highlighted_and_a_changed_mapping_is_previewed_again(app, engine):
    client = client_for(app, "manager")
    preview_url = uploaded(client, SMALL)
    preview = client.get(preview_url).text
    assert '<th class="col-unknown" id="head-2">Ulubiony kolor</th>' in preview
    assert '<option value="" selected>— not imported —</option>' in preview.split('id="col-2"')[1]
    checked = client.post(preview_url, data={"action": "check", "col-0": "name", "col-1": "ignore", "col-2": ""})
    assert checked.status_code == 303
    again = client.get(checked.headers["Location"]).text
    assert '<th class="col-ignored" id="head-1">Miasto</th>' in again
    assert '<option value="ignore" selected>ignore</option>' in again.split('id="col-1"')[1].split("</select>")[0]
    client.post(preview_url, data={"action": "import", "col-0": "name", "col-1": "ignore", "col-2": "notes"})
    page = finished(app, client, "/leads/import/1")
    assert "created 2, updated 0, unchanged 0, duplicates 0, rejected 0" in page.text
    acme = engine.partners("admin", {"text": "Acme"}).items[0]
    assert acme.city is None  # the city column was ignored


def test_two_columns_for_one_field_are_named_on_the_page_and_not_imported(app, engine):
    client = client_for(app, "manager")
    preview_url = uploaded(client, SMALL)
    shown = client.post(preview_url, data={"action": "import", "col-0": "name", "col-1": "name"})
    assert shown.status_code == 422
    miasto = shown.text.split('id="col-1"')[1].split("</th>")[0]
    assert "means name, as column &#39;Firma&#39; does" in miasto and 'id="start-import"' not in shown.text
    assert shown.text.count("means name, as column") == 1
    assert engine.lead_imports(viewer="manager") == []


@pytest.mark.parametrize("content, name", [(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "logo.png"),
                                           (b"", "empty.csv")])
def test_a_file_that_is_no_lead_file_gets_a_clear_message_on_the_page(app, content, name):
    client = client_for(app, "manager")
    if not content:
        response = upload(client, content, name)
        assert response.status_code == 303
        page = client.get(response.headers["Location"])
    else:
        page = client.get(uploaded(client, content, name))
    assert page.status_code == 422
    assert "This file cannot be imported." in page.text and 'id="preview-problems"' in page.text
    assert 'id="dry-run"' not in page.text and 'id="mapping-form"' not in page.text


def test_no_file_chosen_and_a_file_above_the_limit_are_said_on_the_upload_page(app):
    client = client_for(app, "manager")
    page = client.post("/leads/import", data={}, content_type="multipart/form-data")
    assert page.status_code == 422 and "Choose a CSV or XLSX file to import." in page.text
    app.config["LEAD_UPLOAD_MAX_BYTES"] = 2000
    page = upload(client, b"Firma\n" + b"x" * 3000 + b"\n")
    assert page.status_code == 413
    assert "the most this site takes" in page.text and 'id="upload-form"' in page.text


def test_an_upload_bigger_than_the_apps_form_limit_is_taken_up_to_the_lead_limit(app, engine):
    app.config["MAX_CONTENT_LENGTH"] = 1000  # any other form
    client = client_for(app, "manager")
    body = "Firma;Miasto\n" + "".join(f"Firma {i};Łódź\n" for i in range(200))
    assert len(body.encode()) > 1000
    page = client.get(uploaded(client, body.encode()))
    assert page.status_code == 200 and "Firma 0" in page.text


def test_reps_may_not_import_nor_see_an_import_and_another_manager_does_not_find_it(app, engine):
    manager = client_for(app, "manager")
    assert 'id="nav-lead-import"' in manager.get("/leads/import").text
    manager.post(uploaded(manager, SMALL), data={"action": "import"})
    runner_of(app).wait()
    rep = client_for(app, "rep1")
    assert 'id="nav-lead-import"' not in rep.get("/").text
    for path in ("/leads/import", "/leads/import/1", "/leads/import/1/status", "/leads/import/1/revert"):
        assert rep.get(path).status_code == 403, path
    assert upload(rep, SMALL).status_code == 403
    assert rep.post("/leads/import/1/revert").status_code == 403
    other = client_for(app, "manager2")
    for path in ("/leads/import/1", "/leads/import/1/status", "/leads/import/1/rejects"):
        assert other.get(path).status_code == 404, path
    assert other.post("/leads/import/1/revert").status_code == 404
    assert other.get("/leads/import").text.count('id="lead-import-') == 0
    assert manager.get("/leads/import/files/not-my-token").status_code == 404


def test_revert_asks_first_then_reverts_once(app, engine):
    client = client_for(app, "manager")
    client.post(uploaded(client, SMALL), data={"action": "import"})
    page = finished(app, client, "/leads/import/1")
    assert 'id="revert-link"' in page.text
    confirm = client.get("/leads/import/1/revert")
    assert "Revert lead import #1?" in confirm.text and 'id="revert-confirm"' in confirm.text
    assert engine.partners("admin").total == 2  # asking changed nothing
    done = client.post("/leads/import/1/revert")
    assert done.status_code == 303
    page = client.get(done.headers["Location"])
    assert "Import #1 reverted: 2 partner(s) deleted" in page.text and 'id="import-reverted"' in page.text
    assert engine.partners("admin").total == 0
    again = client.post("/leads/import/1/revert")
    assert again.status_code == 303 and "flash-error" in client.get(again.headers["Location"]).text


def test_every_form_of_the_import_needs_its_csrf_token(engine):
    app = make_app(engine, csrf=True)
    client = app.test_client()
    log_in(client, "manager", csrf=True)
    assert upload(client, SMALL).status_code == 400
    token = csrf_token(client.get("/leads/import").text)
    response = upload(client, SMALL, csrf_token=token)
    assert response.status_code == 303
    preview_url = response.headers["Location"]
    assert client.post(preview_url, data={"action": "import"}).status_code == 400
    started = client.post(preview_url, data={"action": "import", "csrf_token": token})
    assert started.status_code == 303
    runner_of(app).wait()
    assert client.post("/leads/import/1/revert").status_code == 400
    assert client.post("/leads/import/1/revert", data={"csrf_token": token}).status_code == 303


def interrupted_import(engine, clock, monkeypatch, tmp_path) -> int:
    """An import of the sample whose worker died after two batches of four rows, not
    heard of for 11 minutes."""
    import shutil

    from engine.service import lead_batch, lead_import
    monkeypatch.setattr(lead_import, "BATCH", 4)
    source = shutil.copy(SAMPLE, tmp_path / "leads.csv")
    import_id = engine.start_lead_import(source, file_name="leads.csv", actor="manager")
    real, calls = lead_batch.place, []

    def place(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise SystemExit("the worker's process ended")
        return real(*args, **kwargs)
    monkeypatch.setattr(lead_batch, "place", place)
    with pytest.raises(SystemExit):
        engine.run_lead_import(import_id)
    monkeypatch.setattr(lead_batch, "place", real)
    clock.advance(minutes=11)
    return import_id


def test_an_interrupted_import_is_said_on_its_page_and_resumed_there(app, engine, clock, monkeypatch, tmp_path):
    import_id = interrupted_import(engine, clock, monkeypatch, tmp_path)
    client = client_for(app, "manager")
    page = client.get(f"/leads/import/{import_id}")
    assert 'id="import-interrupted"' in page.text and "stopped at row 8 of 20" in page.text
    assert 'id="resume-import"' in page.text and "Resume from row 9" in page.text and 'id="revert-link"' in page.text
    assert json.loads(client.get(f"/leads/import/{import_id}/status").data)["status"] == "interrupted"
    assert 'status-interrupted' in client.get("/leads/import").text
    resumed = client.post(f"/leads/import/{import_id}/resume")
    assert resumed.status_code == 303
    page = finished(app, client, resumed.headers["Location"])
    assert "resumed after row 8" in page.text
    assert SAMPLE_SUMMARY in page.text and 'id="import-interrupted"' not in page.text
    again = client.post(f"/leads/import/{import_id}/resume")  # done now: refused, said
    assert again.status_code == 303 and "not interrupted" in client.get(again.headers["Location"]).text


def test_only_its_manager_resumes_an_interrupted_import_and_the_form_needs_its_token(engine, clock, monkeypatch,
                                                                                      tmp_path):
    import_id = interrupted_import(engine, clock, monkeypatch, tmp_path)
    app = make_app(engine, csrf=True)
    for who, refused in (("rep1", 403), ("manager2", 404)):
        client = app.test_client()
        log_in(client, who, csrf=True)
        token = csrf_token(client.get("/").text)
        assert client.post(f"/leads/import/{import_id}/resume", data={"csrf_token": token}).status_code == refused
    client = app.test_client()
    log_in(client, "manager", csrf=True)
    assert client.post(f"/leads/import/{import_id}/resume").status_code == 400
    assert engine.lead_import(import_id, viewer="manager").status == "interrupted"
    token = csrf_token(client.get(f"/leads/import/{import_id}").text)
    assert client.post(f"/leads/import/{import_id}/resume", data={"csrf_token": token}).status_code == 303
    runner_of(app).wait()
    assert engine.lead_import(import_id, viewer="manager").created == 12


def test_a_runner_superseded_by_a_resume_leaves_the_upload_to_the_run_that_reads_it(app, engine, clock,
                                                                                     monkeypatch, tmp_path):
    import shutil
    from pathlib import Path

    from engine.service import lead_batch, lead_import
    monkeypatch.setattr(lead_import, "BATCH", 4)
    source = Path(shutil.copy(SAMPLE, tmp_path / "upload.csv"))
    import_id = engine.start_lead_import(source, file_name="leads.csv", actor="manager")
    real, calls = lead_batch.place, []

    def place(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:  # the thread was away long enough for someone to resume the import
            clock.advance(minutes=11)
            engine.resume_lead_import(import_id, actor="manager")
        return real(*args, **kwargs)
    monkeypatch.setattr(lead_batch, "place", place)
    runner_of(app).start(import_id, remove_after=source)
    runner_of(app).wait()
    assert source.is_file()  # the resumed run needs it
    monkeypatch.setattr(lead_batch, "place", real)
    assert engine.run_lead_import(import_id).created == 12
