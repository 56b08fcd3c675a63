"""One row of a lead file -> a clean ``Lead``, or a ``Rejected`` naming every problem.

Every value is trimmed (and, except notes, its runs of spaces made one); texts must be
storable and fit their columns (``engine.rules.inputs.text``); the company name is
required; e-mail, phone, country, postal code, tax id and REGON are checked and
normalised in ``values``. The country is read first, since it says how to read the
phone, postal code and tax id; a row with no country is taken as Polish (the import's
``default_country``). A row is rejected as a whole, with every problem at once, as
(column, reason) pairs using the file's own column names; the original values go
with it to the rejects file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from engine.errors import FormError
from engine.rules import inputs
from engine.rules.leads import values as normal
from engine.rules.leads.columns import ColumnMap
from engine.rules.leads.table import SourceRow

# Characters each field may hold (what the partner card's columns will hold).
LIMITS = {"name": inputs.MAX_PARTNER, "tax_id": 40, "regon": 20, "email": normal.MAX_EMAIL, "phone": 40,
          "city": 120, "street": 300, "postal_code": 20, "country": 60, "contact_person": 200,
          "industry": 120, "source": 120, "territory": 120, "channel": 120, "notes": inputs.MAX_REASON}
_MESSY_SPACE = re.compile(r"\s\s|[^\S ]")         # two spaces in a row, or a tab, newline, NBSP…

# Normalisers take the value and the row's country (or the import's default).
_NORMALISE: dict[str, Callable[[str, str | None], str]] = {
    "country": lambda text, _: normal.country(text),
    "email": lambda text, _: normal.email(text),
    "phone": normal.phone,
    "postal_code": normal.postal_code,
    "tax_id": normal.tax_id,
    "regon": lambda text, _: normal.regon(text),
}
ORDER = ("country", "name", "email", "phone", "postal_code", "tax_id", "regon", "city", "street",
         "contact_person", "industry", "source", "territory", "channel", "notes")


@dataclass(frozen=True)
class Lead:
    row: int
    name: str
    tax_id: str | None = None
    regon: str | None = None
    email: str | None = None
    phone: str | None = None
    city: str | None = None
    street: str | None = None
    postal_code: str | None = None
    country: str | None = None
    contact_person: str | None = None
    industry: str | None = None
    source: str | None = None
    territory: str | None = None
    channel: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class Rejected:
    row: int
    problems: tuple[tuple[str, str], ...]   # (column as the file names it, reason)
    values: tuple[str, ...]                  # the row exactly as read


def validate_row(row: SourceRow, columns: ColumnMap, default_country: str = "PL") -> Lead | Rejected:
    return _validate(row, columns, _plan(columns), default_country)


def screen(rows: Iterable[SourceRow], columns: ColumnMap, default_country: str = "PL") -> Iterator[Lead | Rejected]:
    """Every row checked, lazily, in file order."""
    plan = _plan(columns)
    for row in rows:
        yield _validate(row, columns, plan, default_country)


def _plan(columns: ColumnMap) -> tuple[tuple[str, int, str], ...]:
    """(field, column index, column name) of each mapped field, in ORDER."""
    index = {field: i for i, field in columns.fields}
    return tuple((field, index[field], columns.names[field]) for field in ORDER if field in index)


def _validate(row: SourceRow, columns: ColumnMap, plan, default_country: str) -> Lead | Rejected:
    problems: list[tuple[str, str]] = []
    values = row.values
    width = len(values)
    if width > len(columns.header) and any(v.strip() for v in values[len(columns.header):]):
        problems.append(("row", f"{width} values but the header names {len(columns.header)} "
                                "columns (an unquoted delimiter inside a value?)"))
    # One search over the whole row for what no column can store (NUL, a lone
    # surrogate); only a row with one asks inputs.text which value holds it.
    storable = inputs.unstorable("".join(values)) is None
    clean: dict[str, str] = {}
    place = default_country
    for field, index, column in plan:  # the country first: it says how to read phone, postal code, tax id
        value = values[index] if index < width else ""
        text = value.strip()
        if not text:
            continue
        normalise = _NORMALISE.get(field)
        # A value to normalise may be longer as typed ("+48 (22) 123-45-67"); its
        # normal form is held to the limit below.
        limit = LIMITS[field] if normalise is None else 1000
        try:
            if not storable or len(text) > limit:
                inputs.text(value, column, limit=limit)  # raises with the reason
            if field != "notes" and _MESSY_SPACE.search(text):
                text = " ".join(text.split())
            if normalise is not None:
                text = normalise(text, place)
                if len(text) > LIMITS[field]:
                    raise ValueError(f"enter at most {LIMITS[field]} characters")
        except FormError as err:
            problems.append((column, err.fields[column]))
            continue
        except ValueError as err:
            problems.append((column, str(err)))
            continue
        clean[field] = text
        if field == "country":
            place = text
    if "name" not in clean and not any(column == columns.names.get("name") for column, _ in problems):
        problems.insert(0, (columns.names.get("name", "name"), inputs.REQUIRED))
    if problems:
        return Rejected(row.number, tuple(problems), row.values)
    return Lead(row=row.number, **clean)

