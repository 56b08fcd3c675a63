"""GET /reports/pipeline and GET /reports/methodologies: the pipeline analysis (M16)
and the methodology comparison as JSON — the numbers the pages chart. Documented
in webui/api/openapi/analysis.py."""

from __future__ import annotations

from flask import jsonify, request

from webui.api.blueprint import bp, facade, username
from webui.api.shapes import money, when
from webui.errors import HttpError


def _only(*names: str) -> None:
    unknown = {name: "unknown parameter" + (f"; use {', '.join(names)}" if names else "; this report takes none")
               for name in request.args if name not in names}
    if unknown:
        raise HttpError(400, "bad query parameters; see fields", unknown)


@bp.get("/reports/pipeline")
def pipeline_report():
    _only("group_by")
    if request.args.get("group_by") == "":  # the page's empty picker means the default; the API's document does not
        raise HttpError(400, "bad query parameters; see fields", {"group_by": "give a grouping or leave the parameter out"})
    r = facade().pipeline_report(viewer=username(), group_by=request.args.get("group_by"))
    return jsonify({
        "group_by": r.group_by, "scope": r.scope, "at": when(r.at), "total": outcomes_json(r.total),
        "currencies": currencies_json(r.currencies),
        "groups": [{"key": g.key, "label": g.label, "outcomes": outcomes_json(g.outcomes),
                    "currencies": currencies_json(g.currencies)} for g in r.groups],
        "stages": [{"methodology_id": s.methodology_id, "version": s.version_label, "stage_id": s.stage_id,
                    "stage_name": s.stage_name, "position": s.position, "outcome": s.outcome, "now_in": s.now_in,
                    "currencies": currencies_json(s.currencies), "reached": s.reached, "advanced": s.advanced,
                    "conversion": rate(s.conversion), "average_days_in_stage": s.average_days_in_stage, "stays": s.stays}
                   for s in r.stages],
        "sources": [{"source": s.source, "campaign": s.campaign, "outcomes": outcomes_json(s.outcomes),
                     "currencies": currencies_json(s.won_revenue)} for s in r.sources],
        "trend": [{"day": t.day.isoformat(), "currency": t.currency, "deals": t.deals,
                   "open_amount": money(t.open_amount), "weighted": money(t.weighted)} for t in r.trend],
    })


@bp.get("/reports/methodologies")
def methodology_report():
    _only()
    r = facade().methodology_report(viewer=username())
    return jsonify({
        "scope": r.scope, "at": when(r.at),
        "rows": [{"methodology_id": m.methodology_id, "version": m.version_label, "segment_id": m.segment_id,
                  "outcomes": outcomes_json(m.outcomes), "currencies": currencies_json(m.currencies),
                  "stages": [{"stage_id": c.stage_id, "stage_name": c.stage_name, "reached": c.reached,
                              "advanced": c.advanced, "conversion": rate(c.conversion)} for c in m.stages]}
                 for m in r.rows],
        "swaps": [{"swap_id": s.swap_id, "segment_id": s.segment_id, "at": when(s.at), "from": s.from_label,
                   "to": s.to_label, "reversed": s.reversed, "before": outcomes_json(s.before),
                   "after": outcomes_json(s.after)} for s in r.swaps],
    })


def outcomes_json(o) -> dict:
    """The Outcomes schema."""
    return {"deals": o.deals, "open": o.open, "won": o.won, "lost": o.lost, "win_rate": rate(o.win_rate),
            "interval_low": rate(o.interval_low), "interval_high": rate(o.interval_high),
            "median_cycle_days": o.median_cycle_days, "average_cycle_days": o.average_cycle_days}


def currencies_json(figures) -> list[dict]:
    """The CurrencyFigures schema, one per currency."""
    return [{"currency": c.currency, "open_amount": money(c.open_amount), "weighted": money(c.weighted),
             "won_amount": money(c.won_amount), "lost_amount": money(c.lost_amount),
             "won_average": None if c.won_average is None else money(c.won_average)} for c in figures]


def rate(value: float | None) -> float | None:
    """A fraction to four decimals (0.3333)."""
    return None if value is None else round(value, 4)
