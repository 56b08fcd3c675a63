"""Lead files written at test time (nothing binary is kept in the repository)."""

from __future__ import annotations

import datetime
from pathlib import Path

from openpyxl import Workbook

HEADER = ["Nazwa firmy", "NIP", "E-mail", "Miejscowość"]
ROWS = [["Łódzka Spółdzielnia Ąę", "526-104-11-47", "biuro@lodzka.pl", "Łódź"],
        ["Żółta Źrebięca Sp. z o.o.", "5261041443", "ZOLTA@ZRE.PL", "Gdańsk"]]


def write_text(path: Path, rows, *, delimiter: str = ",", encoding: str = "utf-8", bom: bool = False) -> Path:
    lines = [delimiter.join(row) for row in rows]
    data = "\r\n".join(lines).encode(encoding)
    path.write_bytes(("\ufeff".encode(encoding) if bom else b"") + data)
    return path


def write_xlsx(path: Path, rows, *, title_rows: int = 0, hidden_first: bool = False) -> Path:
    book = Workbook()
    sheet = book.active
    if hidden_first:
        sheet.title = "hidden"
        sheet.append(["not", "this", "one"])
        sheet.sheet_state = "hidden"
        sheet = book.create_sheet("Leady")
    for _ in range(title_rows):
        sheet.append([])
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


SAMPLE_DATE = datetime.date(2026, 12, 4)
