"""Writes methodologies/samples/leads.xlsx, the XLSX twin of leads.csv: the same
header and rows, every cell a text cell (as a person would type a NIP or a postal
code into a column formatted as text), so both files import with the same counts:

    created 12, updated 0, unchanged 0, duplicates 3, rejected 5

One command (from the repository):  python bench/sample_leads_xlsx.py
The workbook's dates are fixed, so running it again writes the same cells and properties
(the ZIP entries' own timestamps still differ).
"""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

from openpyxl import Workbook

SAMPLES = Path(__file__).resolve().parents[1] / "methodologies" / "samples"
FIXED = datetime.datetime(2026, 12, 4, 12, 0, 0)


def main() -> Path:
    with (SAMPLES / "leads.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file, delimiter=";"))
    book = Workbook()
    sheet = book.active
    sheet.title = "Leady"
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows():
        for cell in cells:
            cell.number_format = "@"  # text: Excel keeps leading zeros and long digit strings
    book.properties.created = book.properties.modified = FIXED
    book.properties.creator = "Dealflow"
    target = SAMPLES / "leads.xlsx"
    book.save(target)
    return target


if __name__ == "__main__":
    print(main())
