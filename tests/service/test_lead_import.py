"""The lead import through the façade (M11): the shipped sample's counts, a second
import of the same file, a dry run, who may import, the rejects file."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.errors import ConflictError, FormError, NotFoundError, PermissionDeniedError
from engine.rules.leads import read_rejects, summary_line
from engine.rules.leads.summary import ImportCounts
from engine.store.partner_models import LeadImportChange, Partner, PartnerContact, PartnerEvent
from tests.service import lead_fixtures
from tests.service.lead_fixtures import SAMPLE, write_csv

leads_engine = lead_fixtures.leads_engine  # the fixture, here

SAMPLE_LINE = "created 12, updated 0, unchanged 0, duplicates 3, rejected 5"


def count(engine, model, *where) -> int:
    with engine.context.sessions() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_sample_file_gives_its_exact_counts(leads_engine):
    view = leads_engine.import_leads(SAMPLE, actor="manager")
    assert (view.created, view.updated, view.unchanged, view.duplicates, view.rejected) == (12, 0, 0, 3, 5)
    assert view.summary == summary_line(ImportCounts(12, 0, 0, 3, 5), f"lead-import-{view.id}-rejects.csv")
    assert view.summary.startswith(SAMPLE_LINE)
    assert (view.status, view.total_rows, view.processed_rows, view.actor) == ("done", 20, 20, "manager")
    assert view.may_revert and not view.dry_run
    assert count(leads_engine, Partner) == 12
    assert count(leads_engine, Partner, Partner.lead_import_id == view.id, Partner.kind == "prospect") == 12
    assert count(leads_engine, PartnerEvent, PartnerEvent.kind == "imported") == 12
    assert count(leads_engine, LeadImportChange) == 12
    # Duplicates: the first row of each group kept, the others reported with the key.
    assert view.duplicate_groups == {2: (9, 11), 3: (10,)}
    assert {(m.row, m.key) for m in view.matches} == {(9, "name and city"), (10, "tax id"), (11, "e-mail domain")}
    with leads_engine.context.sessions() as session:
        janosik = session.scalar(select(Partner).where(Partner.tax_id == "PL5261041147"))
        assert (janosik.name, janosik.city, janosik.source, janosik.owner_id) == (
            "Hurtownia Spożywcza Janosik Sp. z o.o.", "Kraków", "targi", None)
        names = session.scalars(select(PartnerContact.name).where(PartnerContact.partner_id == janosik.id))
        assert list(names) == ["Anna Nowak"]


def test_importing_the_same_file_again_changes_nothing(leads_engine):
    leads_engine.import_leads(SAMPLE, actor="manager")
    again = leads_engine.import_leads(SAMPLE, actor="manager")
    assert again.summary.startswith("created 0, updated 0, unchanged 12, duplicates 3, rejected 5")
    assert count(leads_engine, Partner) == 12
    assert count(leads_engine, PartnerContact) == count(leads_engine, PartnerContact, PartnerContact.id > 0)
    assert {m.outcome for m in again.matches} == {"duplicate", "unchanged"}


def test_a_dry_run_gives_the_real_numbers_and_changes_nothing(leads_engine):
    dry = leads_engine.import_leads(SAMPLE, actor="manager", dry_run=True)
    assert dry.dry_run and not dry.may_revert
    assert count(leads_engine, Partner) == 0 and count(leads_engine, PartnerContact) == 0
    real = leads_engine.import_leads(SAMPLE, actor="manager")
    assert (dry.created, dry.updated, dry.unchanged, dry.duplicates, dry.rejected) == (
        real.created, real.updated, real.unchanged, real.duplicates, real.rejected)
    with pytest.raises(ConflictError, match="dry run"):
        leads_engine.revert_lead_import(dry.id, actor="manager")


def test_reps_and_designers_may_not_import(leads_engine):
    for who in ("rep1", "designer"):
        with pytest.raises(PermissionDeniedError, match="only managers and admins may import leads"):
            leads_engine.import_leads(SAMPLE, actor=who)
        with pytest.raises(PermissionDeniedError):
            leads_engine.preview_leads(SAMPLE, actor=who)
    assert count(leads_engine, Partner) == 0


def test_an_import_is_seen_by_its_manager_and_admins_only(leads_engine):
    view = leads_engine.import_leads(SAMPLE, actor="manager")
    assert leads_engine.lead_import(view.id, viewer="admin").id == view.id
    assert [v.id for v in leads_engine.lead_imports(viewer="manager")] == [view.id]
    assert leads_engine.lead_imports(viewer="manager2") == []
    with pytest.raises(NotFoundError):
        leads_engine.lead_import(view.id, viewer="manager2")
    with pytest.raises(NotFoundError):
        leads_engine.revert_lead_import(view.id, actor="manager2")
    with pytest.raises(NotFoundError):
        leads_engine.lead_rejects_file(view.id, viewer="manager2")
    with pytest.raises(PermissionDeniedError):
        leads_engine.lead_import(view.id, viewer="rep1")


def test_the_rejects_file_names_row_column_reason_and_keeps_the_values(leads_engine):
    view = leads_engine.import_leads(SAMPLE, actor="manager")
    path = leads_engine.lead_rejects_file(view.id, viewer="manager")
    assert path.name == view.rejects_file == f"lead-import-{view.id}-rejects.csv"
    header, rejected = read_rejects(path, delimiter=";")
    assert header[0] == "Nazwa firmy"
    assert [(r.row, r.problems[0][0]) for r in rejected] == [
        (15, "Nazwa firmy"), (16, "NIP"), (17, "E-mail"), (18, "Telefon"), (19, "Kod pocztowy")]
    assert rejected[1].values[1] == SAMPLE.read_text("utf-8").splitlines()[15].split(";")[1]


def test_a_file_without_refused_rows_has_no_rejects_file(leads_engine, tmp_path):
    path = write_csv(tmp_path / "ok.csv", ["Firma", "Miasto"], [["Alfa", "Kraków"]])
    view = leads_engine.import_leads(path, actor="manager")
    assert view.summary == "created 1, updated 0, unchanged 0, duplicates 0, rejected 0"
    assert view.rejects_file is None
    with pytest.raises(NotFoundError, match="no rejects file"):
        leads_engine.lead_rejects_file(view.id, viewer="manager")


def test_bad_maps_and_files_are_refused_before_anything_is_recorded(leads_engine, tmp_path):
    with pytest.raises(FormError) as err:
        leads_engine.import_leads(SAMPLE, actor="manager", maps=["Nazwa firmy"])
    assert "map" in err.value.fields
    with pytest.raises(FormError) as err:
        leads_engine.import_leads(SAMPLE, actor="manager", maps=["Opiekun=name"])
    assert "Opiekun" in err.value.fields
    with pytest.raises(FormError) as err:
        leads_engine.import_leads(tmp_path / "missing.csv", actor="manager")
    assert "file" in err.value.fields
    nameless = write_csv(tmp_path / "n.csv", ["Miasto"], [["Kraków"]])
    with pytest.raises(FormError, match="company name"):
        leads_engine.import_leads(nameless, actor="manager")
    assert leads_engine.lead_imports(viewer="admin") == []


def test_the_preview_shows_the_first_rows_the_mapping_and_the_problems(leads_engine):
    preview = leads_engine.preview_leads(SAMPLE, actor="manager")
    assert preview.ok and preview.kind == "csv" and preview.delimiter == ";"
    assert len(preview.rows) == 10 and preview.rows[0][0] == 2
    assert [(c.name, c.field) for c in preview.columns][:2] == [("Nazwa firmy", "name"), ("NIP", "tax_id")]
    assert "tax_id" in {f.id for f in preview.fields}
    ignored = leads_engine.preview_leads(SAMPLE, actor="manager", maps=["Uwagi=ignore", "Kraj=nope"])
    assert [(p.about) for p in ignored.problems] == ["Kraj"]
    assert ignored.columns[1].field == "tax_id"
    fine = leads_engine.preview_leads(SAMPLE, actor="manager", maps=["Uwagi=ignore"])
    assert fine.ok and fine.columns[-1].state == "ignored"


def test_a_second_run_of_one_import_is_refused(leads_engine):
    view = leads_engine.import_leads(SAMPLE, actor="manager")
    with pytest.raises(ConflictError, match="has run already"):
        leads_engine.run_lead_import(view.id)


def test_the_rows_written_in_bulk_read_back_as_the_orm_writes_them(leads_engine, clock):
    """Partners, contacts, history and import changes go in by COPY (PostgreSQL) or the
    driver's executemany (SQLite), past SQLAlchemy's INSERT: their types and defaults
    must come back as an ORM-written row's would."""
    from decimal import Decimal

    view = leads_engine.import_leads(SAMPLE, actor="manager")
    with leads_engine.context.sessions() as session:
        partner = session.scalar(select(Partner).where(Partner.tax_id == "PL5261041147"))
        assert (partner.balance, partner.currency, partner.status, partner.kind) == (
            Decimal("0.00"), "PLN", "active", "prospect")
        assert partner.created_at == partner.updated_at == clock.now and partner.created_at.tzinfo is not None
        assert (partner.addresses, partner.attributes, partner.row_version) == ([], {}, 1)
        contact = session.scalar(select(PartnerContact).where(PartnerContact.partner_id == partner.id))
        assert (contact.active, contact.function, contact.created_at) == (True, "", clock.now)
        event = session.scalar(select(PartnerEvent).where(PartnerEvent.partner_id == partner.id))
        assert (event.kind, event.at, event.data["lead_import_id"], event.data["file"]) == (
            "imported", clock.now, view.id, "leads.csv")
        change = session.scalar(select(LeadImportChange).where(LeadImportChange.partner_id == partner.id))
        assert (change.action, change.before, change.import_id) == ("created", {}, view.id)
        ids = list(session.scalars(select(Partner.id).order_by(Partner.id)))
    # A partner made afterwards by hand gets the next id (the sequence / rowid moved on).
    made = leads_engine.create_partner(name="Ręcznie Sp. z o.o.", kind="prospect", actor="manager")
    assert made.id > max(ids)
