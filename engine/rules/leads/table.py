"""What a lead file reads as, whatever its format: a header and rows streamed one by one.

Rows carry their number in the file as a spreadsheet shows it (1-based, the header
usually being row 1; blank rows are skipped but still counted, so the number is the
one a person finds in Excel). Values are the cells' text exactly as the file holds
it: the rejects file gives them back unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator


@dataclass(frozen=True)
class SourceRow:
    number: int
    values: tuple[str, ...]


class Table:
    """An open lead file. Use it as a context manager: it holds the file open while
    ``rows`` is iterated (lazily, once)."""

    def __init__(self, *, kind: str, header: tuple[str, ...], header_row: int, rows: Iterator[SourceRow],
                 close: Callable[[], None], encoding: str | None = None, delimiter: str | None = None):
        self.kind = kind              # "csv" or "xlsx"
        self.header = header
        self.header_row = header_row
        self.rows = rows
        self.encoding = encoding      # CSV only: the encoding the file was read in
        self.delimiter = delimiter    # CSV only: the delimiter found
        self._close = close

    def close(self) -> None:
        self._close()

    def __enter__(self) -> "Table":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def is_blank(values) -> bool:
    return all(not value.strip() for value in values)
