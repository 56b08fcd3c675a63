"""Opening a lead file: CSV or XLSX, told apart by the file's first bytes, not its name.

    with open_table(path) as table:
        table.header            # the column names as the file has them
        for row in table.rows:  # SourceRow(number, values), streamed
            ...

An XLSX workbook is a ZIP archive; anything else that is text is read as CSV; the rest
(an old .xls, a PDF, an image, an empty file) is one ``FormError`` on the field "file", naming the file.
"""

from __future__ import annotations

from pathlib import Path

from engine.rules.leads.csv_source import NOT_TEXT, open_csv
from engine.rules.leads.errors import file_error
from engine.rules.leads.table import Table
from engine.rules.leads.xlsx_source import open_xlsx

ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0"  # the old binary .xls (and .doc) container


def open_table(path: str | Path) -> Table:
    path = Path(path)
    try:
        with path.open("rb") as file:
            head = file.read(8)
    except OSError as err:
        raise file_error(f"{path}: {err.strerror or err}") from None
    if not head:
        raise file_error(f"{path.name} is empty")
    if head.startswith(ZIP):
        return open_xlsx(path)
    if head.startswith(OLE):
        raise file_error(f"{path.name} is an old Excel .xls file: save it as .xlsx or CSV UTF-8")
    if head.startswith(b"%PDF"):
        raise file_error(NOT_TEXT.format(name=path.name))
    return open_csv(path)
