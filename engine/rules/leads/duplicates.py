"""When two leads are the same company: the keys that say so, and the groups they form.

    tax id          the normal form ``values.tax_id`` gives (PL1234563218 however typed)
    name + city     the name folded, its legal form dropped ("ACME Sp. z o.o." and
                    "Acme spółka z ograniczoną odpowiedzialnością" are "acme"),
                    with the city folded ("Łódź" = "LODZ")
    e-mail domain   the address's domain, unless it is a free-mail one (gmail.com,
                    wp.pl, onet.pl, …) that thousands of unrelated people share

Two leads sharing any key are one company, and so, transitively, are all leads linked
by a chain of shared keys. ``group_duplicates`` keeps only row numbers and a 16-byte
digest of each key, not the leads, so it runs over a streamed file in little memory
(≈ 0.4 KiB a lead).
"""

from __future__ import annotations

from dataclasses import dataclass
from hashlib import blake2b
from typing import Iterable

from engine.rules.leads.folding import words
from engine.rules.leads.validation import Lead

FREE_MAIL = frozenset({
    # Poland
    "wp.pl", "o2.pl", "onet.pl", "onet.eu", "op.pl", "poczta.onet.pl", "vp.pl", "interia.pl", "interia.eu",
    "interia.com", "poczta.fm", "tlen.pl", "gazeta.pl", "go2.pl", "buziaczek.pl", "autograf.pl", "spoko.pl",
    "int.pl", "vip.onet.pl", "amorki.pl", "adres.pl", "pocztaonet.pl",
    # elsewhere
    "gmail.com", "googlemail.com", "outlook.com", "outlook.pl", "hotmail.com", "live.com", "msn.com",
    "yahoo.com", "ymail.com", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me", "protonmail.com",
    "gmx.de", "gmx.net", "gmx.com", "web.de", "t-online.de", "mail.com", "mail.ru", "yandex.ru",
    "yandex.com", "seznam.cz", "centrum.cz", "zoho.com", "fastmail.com", "tutanota.com",
})

# Legal forms as words (punctuation already gone: "sp. z o.o." is sp z o o), dropped
# from the end of a name, longest first, repeatedly ("GmbH & Co. KG").
LEGAL_FORMS = tuple(sorted((tuple(form.split()) for form in (
    "sp z o o", "spzoo", "sp zoo", "spolka z ograniczona odpowiedzialnoscia", "s a", "sa", "spolka akcyjna",
    "sp j", "spolka jawna", "sp k", "spolka komandytowa", "s k a", "ska", "spolka komandytowo akcyjna",
    "sp p", "spolka partnerska", "s c", "spolka cywilna", "sp", "spolka",
    "gmbh", "ag", "kg", "ohg", "ug", "e k", "co", "ltd", "limited", "llc", "llp", "inc", "corp",
    "corporation", "plc", "s r o", "sro", "a s", "sarl", "s a r l", "sas", "b v", "bv", "n v", "nv",
    "s p a", "spa", "s r l", "srl", "oy", "ab", "as", "aps", "kft", "zrt", "d o o", "doo")),
    key=len, reverse=True))
_FORMS_BY_LAST_WORD: dict[str, list[tuple[str, ...]]] = {}
for _form in LEGAL_FORMS:
    _FORMS_BY_LAST_WORD.setdefault(_form[-1], []).append(_form)


@dataclass(frozen=True)
class DuplicateGroup:
    rows: tuple[int, ...]                    # row numbers in file order; the first is the one kept
    keys: tuple[tuple[str, str], ...]        # (kind, value) of every key two of them shared


def company_name(name: str) -> str:
    """``name`` folded, its trailing legal forms dropped; the whole name if nothing else is left."""
    tokens = words(name)
    while len(tokens) > 1:
        form = next((f for f in _FORMS_BY_LAST_WORD.get(tokens[-1], ())
                     if len(tokens) > len(f) and tokens[-len(f):] == f), None)
        if form is None:
            break
        tokens = tokens[:-len(form)]
    return " ".join(tokens)


def keys(lead: Lead) -> tuple[tuple[str, str], ...]:
    found = []
    if lead.tax_id:
        found.append(("tax id", lead.tax_id))
    name = company_name(lead.name)
    if name:  # a name of punctuation alone says nothing
        found.append(("name and city", f"{name} | {' '.join(words(lead.city or ''))}"))
    if lead.email:
        domain = lead.email.rpartition("@")[2]
        if domain not in FREE_MAIL:
            found.append(("e-mail domain", domain))
    return tuple(found)


def group_duplicates(leads: Iterable[Lead]) -> list[DuplicateGroup]:
    """The groups of two or more leads that are one company, in the order of their
    first rows (union-find over row numbers: a key seen again joins its row's group)."""
    parent: dict[int, int] = {}
    first_row_of: dict[bytes, int] = {}                 # a key's digest -> the first row with it
    shared: dict[tuple[str, str], int] = {}             # keys seen twice -> that first row

    def root(row: int) -> int:
        while parent[row] != row:
            parent[row] = parent[parent[row]]
            row = parent[row]
        return row

    for lead in leads:
        parent[lead.row] = lead.row
        for key in keys(lead):
            digest = blake2b(f"{key[0]}\x00{key[1]}".encode(), digest_size=16).digest()
            earlier = first_row_of.setdefault(digest, lead.row)
            if earlier != lead.row:
                shared.setdefault(key, earlier)
                a, b = root(earlier), root(lead.row)
                if a != b:
                    parent[max(a, b)] = min(a, b)  # the earliest row stays the group's root
    members: dict[int, list[int]] = {}
    for row in parent:
        members.setdefault(root(row), []).append(row)
    group_of = {row: top for top, rows in members.items() for row in rows}
    group_keys: dict[int, list[tuple[str, str]]] = {}
    for key, first in shared.items():
        group_keys.setdefault(group_of[first], []).append(key)
    return [DuplicateGroup(tuple(sorted(rows)), tuple(group_keys[top]))
            for top, rows in sorted(members.items()) if len(rows) > 1]
