"""Matching a file's column names to lead fields: synonyms, overrides, unknown and doubled columns."""

from __future__ import annotations

import pytest

from engine.errors import FormError
from engine.rules.leads import FIELDS, match_columns, parse_overrides
from engine.rules.leads.validation import LIMITS, ORDER


@pytest.mark.parametrize("column, field", [
    ("Company", "name"), ("Nazwa firmy", "name"), ("FIRMA", "name"), ("nazwa", "name"), ("Kontrahent", "name"),
    ("E-mail", "email"), ("email", "email"), ("Adres e-mail", "email"), ("E_MAIL", "email"),
    ("Phone", "phone"), ("Telefon", "phone"), ("Tel.", "phone"), ("Nr tel.", "phone"),
    ("NIP", "tax_id"), ("Tax ID", "tax_id"), ("VAT id", "tax_id"), ("nip:", "tax_id"), ("REGON", "regon"),
    ("City", "city"), ("Miasto", "city"), ("Miejscowość", "city"), ("MIEJSCOWOSC", "city"),
    ("Street", "street"), ("Ulica", "street"), ("Adres", "street"),
    ("Postal code", "postal_code"), ("Kod pocztowy", "postal_code"), ("ZIP", "postal_code"),
    ("Country", "country"), ("Kraj", "country"), ("Państwo", "country"),
    ("Contact person", "contact_person"), ("Osoba kontaktowa", "contact_person"),
    ("Imię i nazwisko", "contact_person"), ("Industry", "industry"), ("Branża", "industry"),
    ("Source", "source"), ("Źródło", "source"), ("Territory", "territory"), ("Region", "territory"),
    ("Województwo", "territory"), ("Channel", "channel"), ("Kanał", "channel"),
    ("Notes", "notes"), ("Uwagi", "notes"), ("  uwagi  ", "notes"), ("tax_id", "tax_id"),
])
def test_column_names_match_fields_whatever_their_case_accents_and_language(column, field):
    columns = match_columns([column])
    assert columns.fields == ((0, field),) and columns.unknown == ()


def test_unknown_columns_are_reported_not_lost_and_blank_names_are_not_columns():
    columns = match_columns(["Firma", "Opiekun (CRM)", "", "Data kontaktu"])
    assert columns.fields == ((0, "name"),)
    assert columns.unknown == ("Opiekun (CRM)", "Data kontaktu")
    assert columns.values(("Acme", "rep1", "", "2026-01-01")) == {"name": "Acme"}


def test_an_override_wins_over_the_synonyms_and_can_name_a_field_by_a_synonym():
    columns = match_columns(["Firma", "Adres", "Siedziba"],
                            parse_overrides(["adres=notes", "SIEDZIBA=miasto"]))
    assert columns.fields == ((0, "name"), (1, "notes"), (2, "city"))
    assert columns.names == {"name": "Firma", "notes": "Adres", "city": "Siedziba"}


def test_an_override_may_leave_a_column_out_on_purpose():
    columns = match_columns(["Firma", "E-mail", "Adres e-mail"], {"Adres e-mail": "ignore"})
    assert columns.fields == ((0, "name"), (1, "email"))
    assert columns.ignored == ("Adres e-mail",) and columns.unknown == ()
    assert match_columns(["Firma", "Uwagi"], {"Uwagi": "-"}).ignored == ("Uwagi",)


def test_a_field_two_columns_claim_is_an_error_that_says_how_to_choose():
    with pytest.raises(FormError) as caught:
        match_columns(["Firma", "E-mail", "Adres e-mail", "Mail"])
    assert caught.value.fields == {
        "Adres e-mail": "means email, as column 'E-mail' does: keep one with --map, e.g. --map \"Adres e-mail=ignore\"",
        "Mail": "means email, as column 'E-mail' does: keep one with --map, e.g. --map \"Mail=ignore\""}


def test_an_override_that_maps_a_second_column_onto_a_field_is_an_error_too():
    with pytest.raises(FormError) as caught:
        match_columns(["Firma", "Skrót"], {"Skrót": "name"})
    assert caught.value.fields["Skrót"].startswith("means name, as column 'Firma' does")


def test_every_mistake_in_the_overrides_is_named_at_once():
    with pytest.raises(FormError) as caught:
        match_columns(["Firma", "Mail"], {"Fax": "phone", "Mail": "emial", "Firma": "kolor"})
    assert caught.value.fields == {
        "Fax": "the file has no such column (its columns: Firma, Mail)",
        "Mail": "no lead field 'emial'; did you mean email?",
        "Firma": "no lead field 'kolor'; the fields: " + ", ".join(FIELDS),
    }


def test_an_override_must_be_written_column_equals_field():
    with pytest.raises(FormError) as caught:
        parse_overrides(["Firma", "=name", "Kod=postal_code", "Firma=", " = "])
    assert caught.value.fields == {
        "map": "write COLUMN=field, e.g. \"Nazwa firmy=name\", not 'Firma', '=name', 'Firma=', ' = '"}


def test_an_override_splits_at_the_last_equals_sign():
    assert parse_overrides(["Kod=ZIP=postal_code"]) == {"Kod=ZIP": "postal_code"}


def test_every_field_is_checked_and_has_a_limit():
    assert sorted(ORDER) == sorted(FIELDS) and set(LIMITS) == set(FIELDS)
