"""The analysis reports as tables — the numbers every chart draws, shown beside it
and downloaded — and those tables as CSV or XLSX bytes. Pure.

Amounts get one column per currency (``open PLN``, ``open EUR``): never added
across currencies. Rates are percentages with one decimal; the interval columns
are the 95 % Wilson interval of the win rate. Files follow the call lists'
conventions (engine.rules.partner_export): CSV in UTF-8 with a byte-order mark,
text that a spreadsheet would run as a formula written behind an apostrophe; XLSX
text as string cells (never formulas), numbers as numbers."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Iterable

from engine.rules.leads.rejects import neutralised
from engine.rules.partner_export import CSV_TYPE, XLSX_TYPE, sheet_title
from engine.views.pipeline_analysis import (CurrencyFigures, MethodologyReport, Outcomes, PipelineReport,
                                            ReportFile, ReportTable)

# The pipeline's sums come grouped from the database: the average cycle. The
# methodology comparison reads each closed deal's days: the median beside it.
OUTCOME_HEADERS = ("deals", "open", "won", "lost", "win rate %", "95% low %", "95% high %", "average cycle days")
MEDIAN_HEADERS = (*OUTCOME_HEADERS, "median cycle days")
FORMATS = ("csv", "xlsx")


def percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def _outcome_cells(o: Outcomes, with_median: bool = False) -> tuple:
    cells = (o.deals, o.open, o.won, o.lost, percent(o.win_rate), percent(o.interval_low),
             percent(o.interval_high), o.average_cycle_days)
    return (*cells, o.median_cycle_days) if with_median else cells


def _currencies(figures: Iterable[tuple[CurrencyFigures, ...]]) -> list[str]:
    return sorted({c.currency for row in figures for c in row})


def _money(figures: tuple[CurrencyFigures, ...], currencies: list[str], fields: tuple[str, ...]) -> tuple:
    by = {c.currency: c for c in figures}
    cells = []
    for currency in currencies:
        for name in fields:
            value = getattr(by[currency], name) if currency in by else None
            cells.append(value)
    return tuple(cells)


def _money_headers(currencies: list[str], fields: tuple[str, ...]) -> tuple[str, ...]:
    names = {"open_amount": "open", "weighted": "weighted", "won_amount": "won", "lost_amount": "lost",
             "won_average": "average won"}
    return tuple(f"{names[f]} {c}" for c in currencies for f in fields)


def pipeline_tables(report: PipelineReport) -> tuple[ReportTable, ...]:
    amounts = ("open_amount", "weighted", "won_amount", "lost_amount")
    group_currencies = _currencies(g.currencies for g in report.groups)
    groups = ReportTable(
        "groups", f"Pipeline by {report.group_label.lower()}",
        (report.group_label, *OUTCOME_HEADERS, *_money_headers(group_currencies, amounts)),
        tuple((g.label, *_outcome_cells(g.outcomes), *_money(g.currencies, group_currencies, amounts))
              for g in report.groups))
    stage_currencies = _currencies(s.currencies for s in report.stages)
    stages = ReportTable(
        "stages", "Stages: funnel, conversion and time in stage",
        ("methodology", "version", "stage", "outcome", "now in stage", "reached", "went on", "conversion %",
         "average days in stage", "finished stays", *_money_headers(stage_currencies, ("open_amount", "weighted"))),
        tuple((s.methodology_id, s.version_label, s.stage_name, s.outcome, s.now_in, s.reached, s.advanced,
               percent(s.conversion), s.average_days_in_stage, s.stays,
               *_money(s.currencies, stage_currencies, ("open_amount", "weighted"))) for s in report.stages))
    source_currencies = _currencies(s.won_revenue for s in report.sources)
    sources = ReportTable(
        "sources", "Lead sources: won revenue and win rate",
        ("source", "campaign", *OUTCOME_HEADERS, *_money_headers(source_currencies, ("won_amount",))),
        tuple((s.source, s.campaign, *_outcome_cells(s.outcomes),
               *_money(s.won_revenue, source_currencies, ("won_amount",))) for s in report.sources))
    trend = ReportTable(
        "trend", "Open pipeline over time (daily snapshots)", ("day", "currency", "open deals", "open", "weighted"),
        tuple((t.day.isoformat(), t.currency, t.deals, t.open_amount, t.weighted) for t in report.trend))
    return groups, stages, sources, trend


def methodology_tables(report: MethodologyReport) -> tuple[ReportTable, ...]:
    currencies = _currencies(r.currencies for r in report.rows)
    rows = ReportTable(
        "methodologies", "Methodology versions per segment",
        ("segment", "methodology", "version", *MEDIAN_HEADERS, *_money_headers(currencies, ("won_average",))),
        tuple((r.segment_id, r.methodology_id, r.version_label, *_outcome_cells(r.outcomes, True),
               *_money(r.currencies, currencies, ("won_average",))) for r in report.rows))
    conversions = ReportTable(
        "conversions", "Stage conversion per methodology version and segment",
        ("segment", "methodology", "version", "stage", "reached", "went on", "conversion %"),
        tuple((r.segment_id, r.methodology_id, r.version_label, c.stage_name, c.reached, c.advanced,
               percent(c.conversion)) for r in report.rows for c in r.stages))
    swaps = ReportTable(
        "swaps", "Before and after each methodology swap",
        ("swap", "segment", "at", "from", "to", "reversed",
         *(f"before: {h}" for h in MEDIAN_HEADERS), *(f"after: {h}" for h in MEDIAN_HEADERS)),
        tuple((s.swap_id, s.segment_id, s.at.isoformat(), s.from_label, s.to_label, "yes" if s.reversed else "no",
               *_outcome_cells(s.before, True), *_outcome_cells(s.after, True)) for s in report.swaps))
    return rows, conversions, swaps


def table_file(tables: tuple[ReportTable, ...], fmt: str, base_name: str, table: str | None = None) -> ReportFile:
    """CSV: one table (``table``, else the first); XLSX: every table, a sheet each."""
    if fmt == "csv":
        chosen = next((t for t in tables if t.name == table), tables[0])
        return ReportFile(f"{base_name}-{chosen.name}.csv", CSV_TYPE, csv_bytes(chosen))
    return ReportFile(f"{base_name}.xlsx", XLSX_TYPE, xlsx_bytes(tables))


def csv_text(table: ReportTable) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow(["" if cell is None else neutralised(cell) if isinstance(cell, str) else cell
                         for cell in row])
    return out.getvalue()


def csv_bytes(table: ReportTable) -> bytes:
    return csv_text(table).encode("utf-8-sig")


def xlsx_bytes(tables: Iterable[ReportTable]) -> bytes:
    from openpyxl import Workbook  # only a download needs it
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    for table in tables:
        sheet = book.create_sheet(sheet_title(table.name))
        sheet.append(list(table.headers))
        for row in table.rows:
            cells = []
            for value in row:
                if isinstance(value, str):
                    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
                    cell.data_type = "s"  # text, even when it starts with "=": never a formula
                else:
                    cell = WriteOnlyCell(sheet, value=float(value) if isinstance(value, Decimal) else value)
                cells.append(cell)
            sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
