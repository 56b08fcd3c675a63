"""The forecast against quota as a table (M15, M17): per person and currency — a
manager's rolled-up figures, a rep's own — closed won, commit, best case (as the
deals give them) and quota. The forecast page charts it (closed won + commit +
best case stacked against the quota line, one chart per currency: amounts are
never added across currencies), shows it beside the chart and offers it as CSV and
XLSX (engine.rules.report_tables)."""

from __future__ import annotations

from engine.views.forecast import ForecastView
from engine.views.pipeline_analysis import ReportTable

HEADERS = ("person", "username", "scope", "currency", "closed won", "commit", "best case", "quota")


def forecast_vs_quota(view: ForecastView) -> ReportTable:
    rows = []
    for p in view.people:
        lines, scope = (p.rollup, "team") if p.is_manager else (p.own, "own")
        for line in lines:
            f = line.figures
            rows.append((p.display_name, p.username, scope, line.currency, f.closed_won, f.commit, f.best_case,
                         line.quota))
    return ReportTable("forecast_vs_quota", f"Forecast against quota, {view.period.name}", HEADERS, tuple(rows))


def on_page(table: ReportTable) -> ReportTable:
    """The table as the page shows it: people by name, without the username column the
    CSV and XLSX keep (a spreadsheet joins on it; a reader has the name)."""
    keep = [i for i, header in enumerate(table.headers) if header != "username"]
    return ReportTable(table.name, table.title, tuple(table.headers[i] for i in keep),
                       tuple(tuple(row[i] for i in keep) for row in table.rows))


def currencies(table: ReportTable) -> tuple[str, ...]:
    return tuple(sorted({row[3] for row in table.rows}))
