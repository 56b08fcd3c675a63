"""The rejects file: every row the import refused, why, and its values as they were.

    row, column, reason, <the file's own columns…>

One line per refused row, so a person fixes the values in place and imports the file
again (the three leading columns match no lead field and are reported as unknown).
A row with several problems names them in the same cell, one per line, columns and
reasons in the same order. Written as UTF-8 with a byte-order mark, which Excel needs
to show Polish letters; created only when the first row is refused.

Spreadsheet formulas: a value that starts with "=", "@", a tab or a carriage return,
or with "+" or "-" followed by more than a number, would run as a formula when the
file is opened in Excel (CSV injection); such a value is written behind an apostrophe,
which ``read_rejects`` removes again. Phone numbers ("+48 600 123 456") stay as typed.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Iterable

from engine.rules.leads.validation import Rejected

LEADING = ("row", "column", "reason")
_NUMBER_LIKE = re.compile(r"[+-][0-9 ()./+-]*")
_FORMULA_START = ("=", "@", "\t", "\r", "+", "-")


def neutralised(value: str) -> str:
    if value.startswith(_FORMULA_START) and not _NUMBER_LIKE.fullmatch(value):
        return "'" + value
    return value


def restored(value: str) -> str:
    if value.startswith("'") and value[1:].startswith(_FORMULA_START) and not _NUMBER_LIKE.fullmatch(value[1:]):
        return value[1:]
    return value


class RejectsWriter:
    """``with RejectsWriter(path, header) as out: out.add(rejected)``; ``count`` says how
    many rows went in, ``path`` is None while none has."""

    def __init__(self, path: str | Path, header: Iterable[str], delimiter: str = ","):
        self.target = Path(path)
        self.header = tuple(header)
        self.delimiter = delimiter
        self.count = 0
        self._file = None
        self._writer = None

    @property
    def path(self) -> Path | None:
        return self.target if self.count else None

    def add(self, rejected: Rejected) -> None:
        if self._writer is None:
            self._file = self.target.open("w", encoding="utf-8-sig", newline="")
            self._writer = csv.writer(self._file, delimiter=self.delimiter)
            self._writer.writerow([neutralised(v) for v in (*LEADING, *self.header)])
        columns = "\n".join(column for column, _ in rejected.problems)
        reasons = "\n".join(reason for _, reason in rejected.problems)
        self._writer.writerow([str(rejected.row), neutralised(columns), neutralised(reasons),
                               *(neutralised(v) for v in rejected.values)])
        self.count += 1

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = self._writer = None

    def __enter__(self) -> "RejectsWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def write_rejects(path: str | Path, header: Iterable[str], rejected: Iterable[Rejected],
                  delimiter: str = ",") -> int:
    """All of ``rejected`` written to ``path``; how many (no file when none)."""
    with RejectsWriter(path, header, delimiter) as out:
        for item in rejected:
            out.add(item)
    return out.count


def read_rejects(path: str | Path, delimiter: str = ",") -> tuple[tuple[str, ...], list[Rejected]]:
    """A rejects file read back: the original header and every refused row."""
    with Path(path).open("r", encoding="utf-8-sig", newline="") as file:
        reader = csv.reader(file, delimiter=delimiter)
        header = tuple(restored(v) for v in next(reader))[len(LEADING):]
        found = []
        for line in reader:
            row, columns, reasons, *values = (restored(v) for v in line)
            found.append(Rejected(int(row), tuple(zip(columns.split("\n"), reasons.split("\n"))), tuple(values)))
    return header, found
