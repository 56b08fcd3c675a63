"""Call and mailing lists (M11): saved partner filters, shown and exported as CSV and
XLSX for whoever reads them, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from engine.errors import FormError, NotFoundError, PermissionDeniedError
from engine.rules.partner_lists import HEADER
from tests.service.partner_seeds import seed_partner

NORTH = {"kind": "prospect", "territory": "north"}


@pytest.fixture
def north(engine):
    """Prospects in the north: two of rep1's, one of rep3's; and one in the south."""
    seed_partner(engine, "=HYPERLINK(\"http://evil\")", territory="north", phone="+48 600 100 200",
                 contacts=(("Ann", None, "+48 600 111 222"), ("Bob", "bob@acme.pl", None)))
    seed_partner(engine, "Bez Maila", territory="north", phone="+48 42 000 00 00")
    seed_partner(engine, "Daleko", owner="rep3", territory="north", email="biuro@daleko.pl")
    seed_partner(engine, "South", territory="south", email="s@south.pl")


def test_a_call_list_shows_each_partner_with_the_contact_to_call(engine, north):
    saved = engine.save_partner_list(name="North calls", purpose="call", criteria=NORTH, actor="admin")
    assert (saved.name, saved.purpose, saved.criteria, saved.owner, saved.may_change) == (
        "North calls", "call", NORTH, "admin", True)
    page = engine.partner_list(saved.id, viewer="admin")
    assert page.total == 3
    lines = {e.partner: (e.contact, e.phone, e.email, e.owner) for e in page.entries}
    assert lines == {'=HYPERLINK("http://evil")': ("Ann", "+48 600 111 222", "", "rep1"),
                     "Bez Maila": ("", "+48 42 000 00 00", "", "rep1"),
                     "Daleko": ("", "", "biuro@daleko.pl", "rep3")}


def test_a_mailing_list_keeps_only_partners_someone_can_be_written_to(engine, north):
    saved = engine.save_partner_list(name="North mail", purpose="mailing", criteria=NORTH, actor="admin")
    lines = {e.partner: (e.contact, e.email) for e in engine.partner_list(saved.id, viewer="admin").entries}
    assert lines == {'=HYPERLINK("http://evil")': ("Bob", "bob@acme.pl"), "Daleko": ("", "biuro@daleko.pl")}


def test_the_csv_export_keeps_formulas_as_text_and_phone_numbers_as_typed(engine, north):
    saved = engine.save_partner_list(name="North calls / Q1", purpose="call", criteria=NORTH, actor="admin")
    export = engine.export_partner_list(saved.id, format="csv", viewer="admin")
    assert (export.file_name, export.content_type, export.rows) == ("North-calls-Q1.csv",
                                                                    "text/csv; charset=utf-8", 3)
    assert export.content.startswith(b"\xef\xbb\xbf")  # Excel shows Polish letters only with the BOM
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0] == list(HEADER)
    assert ["'=HYPERLINK(\"http://evil\")", "", "Łódź", "Ann", "buyer", "+48 600 111 222", "", "rep1"] in rows


def test_the_xlsx_export_stores_every_value_as_text(engine, north):
    saved = engine.save_partner_list(name="North", purpose="call", criteria=NORTH, actor="admin")
    export = engine.export_partner_list(saved.id, format="xlsx", viewer="admin")
    assert export.file_name == "North.xlsx" and export.content_type.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet.title == "North"
    assert [c.value for c in sheet[1]] == list(HEADER)
    (formula,) = [row[0] for row in sheet.iter_rows(min_row=2) if row[0].value.startswith("=")]
    assert (formula.value, formula.data_type) == ('=HYPERLINK("http://evil")', "s")  # text, never a formula
    assert sheet.max_row == 4
    with pytest.raises(FormError) as refused:
        engine.export_partner_list(saved.id, format="pdf", viewer="admin")
    assert refused.value.fields == {"format": "choose one of: csv, xlsx"}


def test_a_list_shows_each_reader_only_the_partners_they_may_see(engine, north):
    mine = engine.save_partner_list(name="Mine", purpose="call", criteria=NORTH, actor="rep1")
    assert sorted(e.partner for e in engine.partner_list(mine.id, viewer="rep1").entries) == [
        '=HYPERLINK("http://evil")', "Bez Maila"]
    theirs = engine.save_partner_list(name="Theirs", purpose="call", criteria=NORTH, actor="manager2")
    assert [e.partner for e in engine.partner_list(theirs.id, viewer="manager2").entries] == ["Daleko"]


def test_another_users_list_is_not_found_and_only_its_owner_or_an_admin_changes_it(engine, north):
    saved = engine.save_partner_list(name="Mine", purpose="call", criteria=NORTH, actor="rep1")
    for call in (lambda: engine.partner_list(saved.id, viewer="rep2"),
                 lambda: engine.export_partner_list(saved.id, format="csv", viewer="rep2"),
                 lambda: engine.rename_partner_list(saved.id, name="Stolen", actor="rep2"),
                 lambda: engine.delete_partner_list(saved.id, actor="manager")):
        with pytest.raises(NotFoundError, match=f"no partner list {saved.id}"):
            call()
    assert [s.name for s in engine.partner_lists(viewer="rep2")] == []
    assert [(s.name, s.owner) for s in engine.partner_lists(viewer="admin")] == [("Mine", "rep1")]
    assert engine.rename_partner_list(saved.id, name="Renamed", actor="admin").name == "Renamed"
    assert [s.name for s in engine.partner_lists(viewer="rep1")] == ["Renamed"]
    engine.delete_partner_list(saved.id, actor="rep1")
    assert engine.partner_lists(viewer="rep1") == []
    with pytest.raises(NotFoundError):
        engine.partner_list(saved.id, viewer="rep1")


def test_designers_keep_no_lists(engine):
    engine.create_user("designer", "designer")
    with pytest.raises(PermissionDeniedError, match="only reps, managers and admins"):
        engine.save_partner_list(name="x", purpose="call", criteria={}, actor="designer")
    with pytest.raises(PermissionDeniedError):
        engine.partner_lists(viewer="designer")


def test_a_list_with_wrong_fields_names_every_one(engine):
    with pytest.raises(FormError) as refused:
        engine.save_partner_list(name=" ", purpose="fax", criteria={"kind": "friend"}, actor="rep1")
    assert set(refused.value.fields) == {"name", "purpose", "kind"}
    with pytest.raises(FormError) as refused:
        engine.save_partner_list(name="x", purpose="call", criteria=["kind"], actor="rep1")
    assert set(refused.value.fields) == {"criteria"}
    with pytest.raises(FormError) as refused:
        engine.rename_partner_list(1, name="x" * 121, actor="rep1")
    assert refused.value.fields == {"name": "enter at most 120 characters"}


def test_an_archived_partner_drops_out_of_a_list_of_active_ones(engine, north, clock):
    saved = engine.save_partner_list(name="North", purpose="call", criteria=NORTH, actor="admin")
    clock.advance(days=400)
    engine.archive_inactive_prospects(months=12, actor="admin")
    assert engine.partner_list(saved.id, viewer="admin").total == 0
    archived = engine.save_partner_list(name="Archived", purpose="call",
                                        criteria={**NORTH, "status": "archived"}, actor="admin")
    assert engine.partner_list(archived.id, viewer="admin").total == 3
