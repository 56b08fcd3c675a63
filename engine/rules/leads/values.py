"""One lead value as typed -> its normal form, or ``ValueError(reason)``.

Each function takes the text already trimmed and not empty. The reasons are written
for the person fixing the rejects file: what is wrong and what a right value looks
like. Tax ids are checked with python-stdnum (its check digits, lengths and formats
per country) rather than by patterns of our own.
"""

from __future__ import annotations

import re

import stdnum
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import InvalidChecksum, InvalidLength, ValidationError
from stdnum.pl import nip as pl_nip
from stdnum.pl import regon as pl_regon

from engine.rules.leads.folding import folded

MAX_EMAIL = 254  # RFC 5321's limit on a forward path

# ASCII addresses (local part as RFC 5322's dot-atom); an internationalised domain is
# checked once encoded to its ASCII (IDNA) form.
_EMAIL = re.compile(r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]")
_PHONE_CHARS = re.compile(r"\+?[0-9 ()./-]+")
_COUNTRY_CODE = re.compile(r"[A-Za-z]{2}")
_PL_POSTAL = re.compile(r"([0-9]{2})-?([0-9]{3})")
_PREFIX = re.compile(r"[A-Za-z]{2}")
_TAX_LABEL = re.compile(r"^\s*(?:nip|vat(?:\s*id)?|tax\s*id)\s*(?:ue|eu)?\s*[:.]?\s*(?=[A-Za-z]{0,2}[0-9])", re.IGNORECASE)

EMAIL_EXAMPLE = "enter one e-mail address such as jan.kowalski@firma.pl"
PHONE_EXAMPLE = "enter a phone number such as +48 600 123 456"

# Country names people write, folded, -> ISO 3166 code; a two-letter code is taken as is.
COUNTRY_NAMES = {
    "polska": "PL", "poland": "PL", "rzeczpospolita polska": "PL",
    "niemcy": "DE", "germany": "DE", "deutschland": "DE",
    "czechy": "CZ", "czech republic": "CZ", "czechia": "CZ", "republika czeska": "CZ",
    "slowacja": "SK", "slovakia": "SK", "litwa": "LT", "lithuania": "LT", "lotwa": "LV", "latvia": "LV",
    "estonia": "EE", "ukraina": "UA", "ukraine": "UA", "bialorus": "BY", "belarus": "BY",
    "austria": "AT", "wegry": "HU", "hungary": "HU", "francja": "FR", "france": "FR",
    "wlochy": "IT", "italy": "IT", "hiszpania": "ES", "spain": "ES", "portugalia": "PT", "portugal": "PT",
    "holandia": "NL", "niderlandy": "NL", "netherlands": "NL", "belgia": "BE", "belgium": "BE",
    "dania": "DK", "denmark": "DK", "szwecja": "SE", "sweden": "SE", "norwegia": "NO", "norway": "NO",
    "finlandia": "FI", "finland": "FI", "irlandia": "IE", "ireland": "IE", "szwajcaria": "CH",
    "switzerland": "CH", "wielka brytania": "GB", "united kingdom": "GB", "uk": "GB",
    "stany zjednoczone": "US", "usa": "US", "united states": "US", "rumunia": "RO", "romania": "RO",
    "bulgaria": "BG", "chorwacja": "HR", "croatia": "HR", "slowenia": "SI", "slovenia": "SI",
    "grecja": "GR", "greece": "GR",
}


def email(text: str) -> str:
    address = text.lower()
    if len(address) > MAX_EMAIL or address.count("@") != 1:
        raise ValueError(EMAIL_EXAMPLE)
    if not address.isascii():
        local, domain = address.split("@")
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            raise ValueError(EMAIL_EXAMPLE) from None
        address = f"{local}@{domain}"
    if not _EMAIL.fullmatch(address):
        raise ValueError(EMAIL_EXAMPLE)
    return address


def phone(text: str, country: str | None) -> str:
    """E.164-like: "+" and digits when the country code is known ("600 123 456" in
    Poland -> +48600123456), the digits alone otherwise."""
    if not _PHONE_CHARS.fullmatch(text):
        raise ValueError(PHONE_EXAMPLE)
    digits = re.sub(r"[^0-9]", "", text)
    international = text.startswith("+") or digits.startswith("00")
    if digits.startswith("00"):
        digits = digits[2:]
    if not international and country in (None, "PL"):
        if len(digits) == 10 and digits.startswith("0"):
            digits = digits[1:]          # an old trunk zero: 0 22 123 45 67
        if len(digits) == 9:
            digits, international = "48" + digits, True
    if not 7 <= len(digits) <= 15:      # E.164 allows at most 15 digits
        raise ValueError(PHONE_EXAMPLE)
    return ("+" if international else "") + digits


def country(text: str) -> str:
    if _COUNTRY_CODE.fullmatch(text):
        return text.upper()
    code = COUNTRY_NAMES.get(folded(text))
    if code is None:
        raise ValueError("enter the country as a two-letter code such as PL or DE")
    return code


def postal_code(text: str, country: str | None) -> str:
    if country not in (None, "PL"):
        return text
    match = _PL_POSTAL.fullmatch(text)
    if not match:
        raise ValueError("enter a Polish postal code such as 00-950 (if Excel dropped a leading zero, "
                         "format the column as text)")
    return f"{match.group(1)}-{match.group(2)}"


def tax_id(text: str, country: str | None) -> str:
    """The number with its country prefix, compact ("123-456-32-18" -> PL1234563218):
    one form whichever way it was typed, so that it finds duplicates. With no prefix
    the lead's country decides (Poland when none is given); a number of a country
    python-stdnum has no VAT module for is kept as typed, compacted, unchecked."""
    compact = re.sub(r"[\s./-]", "", _TAX_LABEL.sub("", text)).upper()
    prefix = compact[:2] if _PREFIX.fullmatch(compact[:2]) else None
    code = prefix or country or "PL"
    number = compact[2:] if prefix else compact
    try:
        if code == "PL":
            return "PL" + pl_nip.validate(number)
        if code.lower() in eu_vat.MEMBER_STATES or code == "EL":
            return eu_vat.validate(code + number)
        module = stdnum.get_cc_module(code.lower(), "vat")
        if module is None:
            return compact if prefix else code + compact
        return code + module.compact(module.validate(number))
    except ValidationError as err:
        raise ValueError(_tax_reason(err, code)) from None


def _tax_reason(err: ValidationError, code: str) -> str:
    what = "NIP" if code == "PL" else f"{code} VAT number"
    if isinstance(err, InvalidChecksum):
        return f"the {what}'s check digit does not match (a typo?)"
    if isinstance(err, InvalidLength):
        return f"a {what} has " + ("10 digits" if code == "PL" else "a different number of digits")
    return f"not a {what}: " + ("10 digits, e.g. 123-456-32-18" if code == "PL" else "check the number and its prefix")


def regon(text: str) -> str:
    try:
        return pl_regon.validate(text)
    except InvalidChecksum:
        raise ValueError("the REGON's check digit does not match (a typo?)") from None
    except ValidationError:
        raise ValueError("a REGON has 9 or 14 digits") from None
