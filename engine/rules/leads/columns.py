"""Which column of a lead file holds which field.

Each header name is looked up among the synonyms of ``fields`` (case, accents and
punctuation aside). Overrides, written ``COLUMN=field`` as on the command line, win
over the synonyms; ``COLUMN=ignore`` (or ``COLUMN=-``) leaves a column out on
purpose. A column no name matches is kept in ``unknown`` so the import can say so,
and its values stay in the rejects file. A field two columns claim, an override
naming a column the file lacks or a field Dealflow does not know: every such problem
is raised at once, in one ``FormError`` keyed by the column (see ``errors``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from difflib import get_close_matches
from typing import Iterable, Mapping

from engine.errors import FormError
from engine.rules.leads.errors import MAP
from engine.rules.leads.fields import FIELDS, IGNORE, field_named
from engine.rules.leads.folding import folded


@dataclass(frozen=True)
class ColumnMap:
    header: tuple[str, ...]
    fields: tuple[tuple[int, str], ...]   # (column index, field), in column order
    unknown: tuple[str, ...]              # header names that match no field
    ignored: tuple[str, ...]              # header names left out by an override

    @cached_property
    def names(self) -> dict[str, str]:
        """field -> the file's name for the column holding it."""
        return {field: column_label(self.header, index) for index, field in self.fields}

    def values(self, row: tuple[str, ...]) -> dict[str, str]:
        """The row's value of every mapped field ("" for a cell the row lacks)."""
        return {field: row[index] if index < len(row) else "" for index, field in self.fields}


def column_label(header: tuple[str, ...], index: int) -> str:
    return header[index].strip() or f"column {index + 1}"


def parse_overrides(texts: Iterable[str]) -> dict[str, str]:
    """``["Adres=street", "Kod=postal_code"]`` -> {column: field}; a text without "="
    is refused."""
    overrides: dict[str, str] = {}
    bad = []
    for text in texts:
        column, sep, field = text.rpartition("=")
        if not sep or not column.strip() or not field.strip():
            bad.append(repr(text))
        else:
            overrides[column.strip()] = field.strip()
    if bad:
        raise FormError({MAP: f"write COLUMN=field, e.g. \"Nazwa firmy=name\", not {', '.join(bad)}"})
    return overrides


def match_columns(header: Iterable[str], overrides: Mapping[str, str] | None = None) -> ColumnMap:
    header = tuple(header)
    problems: dict[str, str] = {}
    chosen: dict[int, str] = {}
    for index, name in enumerate(header):
        field = field_named(name) if name.strip() else None
        if field is not None:
            chosen[index] = field
    for column, wanted in (overrides or {}).items():
        indexes = [i for i, name in enumerate(header) if folded(name) == folded(column)]
        field = IGNORE if wanted.strip() in ("-", IGNORE) else field_named(wanted)
        if not indexes:
            problems[column] = (f"the file has no such column (its columns: "
                                f"{', '.join(h for h in header if h.strip())})")
        elif field is None:
            hint = get_close_matches(folded(wanted), FIELDS, n=1)
            problems[column] = (f"no lead field {wanted!r}"
                                + (f"; did you mean {hint[0]}?" if hint else f"; the fields: {', '.join(FIELDS)}"))
        else:
            for index in indexes:
                chosen[index] = field
    by_field: dict[str, list[int]] = {}
    for index, field in sorted(chosen.items()):
        if field != IGNORE:
            by_field.setdefault(field, []).append(index)
    for field, indexes in by_field.items():
        first = column_label(header, indexes[0])
        for index in indexes[1:]:
            again = column_label(header, index)
            problems[again] = (f"means {field}, as column {first!r} does: keep one with --map, "
                               f"e.g. --map \"{again}=ignore\"")
    if problems:
        raise FormError(problems)
    return ColumnMap(
        header=header,
        fields=tuple((index, field) for index, field in sorted(chosen.items()) if field != IGNORE),
        unknown=tuple(column_label(header, i) for i in range(len(header)) if i not in chosen and header[i].strip()),
        ignored=tuple(column_label(header, i) for i, field in sorted(chosen.items()) if field == IGNORE))
