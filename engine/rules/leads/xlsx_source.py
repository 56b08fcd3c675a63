"""XLSX lead files, read with python-calamine (Rust's calamine).

calamine parses the sheet in Rust, about twelve times faster than openpyxl's
read-only mode on a 100,000-row file (bench/import_leads.py and docs/benchmarks.md);
the price is that it holds the sheet's cells in Rust while Python sees one row at a
time. The first visible worksheet is read; its header is the first row of its used
range, and row numbers are the sheet's own.

Cells come back as the text a person sees: whole numbers without ".0" (a NIP or a
phone typed as a number), dates in ISO form, booleans as TRUE/FALSE.
"""

from __future__ import annotations

import datetime
import zipfile
from pathlib import Path
from typing import Iterator

from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from engine.rules.leads.errors import file_error
from engine.rules.leads.table import SourceRow, Table, is_blank


def cell_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return "" if value is None else str(value)


# What the workbook's parts may unpack to, by the archive's own directory. calamine
# holds the whole sheet in memory, so a small file unpacking to gigabytes (a "zip
# bomb") is refused before it is parsed. 100,000 leads in 14 columns unpack to ~80 MB.
MAX_UNPACKED = 1024 ** 3


def open_xlsx(path: Path) -> Table:
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, OSError) as err:
        raise file_error(f"{path.name} is not a readable XLSX workbook ({err})") from None
    if unpacked > MAX_UNPACKED:
        raise file_error(f"{path.name} unpacks to more than {MAX_UNPACKED // 1024 ** 3} GiB: "
                         "split it into smaller files, or save it as CSV")
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except (CalamineError, ValueError, OSError) as err:
        raise file_error(f"{path.name} is not a readable XLSX workbook ({err})") from None
    try:
        sheet = _first_sheet(workbook, path)
        # iter_rows starts at the sheet's row 1 (blank rows above the data included), so
        # a row's place in it is its number; tests/leads/test_reading.py holds this.
        rows = iter(sheet.iter_rows()) if sheet.start is not None else iter(())
        for offset, cells in enumerate(rows):
            values = tuple(cell_text(cell) for cell in cells)
            if not is_blank(values):
                header_row = offset + 1
                return Table(kind="xlsx", header=values, header_row=header_row,
                             rows=_rows(rows, header_row), close=workbook.close)
        raise file_error(f"{path.name} is empty: its first sheet has no header row")
    except BaseException:
        workbook.close()
        raise


def _first_sheet(workbook: CalamineWorkbook, path: Path):
    for meta in workbook.sheets_metadata:
        if meta.typ == SheetTypeEnum.WorkSheet and meta.visible == SheetVisibleEnum.Visible:
            try:
                return workbook.get_sheet_by_name(meta.name)
            except (CalamineError, ValueError) as err:
                raise file_error(f"{path.name}: sheet {meta.name!r} cannot be read ({err})") from None
    raise file_error(f"{path.name} has no visible worksheet")


def _rows(rows: Iterator[list], after: int) -> Iterator[SourceRow]:
    number = after
    for cells in rows:
        number += 1
        values = tuple(cell_text(cell) for cell in cells)
        if not is_blank(values):
            yield SourceRow(number, values)
