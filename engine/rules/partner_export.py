"""A call or mailing list as a file: CSV or XLSX bytes, built in memory (a list is a
few thousand lines at most; the service reads them in one query anyway).

Spreadsheet formulas: a partner's name or a contact's function typed as "=HYPERLINK(…)"
must stay text when the file is opened in Excel or LibreOffice. The CSV writes such a
value behind an apostrophe (``engine.rules.leads.rejects.neutralised``, the rejects
file's rule; phone numbers such as "+48 600 100 200" stay as typed); the XLSX stores
every cell as a string cell, which no spreadsheet evaluates, so the value is kept exact.

CSV: UTF-8 with a byte-order mark (Excel needs it for Polish letters), comma-separated,
CRLF line ends. XLSX: openpyxl's write-only workbook, one sheet named after the list.
"""

from __future__ import annotations

import csv
import io
from typing import Iterable

from engine.rules.leads.rejects import neutralised
from engine.rules.partner_lists import HEADER, ListEntry

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SHEET_FORBIDDEN = set('[]:*?/\\')


def csv_bytes(lines: Iterable[ListEntry]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for line in lines:
        writer.writerow([neutralised(cell) for cell in line.cells()])
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(lines: Iterable[ListEntry], title: str) -> bytes:
    from openpyxl import Workbook  # only an export needs it
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title(title))
    sheet.append(list(HEADER))
    for line in lines:
        row = []
        for value in line.cells():
            # Control characters have no place in the file's XML: dropped.
            cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
            cell.data_type = "s"  # text, even when it starts with "=": never a formula
            row.append(cell)
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sheet_title(name: str) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if c in _SHEET_FORBIDDEN else c for c in name).strip().strip("'")
    return (cleaned or "Partners")[:31]
