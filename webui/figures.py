"""A report table's cells as a page shows them (engine.views.pipeline_analysis.ReportTable):
amounts (Decimal) grouped like every other amount on the pages, counts grouped from ten
thousand, rates and days as computed, nothing as a dash; and which columns hold numbers,
so their headers line up with their cells (text columns stay left, numbers right).
The CSV and XLSX keep the raw values: a spreadsheet formats them itself."""

from __future__ import annotations

from decimal import Decimal
from numbers import Number

from webui.pages import money

THIN_SPACE = "\u202f"


def figure_cell(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}".replace(",", THIN_SPACE)
    return str(value)


def numeric_columns(table) -> list[bool]:
    """Per column: does it hold numbers (every cell a number or empty)? The first column
    names the row and is never one."""
    columns = []
    for index in range(len(table.headers)):
        cells = [row[index] for row in table.rows if index < len(row) and row[index] is not None]
        columns.append(index > 0 and all(isinstance(c, Number) and not isinstance(c, bool) for c in cells))
    return columns


def init_app(app) -> None:
    app.add_template_filter(figure_cell)
    app.add_template_global(numeric_columns)
