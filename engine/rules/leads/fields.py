"""The fields of a lead and the column names, in English and Polish, that mean each.

A column's name is compared folded (``folding.folded``): case, accents and
punctuation do not count, so "E-mail", "EMAIL" and "e_mail" are one name and
"Miejscowość" matches "miejscowosc". The field's own id ("tax_id") is a synonym too,
so a file exported by Dealflow reads back without a mapping.
"""

from __future__ import annotations

from engine.rules.leads.folding import folded

# field id -> what a person calls it (for messages), then the column names meaning it.
_CATALOGUE: dict[str, tuple[str, tuple[str, ...]]] = {
    "name": ("company name", (
        "company", "company name", "name", "organisation", "organization", "account", "account name",
        "business name", "customer", "firma", "nazwa firmy", "nazwa", "nazwa klienta", "klient",
        "kontrahent", "nazwa kontrahenta", "partner")),
    "tax_id": ("tax id", (
        "tax id", "tax number", "tax no", "vat", "vat id", "vat number", "vat no", "vat ue", "nip",
        "nr nip", "numer nip", "nip ue", "nip vat")),
    "regon": ("REGON", ("regon", "nr regon", "numer regon")),
    "email": ("e-mail", (
        "email", "e mail", "mail", "email address", "e mail address", "adres email", "adres e mail",
        "poczta", "poczta e mail")),
    "phone": ("phone", (
        "phone", "phone number", "telephone", "tel", "mobile", "cell", "telefon", "nr tel",
        "nr telefonu", "numer telefonu", "telefon komorkowy", "komorka", "tel kom")),
    "city": ("city", ("city", "town", "locality", "miasto", "miejscowosc")),
    "street": ("street", ("street", "address", "street address", "address line 1", "ulica", "adres",
                          "ulica i numer")),
    "postal_code": ("postal code", ("postal code", "postcode", "post code", "zip", "zip code",
                                    "kod pocztowy", "kod")),
    "country": ("country", ("country", "kraj", "panstwo")),
    "contact_person": ("contact person", (
        "contact", "contact person", "contact name", "full name", "first and last name",
        "osoba kontaktowa", "kontakt", "imie i nazwisko", "osoba do kontaktu")),
    "industry": ("industry", ("industry", "sector", "branza", "sektor")),
    "source": ("source", ("source", "lead source", "zrodlo", "zrodlo leada", "zrodlo pozyskania")),
    "territory": ("territory", ("territory", "region", "state", "province", "wojewodztwo", "obszar",
                                "teren")),
    "channel": ("channel", ("channel", "sales channel", "kanal", "kanal sprzedazy")),
    "notes": ("notes", ("notes", "note", "comment", "comments", "remarks", "description", "uwagi",
                        "notatki", "notatka", "komentarz", "opis")),
}

FIELDS: tuple[str, ...] = tuple(_CATALOGUE)
LABELS: dict[str, str] = {field: label for field, (label, _) in _CATALOGUE.items()}

# "ignore" (or "-") in an override keeps a column out of the import on purpose.
IGNORE = "ignore"


def _synonyms() -> dict[str, str]:
    table: dict[str, str] = {}
    for field, (_, names) in _CATALOGUE.items():
        for name in (field, *names):
            key = folded(name)
            assert table.get(key, field) == field, f"{name!r} would mean two fields"
            table[key] = field
    return table


SYNONYMS: dict[str, str] = _synonyms()


def field_named(name: str) -> str | None:
    """The field a column name (or a field id) means, or None."""
    return SYNONYMS.get(folded(name))
