"""The lead import against what the database holds: a lead matching a partner by each
duplicate key fills only its empty fields; contact persons are not doubled; a revert
restores what nobody changed since and archives what something else uses; other
encodings and XLSX; the row cap; progress seen from another engine while it runs."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.errors import FormError
from engine.service import Engine, lead_import
from engine.store.partner_models import Partner, PartnerContact
from tests.service.lead_fixtures import SAMPLE_XLSX, leads_engine, write_csv  # noqa: F401 (fixture)

HEADER = ["Firma", "NIP", "Miasto", "E-mail", "Telefon", "Osoba kontaktowa"]
FIRST = [["Alfa", "5261041147", "Kraków", "", "", "Anna Nowak"],
         ["Beta Sp. z o.o.", "", "Gdańsk", "", "", ""],
         ["Gamma", "", "Łódź", "biuro@gamma.pl", "", ""]]
SECOND = [["Alfa Nowa Nazwa", "526-104-11-47", "Poznań", "", "600 123 456", "ANNA NOWAK"],
          ["BETA spółka z ograniczoną odpowiedzialnością", "", "GDAŃSK", "kontakt@beta.pl", "", "Piotr Lis"],
          ["Gamma Trade", "", "Wrocław", "sprzedaz@gamma.pl", "", ""],
          ["Delta", "", "Kraków", "", "", ""]]


def partner(engine, name: str) -> Partner:
    with engine.context.sessions() as session:
        return session.scalar(select(Partner).where(Partner.name == name))


def contacts(engine, name: str) -> list[str]:
    with engine.context.sessions() as session:
        return sorted(session.scalars(select(PartnerContact.name).join(Partner, Partner.id == PartnerContact.partner_id)
                                      .where(Partner.name == name)))


def both(engine, tmp_path):
    first = engine.import_leads(write_csv(tmp_path / "first.csv", HEADER, FIRST), actor="manager")
    second = engine.import_leads(write_csv(tmp_path / "second.csv", HEADER, SECOND), actor="admin")
    return first, second


def test_a_lead_matching_a_partner_by_each_key_fills_only_its_empty_fields(leads_engine, tmp_path):
    first, second = both(leads_engine, tmp_path)
    assert first.summary == "created 3, updated 0, unchanged 0, duplicates 0, rejected 0"
    assert second.summary == "created 1, updated 2, unchanged 1, duplicates 0, rejected 0"
    assert [(m.row, m.outcome, m.key, m.partner_name) for m in second.matches] == [
        (2, "updated", "tax id", "Alfa"), (3, "updated", "name and city", "Beta Sp. z o.o."),
        (4, "unchanged", "e-mail domain", "Gamma")]
    alfa = partner(leads_engine, "Alfa")
    assert (alfa.city, alfa.phone) == ("Kraków", "+48600123456")  # the city it had stays; the phone was empty
    beta = partner(leads_engine, "Beta Sp. z o.o.")
    assert (beta.email, beta.email_domain) == ("kontakt@beta.pl", "beta.pl")
    assert partner(leads_engine, "Gamma").email == "biuro@gamma.pl"
    assert partner(leads_engine, "Alfa Nowa Nazwa") is None
    # Anna Nowak is there already, whatever the case; Piotr Lis is new to Beta.
    assert contacts(leads_engine, "Alfa") == ["Anna Nowak"]
    assert contacts(leads_engine, "Beta Sp. z o.o.") == ["Piotr Lis"]


def test_a_dry_run_sees_what_earlier_rows_would_have_filled(leads_engine, tmp_path, monkeypatch):
    monkeypatch.setattr(lead_import, "BATCH", 1)  # each row its own transaction: the dry run must remember
    leads_engine.import_leads(write_csv(tmp_path / "a.csv", ["Firma", "NIP"], [["Alfa", "5261041147"]]),
                              actor="manager")
    # Two rows of no shared key, both matching Alfa (by tax id, by name): the first fills the phone.
    rows = [["Alfa Polska", "5261041147", "600 123 456"], ["Alfa", "", "601 000 000"]]
    path = write_csv(tmp_path / "b.csv", ["Firma", "NIP", "Telefon"], rows)
    dry = leads_engine.import_leads(path, actor="manager", dry_run=True)
    assert partner(leads_engine, "Alfa").phone is None
    real = leads_engine.import_leads(path, actor="manager")
    assert dry.summary == real.summary == "created 0, updated 1, unchanged 1, duplicates 0, rejected 0"
    assert partner(leads_engine, "Alfa").phone == "+48600123456"


def test_a_revert_restores_what_nobody_changed_since_and_deletes_what_it_created(leads_engine, tmp_path):
    _, second = both(leads_engine, tmp_path)
    beta = partner(leads_engine, "Beta Sp. z o.o.")
    leads_engine.update_partner(beta.id, actor="admin", email="zarzad@beta.pl")  # changed since the import
    reverted = leads_engine.revert_lead_import(second.id, actor="admin")
    assert reverted.status == "reverted" and reverted.reverted_by == "admin" and not reverted.may_revert
    assert reverted.revert == {"deleted": 1, "archived": 0, "restored": 1, "kept": 1}
    assert partner(leads_engine, "Alfa").phone is None
    assert partner(leads_engine, "Beta Sp. z o.o.").email == "zarzad@beta.pl"
    assert partner(leads_engine, "Delta") is None
    assert contacts(leads_engine, "Beta Sp. z o.o.") == []  # the contact person it added goes too
    assert contacts(leads_engine, "Alfa") == ["Anna Nowak"]  # the first import's stays


def test_a_revert_archives_a_partner_something_else_uses(leads_engine, tmp_path):
    first = leads_engine.import_leads(write_csv(tmp_path / "first.csv", HEADER, FIRST), actor="manager")
    gamma = partner(leads_engine, "Gamma")
    leads_engine.add_partner_contact(gamma.id, actor="manager", name="Ola Kot")  # someone worked on it since
    reverted = leads_engine.revert_lead_import(first.id, actor="manager")
    assert reverted.revert == {"deleted": 2, "archived": 1, "restored": 0, "kept": 0}
    assert partner(leads_engine, "Gamma").status == "archived"
    assert contacts(leads_engine, "Gamma") == ["Ola Kot"]
    with leads_engine.context.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Partner)) == 1


def test_windows_1250_and_the_xlsx_sample(leads_engine, tmp_path):
    path = write_csv(tmp_path / "cp.csv", ["Nazwa firmy", "Miejscowość"], [["Żółta Łódź Sp. z o.o.", "Łódź"]],
                     encoding="cp1250")
    assert leads_engine.import_leads(path, actor="manager").created == 1
    assert partner(leads_engine, "Żółta Łódź Sp. z o.o.").city == "Łódź"
    view = leads_engine.import_leads(SAMPLE_XLSX, actor="manager")
    assert view.summary.startswith("created 12, updated 0, unchanged 0, duplicates 3, rejected 5 (rejects: ")


def test_a_file_past_the_row_cap_fails_with_a_clear_error(leads_engine, tmp_path, monkeypatch):
    monkeypatch.setenv("DEALFLOW_MAX_LEAD_ROWS", "2")
    path = write_csv(tmp_path / "a.csv", ["Firma"], [["Alfa"], ["Beta"], ["Gamma"]])
    with pytest.raises(FormError) as err:
        leads_engine.import_leads(path, actor="manager")
    assert err.value.fields == {"file": "the file has more than 2 rows; split it (DEALFLOW_MAX_LEAD_ROWS sets "
                                        "the limit)"}
    (failed,) = leads_engine.lead_imports(viewer="manager")
    assert failed.status == "failed" and "more than 2 rows" in failed.error and failed.created == 0


class PeekingClock:
    """The test clock, which also reads the import's progress through a second engine
    each time the import asks the time (inside each batch's transaction)."""

    def __init__(self, clock, db_url):
        self.clock, self.db_url, self.seen, self.other = clock, db_url, [], None

    def __call__(self):
        if self.other is not None:
            imports = self.other.lead_imports(viewer="admin")
            if imports:
                self.seen.append(imports[0].processed_rows)
        return self.clock()


def test_progress_is_committed_batch_by_batch_for_another_process_to_see(leads_engine, tmp_path, monkeypatch,
                                                                          db_url, clock):
    monkeypatch.setattr(lead_import, "BATCH", 2)
    peeking = PeekingClock(clock, db_url)
    leads_engine.context = type(leads_engine.context)(**{**leads_engine.context.__dict__, "clock": peeking})
    peeking.other = Engine(db_url)
    try:
        path = write_csv(tmp_path / "a.csv", ["Firma"], [[f"Firma {i}"] for i in range(7)])
        view = leads_engine.import_leads(path, actor="manager")
    finally:
        peeking.other.close()
    assert view.processed_rows == view.total_rows == 7
    assert [0, 2, 4, 6] == sorted(set(peeking.seen) & {0, 2, 4, 6})
