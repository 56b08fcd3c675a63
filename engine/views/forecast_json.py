"""The forecast as JSON (amounts as exact strings) and as CSV rows: the one shape
``dealflow forecast --format json`` prints, the API answers and a submitted
snapshot stores (webui/api/openapi/forecast.py holds its schema)."""

from __future__ import annotations

from engine.views.forecast import Amounts, CurrencyLine, ForecastView
from engine.views.quota_json import period_json

CSV_HEADER = ("username", "depth", "scope", "currency", "quota", "closed_won", "commit", "best_case", "pipeline",
              "weighted", "progress", "adjusted_commit", "adjusted_best_case", "adjusted_pipeline")


def _money(value) -> str | None:
    return None if value is None else str(value)


def amounts_json(a: Amounts) -> dict:
    return {"closed_won": str(a.closed_won), "commit": str(a.commit), "best_case": str(a.best_case),
            "pipeline": str(a.pipeline), "weighted": str(a.weighted), "deals": a.deals}


def line_json(line: CurrencyLine) -> dict:
    return {"currency": line.currency, "quota": _money(line.quota), "progress": line.progress,
            **amounts_json(line.figures), "adjusted": amounts_json(line.adjusted),
            "adjustments": [{"category": a.category, "amount": str(a.amount), "note": a.note, "by": a.by,
                             "at": a.at.isoformat()} for a in line.adjustments]}


def forecast_json(v: ForecastView, *, submissions: bool = True) -> dict:
    result = {"period": period_json(v.period), "username": v.username,
              "rollup": [line_json(line) for line in v.total],
              "people": [{"username": p.username, "display_name": p.display_name, "depth": p.depth,
                          "manager": p.manager, "is_manager": p.is_manager, "may_adjust": p.may_adjust, "active": p.active,
                          "own": [line_json(line) for line in p.own],
                          "rollup": [line_json(line) for line in p.rollup]} for p in v.people]}
    if submissions:
        result["may_submit"] = v.may_submit
        result["submissions"] = [{"id": s.id, "submitted_at": s.submitted_at.isoformat()} for s in v.submissions]
    return result


def forecast_rows(v: ForecastView) -> list[tuple]:
    """One row per person, scope (own, rollup for managers) and currency."""
    rows = []
    for p in v.people:
        for scope, lines in (("own", p.own), ("rollup", p.rollup)) if p.is_manager else (("own", p.own),):
            for line in lines:
                f, a = line.figures, line.adjusted
                rows.append((p.username, p.depth, scope, line.currency, _money(line.quota), f.closed_won, f.commit,
                             f.best_case, f.pipeline, f.weighted, "" if line.progress is None else line.progress,
                             a.commit, a.best_case, a.pipeline))
    return rows
