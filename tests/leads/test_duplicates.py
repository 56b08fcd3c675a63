"""In-file duplicates: the keys (tax id; name + city; e-mail domain) and the groups they form."""

from __future__ import annotations

import pytest

from engine.rules.leads import Lead, company_name, group_duplicates, keys


@pytest.mark.parametrize("name, folded", [
    ("Hurtownia Łąka Sp. z o.o.", "hurtownia laka"),
    ("HURTOWNIA ŁĄKA SPÓŁKA Z OGRANICZONĄ ODPOWIEDZIALNOŚCIĄ", "hurtownia laka"),
    ("Hurtownia Łąka sp.z o.o.", "hurtownia laka"),
    ("Hurtownia Łąka Sp.z.o.o", "hurtownia laka"),
    ("Orlen S.A.", "orlen"), ("Orlen SA", "orlen"), ("Kowalski i Nowak sp.j.", "kowalski i nowak"),
    ("Bar Pod Różą s.c.", "bar pod roza"), ("Müller Gastro GmbH & Co. KG", "muller gastro"),
    ("Northwind Traders Ltd.", "northwind traders"), ("Acme, Inc.", "acme"), ('"Żabka" Polska', "zabka polska"),
    ("S.A.", "s a"),  # nothing but a legal form: the name stays
])
def test_legal_forms_case_accents_and_punctuation_do_not_make_another_company(name, folded):
    assert company_name(name) == folded


def lead(row, name="Acme", **fields):
    return Lead(row=row, name=name, **fields)


def test_the_keys_of_a_lead():
    assert keys(lead(2, "Łąka Sp. z o.o.", tax_id="PL5261041147", city="Łódź", email="jan@laka.pl")) == (
        ("tax id", "PL5261041147"), ("name and city", "laka | lodz"), ("e-mail domain", "laka.pl"))


@pytest.mark.parametrize("domain", ["gmail.com", "wp.pl", "onet.pl", "o2.pl", "interia.pl", "outlook.com"])
def test_free_mail_domains_are_no_key(domain):
    assert ("e-mail domain", domain) not in keys(lead(2, email=f"jan@{domain}"))


def test_leads_sharing_a_tax_id_a_name_and_city_or_a_company_domain_are_grouped():
    leads = [
        lead(2, "Łąka Sp. z o.o.", tax_id="PL5261041147", city="Kraków"),
        lead(3, "Other", tax_id="PL5261041443", city="Gdańsk", email="a@other.pl"),
        lead(4, "ŁĄKA spółka z ograniczoną odpowiedzialnością", city="KRAKÓW"),   # name + city of row 2
        lead(5, "Something else", tax_id="PL5261041147"),                          # tax id of row 2
        lead(6, "Third", email="b@OTHER.pl".lower()),                              # domain of row 3
        lead(7, "Łąka", city="Łódź"),                                              # same name, other city
        lead(8, "Fourth", email="x@gmail.com"), lead(9, "Fifth", email="y@gmail.com"),  # free mail
    ]
    groups = group_duplicates(leads)
    assert [g.rows for g in groups] == [(2, 4, 5), (3, 6)]
    assert set(groups[0].keys) == {("tax id", "PL5261041147"), ("name and city", "laka | krakow")}
    assert groups[1].keys == (("e-mail domain", "other.pl"),)


def test_a_chain_of_different_keys_is_one_group_kept_by_its_first_row():
    leads = [lead(10, "Alfa", email="a@alfa.pl"), lead(11, "Beta", email="b@alfa.pl", tax_id="PL5261041147"),
             lead(3, "Gamma", tax_id="PL5261041147")]
    assert [g.rows for g in group_duplicates(leads)] == [(3, 10, 11)]


def test_no_duplicates_no_groups():
    assert group_duplicates([lead(2, "A"), lead(3, "B")]) == []
    assert group_duplicates(iter([])) == []
