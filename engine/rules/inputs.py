"""What a value a person or another system typed must look like before Dealflow keeps
it: money, currency codes, texts and their lengths, record ids. Pure: the façade
checks its arguments with these, whoever called it (web form, JSON API, command
line); the adapters only show the ``FormError`` they raise, one message per field.

    money      Decimal, int or text of ASCII digits ("12500.00", "1e3"); never a float,
               a bool, NaN or infinity; at least 0, below MAX_AMOUNT (whole cents of
               it still fit the BIGINT column), at most two decimal places
    currency   three capital letters (ISO 4217), e.g. PLN
    percent    a whole number from 0 to 100: an int, an integral Decimal (46.0 in JSON)
               or ASCII digits with an optional "%"
    text       a string, trimmed; required or not; at most ``limit`` characters;
               never a NUL character or a lone surrogate (neither can be stored as
               text in PostgreSQL or encoded as UTF-8)
    record id  a whole number from 1 to MAX_ID (the INTEGER primary keys); larger
               ones cannot name a row (``is_record_id`` lets a use case say 404)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Callable, Mapping, TypeVar

from engine.errors import FormError

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal(10) ** 15  # exclusive: whole cents of an amount below it fit a signed 64-bit column
MAX_AMOUNT_TEXT = 40            # characters of an amount written as text
MAX_ID = 2 ** 31 - 1            # the primary keys are INTEGER columns (32-bit on PostgreSQL)

# Lengths: what the columns hold (engine/store/models.py) and the API promises.
MAX_TITLE = 300          # opportunities.title
MAX_PARTNER = 300        # opportunities.partner_name
MAX_USERNAME = 80        # users.username
MAX_DISPLAY_NAME = 200   # users.display_name
MAX_TEAM_NAME = 80       # teams.name
MAX_REASON = 2000        # a lost reason; an override's reason
# Free-form data kept as JSON (a deal's attributes, a form's data, questionnaire answers):
MAX_DATA_ITEMS = 200     # names in one object, items in one list
MAX_DATA_NAME = 100      # characters of a name
MAX_DATA_TEXT = 10_000   # characters of one text in it

REQUIRED = "this field is required"
AMOUNT_EXAMPLE = "enter an amount such as 12500.00"
CURRENCY_EXAMPLE = "enter a three-letter currency code such as PLN"
TEXT_EXPECTED = "enter text"
NUL_REFUSED = "remove the NUL character (\\x00); it cannot be stored"
SURROGATE_REFUSED = "remove the broken character (a lone UTF-16 surrogate); it cannot be stored"
ID_EXPECTED = f"enter a whole number from 1 to {MAX_ID}"
PERCENT_EXPECTED = "a whole number of percent from 0 to 100"

# ASCII digits only: Decimal() and int() would also take '١٢' and '1_000'.
_AMOUNT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?")
_CURRENCY = re.compile(r"[A-Z]{3}")
_WHOLE = re.compile(r"[0-9]{1,19}")
_PERCENT = re.compile(r"([0-9]{1,6})\s*%?")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _refuse(field: str, message: str):
    raise FormError({field: message})


# --- money ----------------------------------------------------------------------------

def money(value: object, field: str = "amount") -> Decimal:
    """An exact amount of at least 0, below MAX_AMOUNT, in whole cents."""
    if value is None or (isinstance(value, str) and not value.strip()):
        _refuse(field, REQUIRED)
    if isinstance(value, (bool, float)) or not isinstance(value, (str, int, Decimal)):
        _refuse(field, AMOUNT_EXAMPLE)  # a float has already lost its cents (0.1 + 0.2)
    if isinstance(value, str):
        text = value.strip()
        if len(text) > MAX_AMOUNT_TEXT or not _AMOUNT.fullmatch(text):
            _refuse(field, AMOUNT_EXAMPLE)
        try:
            value = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only what Decimal reads
            _refuse(field, AMOUNT_EXAMPLE)
    amount = Decimal(value)
    if not amount.is_finite():
        _refuse(field, AMOUNT_EXAMPLE)
    if amount < 0:
        _refuse(field, "enter an amount of 0 or more")
    if amount >= MAX_AMOUNT:
        _refuse(field, f"enter an amount below {MAX_AMOUNT:f}")
    if amount != amount.quantize(CENT):
        _refuse(field, "enter at most two decimal places")
    return amount.quantize(CENT) if amount else Decimal("0.00")


def currency(value: object, field: str = "currency") -> str:
    """An ISO 4217 code as Dealflow stores it: three capital ASCII letters."""
    if not isinstance(value, str) or not _CURRENCY.fullmatch(value):
        _refuse(field, CURRENCY_EXAMPLE)
    return value


_currency = currency  # for new_deal, whose argument has the same name


def percent(value: object, field: str = "probability") -> int:
    """A probability set by hand: a whole number of percent from 0 to 100."""
    number: object = None
    if isinstance(value, str):
        match = _PERCENT.fullmatch(value.strip())
        number = int(match.group(1)) if match else None
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        number = int(value)
    if number is None or not 0 <= number <= 100:  # type: ignore[operator]
        _refuse(field, PERCENT_EXPECTED)
    return number  # type: ignore[return-value]


# --- text -----------------------------------------------------------------------------

def unstorable(value: str) -> str | None:
    """What is wrong with ``value`` if it holds a character no database text column
    and no UTF-8 encoder takes (a NUL, or half of a UTF-16 surrogate pair); else None."""
    bad = _UNSTORABLE.search(value)
    if bad is None:
        return None
    return NUL_REFUSED if bad.group() == "\x00" else SURROGATE_REFUSED


def storable(value: str, field: str) -> str:
    """``value`` unchanged, unless it is ``unstorable``."""
    message = unstorable(value)
    if message is not None:
        _refuse(field, message)
    return value


def shown_name(name: str) -> str:
    """A field's name as a message may show it, whatever it holds (a NUL as \\x00,
    a lone surrogate as \\ud800)."""
    return name.replace("\x00", "\\x00").encode("utf-8", "backslashreplace").decode("utf-8")


def text(value: object, field: str, *, limit: int, required: bool = True) -> str | None:
    """``value`` trimmed; None when it is empty and not required."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            _refuse(field, REQUIRED)
        return None
    if not isinstance(value, str):
        _refuse(field, TEXT_EXPECTED)
    trimmed = storable(value, field).strip()
    if len(trimmed) > limit:
        _refuse(field, f"enter at most {limit} characters")
    return trimmed


def storable_data(value: object, field: str, *, depth: int = 0) -> object:
    """``value`` unchanged, if every text in it (keys too, at any depth) is
    ``storable`` and within the sizes above — for attributes and form data kept as
    JSON, read back with every view of the deal (a 50 MB attribute would be too)."""
    if depth > 32:
        _refuse(field, "nested too deeply")
    if isinstance(value, str):
        if len(value) > MAX_DATA_TEXT:
            _refuse(field, f"a text in it is longer than {MAX_DATA_TEXT} characters")
        return storable(value, field)
    if isinstance(value, (Mapping, list, tuple)) and len(value) > MAX_DATA_ITEMS:
        _refuse(field, f"send at most {MAX_DATA_ITEMS} names or items in one object or list")
    if isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str):
                storable(key, field)
                if len(key) > MAX_DATA_NAME:
                    _refuse(field, f"a name in it is longer than {MAX_DATA_NAME} characters")
            storable_data(item, field, depth=depth + 1)
    elif isinstance(value, (list, tuple)):
        for item in value:
            storable_data(item, field, depth=depth + 1)
    return value


# --- ids ------------------------------------------------------------------------------

def is_record_id(number: int) -> bool:
    """Whether ``number`` can be a row's id at all (a use case answers 'no such
    opportunity' for any other, without asking the database)."""
    return not isinstance(number, bool) and isinstance(number, int) and 1 <= number <= MAX_ID


def record_id(value: object, field: str = "id") -> int:
    """A row id typed as a number or ASCII digits, from 1 to MAX_ID."""
    if isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
        value = int(value.strip())
    if not is_record_id(value):  # type: ignore[arg-type]
        _refuse(field, ID_EXPECTED)
    return value  # type: ignore[return-value]


# --- several fields at once -----------------------------------------------------------

T = TypeVar("T")


class Fields:
    """Checks several fields and raises one FormError naming every field that does
    not fit, so a form shows them all at once::

        fields = Fields()
        title = fields.check(text, raw_title, "title", limit=MAX_TITLE)
        amount = fields.check(money, raw_amount)
        fields.done()   # FormError with both messages, if both were wrong
    """

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def check(self, rule: Callable[..., T], *args, **kwargs) -> T | None:
        try:
            return rule(*args, **kwargs)
        except FormError as err:
            for name, message in err.fields.items():
                self.errors.setdefault(name, message)
            return None

    def refuse(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def done(self) -> None:
        if self.errors:
            raise FormError(self.errors)


@dataclass(frozen=True)
class NewDeal:
    """A new opportunity's typed-in values, checked."""

    title: str
    amount: Decimal
    currency: str
    partner: str
    owner: str | None
    attributes: dict
    partner_attributes: dict


def new_deal(*, title: object, amount: object, currency: object = "PLN", partner: object,
             owner: object = None, attributes: object = None, partner_attributes: object = None) -> NewDeal:
    """What create_opportunity may take; one FormError naming every field that does not fit."""
    fields = Fields()
    values = dict(
        title=fields.check(text, title, "title", limit=MAX_TITLE),
        amount=fields.check(money, amount),
        currency=fields.check(_currency, currency),
        partner=fields.check(text, partner, "partner", limit=MAX_PARTNER),
        owner=fields.check(text, owner, "owner", limit=MAX_USERNAME, required=False))
    for name, given in (("attributes", attributes), ("partner_attributes", partner_attributes)):
        if given is not None and not isinstance(given, Mapping):
            fields.refuse(name, "send an object of names and values")
            given = None
        values[name] = dict(fields.check(storable_data, given or {}, name) or {})
    fields.done()
    return NewDeal(**values)
