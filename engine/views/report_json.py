"""The pipeline analysis and the methodology comparison as JSON (M16): the one
serialiser of ``GET /api/v1/reports/pipeline``, ``GET /api/v1/reports/methodologies``
and ``dealflow report pipeline|methodologies --format json`` — so that the command
line prints exactly what the API answers (webui/api/openapi/analysis.py holds the
schema)."""

from __future__ import annotations

from engine.views.json_text import money, when
from engine.views.pipeline_analysis import MethodologyReport, PipelineReport


def rate(value: float | None) -> float | None:
    """A fraction to four decimals (0.3333)."""
    return None if value is None else round(value, 4)


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


def pipeline_report_json(r: PipelineReport) -> dict:
    return {
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
    }


def methodology_report_json(r: MethodologyReport) -> dict:
    return {
        "scope": r.scope, "at": when(r.at),
        "rows": [{"methodology_id": m.methodology_id, "version": m.version_label, "segment_id": m.segment_id,
                  "outcomes": outcomes_json(m.outcomes), "currencies": currencies_json(m.currencies),
                  "stages": [{"stage_id": c.stage_id, "stage_name": c.stage_name, "reached": c.reached,
                              "advanced": c.advanced, "conversion": rate(c.conversion)} for c in m.stages]}
                 for m in r.rows],
        "swaps": [{"swap_id": s.swap_id, "segment_id": s.segment_id, "at": when(s.at), "from": s.from_label,
                   "to": s.to_label, "reversed": s.reversed, "before": outcomes_json(s.before),
                   "after": outcomes_json(s.after)} for s in r.swaps],
    }
