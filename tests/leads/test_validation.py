"""One row -> a clean lead, or every problem it has with the file's own column names."""

from __future__ import annotations

import dataclasses

import pytest

from engine.rules.leads import Lead, Rejected, SourceRow, match_columns, screen, validate_row

HEADER = ("Nazwa firmy", "NIP", "E-mail", "Telefon", "Miejscowość", "Kod pocztowy", "Kraj", "Uwagi", "REGON")
COLUMNS = match_columns(HEADER)


def row(**given) -> SourceRow:
    values = {"Nazwa firmy": "Acme", **given}
    return SourceRow(7, tuple(values.get(name, "") for name in HEADER))


def problems(**given):
    result = validate_row(row(**given), COLUMNS)
    assert isinstance(result, Rejected), result
    return dict(result.problems)


def test_a_good_row_becomes_a_clean_normalised_lead():
    lead = validate_row(row(**{"Nazwa firmy": "  Hurtownia   Łąka\u00a0Sp. z o.o. ", "NIP": "526-104-11-47",
                               "E-mail": " Biuro@Laka.PL ", "Telefon": "600 123 456", "Miejscowość": "Kraków",
                               "Kod pocztowy": "31147", "Kraj": "Polska", "Uwagi": "  dzwonić\n  rano ",
                               "REGON": "123456785"}), COLUMNS)
    assert lead == Lead(row=7, name="Hurtownia Łąka Sp. z o.o.", tax_id="PL5261041147", email="biuro@laka.pl",
                        phone="+48600123456", city="Kraków", postal_code="31-147", country="PL",
                        notes="dzwonić\n  rano", regon="123456785")
    with pytest.raises(dataclasses.FrozenInstanceError):
        lead.name = "other"  # type: ignore[misc]


@pytest.mark.parametrize("typed, clean", [
    ("5261041147", "PL5261041147"), ("PL 526 104 11 47", "PL5261041147"), ("pl5261041147", "PL5261041147"),
    ("526.104.11.47", "PL5261041147"), ("DE136695976", "DE136695976"), ("GB 980 7806 84", "GB980780684"),
    ("NIP: 526-104-11-47", "PL5261041147"), ("VAT ID DE136695976", "DE136695976"), ("nip ue PL5261041147", "PL5261041147"),
])
def test_tax_ids_are_one_form_however_they_were_typed(typed, clean):
    assert validate_row(row(NIP=typed), COLUMNS).tax_id == clean


def test_a_tax_id_without_prefix_is_read_by_the_rows_country():
    lead = validate_row(row(NIP="136695976", Kraj="Niemcy", Telefon="030 1234567", **{"Kod pocztowy": "10117"}),
                        COLUMNS)
    assert (lead.tax_id, lead.country, lead.phone, lead.postal_code) == ("DE136695976", "DE", "0301234567", "10117")


@pytest.mark.parametrize("typed, reason", [
    ("5261041148", "the NIP's check digit does not match (a typo?)"),
    ("526104114", "a NIP has 10 digits"),
    ("52610411AB", "not a NIP: 10 digits, e.g. 123-456-32-18"),
    ("DE136695977", "the DE VAT number's check digit does not match (a typo?)"),
    ("DE13669597", "a DE VAT number has a different number of digits"),
    ("NIP: 526-104-11-48", "the NIP's check digit does not match (a typo?)"),
])
def test_a_wrong_tax_id_says_what_is_wrong(typed, reason):
    assert problems(NIP=typed) == {"NIP": reason}


@pytest.mark.parametrize("typed", ["jan", "jan@", "@firma.pl", "jan kowalski@firma.pl", "a@b@c.pl",
                                   "jan@firma", "jan..k@firma.pl", "jan@-firma.pl", "Jan <jan@firma.pl>",
                                   "a@firma.pl; b@firma.pl"])
def test_a_bad_email_is_refused_with_an_example(typed):
    assert problems(**{"E-mail": typed}) == {"E-mail": "enter one e-mail address such as jan.kowalski@firma.pl"}


def test_an_email_with_a_polish_domain_is_kept_in_its_ascii_form():
    assert validate_row(row(**{"E-mail": "Biuro@Łąka.pl"}), COLUMNS).email == "biuro@xn--ka-ola7v.pl"


@pytest.mark.parametrize("typed, clean", [
    ("600123456", "+48600123456"), ("+48 600-123-456", "+48600123456"), ("0048 (22) 123 45 67", "+48221234567"),
    ("(0-22) 123 45 67", "+48221234567"), ("48 600 123 456", "48600123456"), ("+1 212 555 0134", "+12125550134"),
])
def test_phones_are_normalised(typed, clean):
    assert validate_row(row(Telefon=typed), COLUMNS).phone == clean


@pytest.mark.parametrize("typed", ["12 345", "600 123 456 wew. 12", "+48 600 123 456 789 012 345", "brak"])
def test_a_bad_phone_is_refused(typed):
    assert problems(Telefon=typed) == {"Telefon": "enter a phone number such as +48 600 123 456"}


def test_every_problem_of_a_row_is_named_at_once_under_the_files_column_names():
    assert problems(**{"Nazwa firmy": " ", "NIP": "123", "E-mail": "x", "Kod pocztowy": "3001",
                       "Kraj": "Atlantyda", "REGON": "123456789"}) == {
        "Kraj": "enter the country as a two-letter code such as PL or DE",
        "Nazwa firmy": "this field is required",
        "E-mail": "enter one e-mail address such as jan.kowalski@firma.pl",
        "Kod pocztowy": "enter a Polish postal code such as 00-950 (if Excel dropped a leading zero, "
                        "format the column as text)",
        "NIP": "a NIP has 10 digits",
        "REGON": "the REGON's check digit does not match (a typo?)",
    }


def test_a_missing_name_column_is_a_missing_name():
    columns = match_columns(["E-mail"])
    result = validate_row(SourceRow(2, ("a@firma.pl",)), columns)
    assert result == Rejected(2, (("name", "this field is required"),), ("a@firma.pl",))


def test_values_no_database_can_store_and_values_too_long_are_refused():
    assert problems(**{"Nazwa firmy": "Acme\x00"}) == {
        "Nazwa firmy": "remove the NUL character (\\x00); it cannot be stored"}
    assert problems(Uwagi="x" * 2001) == {"Uwagi": "enter at most 2000 characters"}
    assert problems(**{"Nazwa firmy": "y" * 301}) == {"Nazwa firmy": "enter at most 300 characters"}


def test_a_row_with_more_values_than_the_header_has_columns_is_refused():
    source = SourceRow(3, ("Kowalski", "", "", "", "", "", "", " Nowak sp.j.", "", "Kraków"))
    result = validate_row(source, COLUMNS)
    assert result.problems == (("row", "10 values but the header names 9 columns "
                                       "(an unquoted delimiter inside a value?)"),)
    assert result.values == source.values  # kept as read, for the rejects file


def test_a_rejected_row_keeps_its_original_values():
    source = row(**{"E-mail": "  NIE MA  "})
    assert validate_row(source, COLUMNS).values == source.values


def test_screen_checks_rows_lazily_in_order():
    results = screen(iter([row(), SourceRow(8, ("", "", "", "", "", "", "", "", ""))]), COLUMNS)
    assert isinstance(next(results), Lead)
    assert isinstance(next(results), Rejected)
