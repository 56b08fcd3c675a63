"""The Lists page (M11): saving a call or mailing list, seeing and downloading it,
renaming and deleting it; archiving inactive prospects after a dry-run preview, and
undoing it. Wrong users get 403 or 404; every form needs its CSRF token."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.service.partner_seeds import seed_partner
from tests.webui.pages_support import client_for, csrf_token, log_in, make_app


@pytest.fixture
def partners(engine, clock):
    """rep1's prospects in the north, created 14 months ago; rep3's one elsewhere."""
    clock.advance(days=-430)
    seed_partner(engine, "Stara Hurtownia", territory="north", email="biuro@stara.pl",
                 contacts=(("Anna Nowak", "anna@stara.pl", "+48 600 100 200"),))
    seed_partner(engine, "=SUM(A1:A9)", territory="north")
    seed_partner(engine, "Daleko", owner="rep3", territory="south")
    clock.advance(days=430)


def saved(client, **form) -> str:
    response = client.post("/lists", data={"purpose": "call", **form})
    assert response.status_code == 303, response.text
    return response.headers["Location"]


def test_a_rep_saves_a_list_sees_its_lines_and_downloads_it(app, partners):
    client = client_for(app, "rep1")
    assert 'id="nav-lists"' in client.get("/lists").text
    location = saved(client, name="North calls", territory="north")
    page = client.get(location)
    assert page.status_code == 200 and 'id="list-total">2<' in page.text
    assert "Anna Nowak" in page.text and 'href="tel:+48600100200"' in page.text
    index = client.get("/lists").text
    assert "North calls" in index and "territory: north" in index
    csv_file = client.get("/lists/1/export.csv")
    assert csv_file.mimetype == "text/csv" and 'filename="North-calls.csv"' in csv_file.headers["Content-Disposition"]
    text = csv_file.data.decode("utf-8-sig")
    assert "'=SUM(A1:A9)" in text and "Stara Hurtownia" in text
    xlsx = client.get("/lists/1/export.xlsx")
    assert xlsx.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert sorted(row[0].value for row in sheet.iter_rows(min_row=2)) == ["=SUM(A1:A9)", "Stara Hurtownia"]
    assert client.get("/lists/1/export.pdf").status_code == 404


def test_a_mailing_list_keeps_only_partners_with_an_e_mail(app, partners):
    client = client_for(app, "rep1")
    page = client.get(saved(client, name="Mail", purpose="mailing", territory="north"))
    assert 'id="list-total">1<' in page.text and "anna@stara.pl" in page.text and "SUM" not in page.text


def test_wrong_fields_are_shown_beside_them(app):
    client = client_for(app, "rep1")
    page = client.post("/lists", data={"name": "", "purpose": "fax", "kind": "friend"})
    assert page.status_code == 422
    assert page.text.count('class="field-error"') == 3 and "choose one of: call, mailing" in page.text


def test_rename_and_delete(app, partners):
    client = client_for(app, "rep1")
    saved(client, name="Old")
    client.post("/lists/1/rename", data={"name": "New"})
    assert "List renamed to “New”." in client.get("/lists").text
    too_long = client.post("/lists/1/rename", data={"name": "x" * 121})
    assert "The list keeps its name: enter at most 120 characters" in client.get(too_long.headers["Location"]).text
    client.post("/lists/1/delete")
    assert "No saved lists yet." in client.get("/lists").text


def test_another_users_list_is_not_found_and_a_designer_may_not_keep_lists(app, engine, partners):
    saved(client_for(app, "rep1"), name="Mine")
    other = client_for(app, "rep2")
    for path in ("/lists/1", "/lists/1/export.csv", "/lists/1/export.xlsx"):
        assert other.get(path).status_code == 404, path
    for path in ("/lists/1/rename", "/lists/1/delete"):
        assert other.post(path, data={"name": "Stolen"}).status_code == 404, path
    assert "Mine" not in other.get("/lists").text
    engine.ensure_demo_user("designer", "designer", "Designer")
    designer = client_for(app, "designer")
    assert designer.get("/lists").status_code == 403
    assert designer.post("/lists", data={"name": "x", "purpose": "call"}).status_code == 403


def test_a_manager_previews_archives_and_undoes_the_inactive_prospects(app, engine, partners):
    client = client_for(app, "manager")
    preview = client.post("/lists/archive/preview", data={"months": "12"})
    assert preview.status_code == 200
    candidates = preview.text.split('id="archive-candidates"')[1].split("</table>")[0]
    assert "Stara Hurtownia" in candidates and "Daleko" not in candidates  # rep3 is another manager's
    assert 'id="archive-confirm"' in preview.text and engine.partner_archivals(viewer="manager") == []
    done = client.post("/lists/archive", data={"months": "12"})
    page = client.get(done.headers["Location"]).text
    assert "Archival #1: 2 inactive prospect(s) archived." in page and 'id="undo-1"' in page
    assert engine.partners("admin", {"status": "archived"}).total == 2
    undone = client.post("/lists/archivals/1/undo")
    assert "Archival #1 undone: 2 partner(s) restored." in client.get(undone.headers["Location"]).text
    assert engine.partners("admin", {"status": "archived"}).total == 0
    again = client.post("/lists/archivals/1/undo")
    assert "undone already" in client.get(again.headers["Location"]).text


def test_months_that_are_no_number_are_said_beside_the_field(app):
    page = client_for(app, "manager").post("/lists/archive/preview", data={"months": "zero"})
    assert page.status_code == 422 and 'id="months-error"' in page.text


def test_reps_see_no_archive_form_and_may_not_archive_or_undo(app, partners):
    client_for(app, "manager").post("/lists/archive", data={"months": "12"})
    rep = client_for(app, "rep1")
    assert 'id="archive-form"' not in rep.get("/lists").text
    assert rep.post("/lists/archive/preview", data={"months": "12"}).status_code == 403
    assert rep.post("/lists/archive", data={"months": "12"}).status_code == 403
    assert rep.post("/lists/archivals/1/undo").status_code == 403
    assert client_for(app, "manager2").post("/lists/archivals/1/undo").status_code == 404


def test_the_lists_forms_need_their_csrf_token(engine, partners):
    app = make_app(engine, csrf=True)
    client = app.test_client()
    log_in(client, "manager", csrf=True)
    assert client.post("/lists", data={"name": "x", "purpose": "call"}).status_code == 400
    assert client.post("/lists/archive", data={"months": "12"}).status_code == 400
    token = csrf_token(client.get("/lists").text)
    assert client.post("/lists", data={"name": "x", "purpose": "call", "csrf_token": token}).status_code == 303
