"""Call and mailing lists, and the bulk archival of inactive prospects (M11): what a
saved list's name, purpose and the archival's months must look like, which partners
an export shows and how, and since when a prospect counts as inactive. Pure: no
database; the service hands in plain rows.

    purpose     "call" (everyone, with a phone if they have one) or "mailing" (only
                partners reachable by e-mail: the first active contact with an
                address, else the partner's own address)
    columns     name, tax id, city, contact, function, phone, e-mail, owner
    cutoff      N calendar months before now (31 March - 1 month = 28/29 February)
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Sequence

from engine.errors import FormError
from engine.rules import inputs

PURPOSES = ("call", "mailing")
MAX_LIST_NAME = 120      # saved_partner_lists.name
MAX_MONTHS = 120         # ten years: anything longer is a typing mistake
EXPORT_FORMATS = ("csv", "xlsx")
HEADER = ("Partner", "Tax id", "City", "Contact", "Function", "Phone", "E-mail", "Owner")


@dataclass(frozen=True)
class ContactFacts:
    """A contact person as the export sees one (active ones only, oldest first)."""

    name: str
    function: str
    email: str | None
    phone: str | None


@dataclass(frozen=True)
class PartnerFacts:
    """A partner as the export sees it."""

    id: int
    name: str
    tax_id: str | None
    city: str | None
    email: str | None
    phone: str | None
    owner: str | None
    contacts: tuple[ContactFacts, ...] = ()


@dataclass(frozen=True)
class ListEntry:
    """One line of a call or mailing list: the partner and whom to call or write to."""

    partner_id: int
    partner: str
    tax_id: str
    city: str
    contact: str
    function: str
    phone: str
    email: str
    owner: str

    def cells(self) -> tuple[str, ...]:
        return (self.partner, self.tax_id, self.city, self.contact, self.function, self.phone, self.email,
                self.owner)


# --- checking what a person typed -------------------------------------------------------

def list_name(value: object) -> str:
    return inputs.text(value, "name", limit=MAX_LIST_NAME)  # type: ignore[return-value]


def purpose(value: object) -> str:
    if value not in PURPOSES:
        raise FormError({"purpose": f"choose one of: {', '.join(PURPOSES)}"})
    return value  # type: ignore[return-value]


def export_format(value: object) -> str:
    if value not in EXPORT_FORMATS:
        raise FormError({"format": f"choose one of: {', '.join(EXPORT_FORMATS)}"})
    return value  # type: ignore[return-value]


def months(value: object) -> int:
    """A whole number of months from 1 to MAX_MONTHS (digits typed in a form too)."""
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_MONTHS:
        raise FormError({"months": f"enter a whole number of months from 1 to {MAX_MONTHS}"})
    return value


# --- inactivity ---------------------------------------------------------------------------

def months_before(now: datetime, count: int) -> datetime:
    """``now`` moved back ``count`` calendar months, the day clamped to the month's
    length (31 March - 1 month = the last day of February)."""
    index = now.year * 12 + (now.month - 1) - count
    year, month = divmod(index, 12)
    day = min(now.day, calendar.monthrange(year, month + 1)[1])
    return now.replace(year=year, month=month + 1, day=day)


# --- the list's lines -------------------------------------------------------------------------

def entries(partners: Iterable[PartnerFacts], list_purpose: str) -> list[ListEntry]:
    """The list's lines, one per partner; a mailing list leaves out partners nobody
    can be written to."""
    lines = []
    for partner in partners:
        line = entry(partner, list_purpose)
        if line is not None:
            lines.append(line)
    return lines


def entry(partner: PartnerFacts, list_purpose: str) -> ListEntry | None:
    """Whom to reach at ``partner``: for a call list the first contact (with a phone,
    if any has one), for a mailing list the first with an e-mail address; None when a
    mailing list has nobody to write to."""
    contact = _main_contact(partner.contacts, "email" if list_purpose == "mailing" else "phone")
    email = (contact.email if contact and contact.email else None) or partner.email
    if list_purpose == "mailing" and not email:
        return None
    if list_purpose == "mailing" and contact is not None and not contact.email:
        contact = None  # the address is the partner's own, not this person's
    phone = (contact.phone if contact and contact.phone else None) or partner.phone
    return ListEntry(partner_id=partner.id, partner=partner.name, tax_id=partner.tax_id or "",
                     city=partner.city or "", contact=contact.name if contact else "",
                     function=contact.function if contact else "", phone=phone or "", email=email or "",
                     owner=partner.owner or "")


def _main_contact(contacts: Sequence[ContactFacts], wanted: str) -> ContactFacts | None:
    for contact in contacts:
        if getattr(contact, wanted):
            return contact
    return contacts[0] if contacts else None


def file_name(name: str, extension: str) -> str:
    """A download's file name from the list's name: ASCII letters (accents dropped,
    "Północ" is "Polnoc"), digits, '-' and '_' only, any other run of characters one '-'."""
    plain = unicodedata.normalize("NFKD", name.replace("ł", "l").replace("Ł", "L"))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    safe = re.sub(r"[^A-Za-z0-9_]+", "-", plain).strip("-")
    return f"{safe or 'partners'}.{extension}"
