"""The reports over the daily snapshots as JSON (M17): the one serialiser of
``GET /api/v1/reports/pipeline?as_of=``, ``GET /api/v1/reports/changes`` and
``dealflow report pipeline --as-of … | changes --format json`` — the command line
prints exactly what the API answers (webui/api/openapi/analysis.py holds the
schemas AsOfPipeline and DealChanges). Amounts are exact text and may be negative
(what a waterfall step takes away)."""

from __future__ import annotations

from engine.views.json_text import money, when
from engine.views.snapshot_reports import AsOfPipeline, DealChanges, DealState


def amounts_json(figures) -> list[dict]:
    """The AmountFigures schema, one per currency."""
    return [{"currency": f.currency, "deals": f.deals, "amount": money(f.amount), "weighted": money(f.weighted)}
            for f in figures]


def state_json(state: DealState | None) -> dict | None:
    if state is None:
        return None
    return {"stage": state.stage, "amount": money(state.amount), "currency": state.currency,
            "category": state.category, "close_date": state.close_date.isoformat() if state.close_date else None}


def as_of_json(r: AsOfPipeline) -> dict:
    return {"as_of": r.asked.isoformat(), "day": r.day.isoformat(), "note": r.note or None, "group_by": r.group_by,
            "scope": r.scope, "currencies": amounts_json(r.currencies),
            "groups": [{"key": g.key, "label": g.label, "deals": g.deals, "currencies": amounts_json(g.currencies)}
                       for g in r.groups]}


def deal_changes_json(r: DealChanges) -> dict:
    return {
        "since": r.since.isoformat(), "since_asked": r.since_asked.isoformat(),
        "until": r.until.isoformat() if r.until else None,
        "until_asked": r.until_asked.isoformat() if r.until_asked else None,
        "period": r.period, "period_end": r.period_end.isoformat(), "scope": r.scope, "at": when(r.at),
        "note": r.note or None, "start": amounts_json(r.start), "end": amounts_json(r.end),
        "waterfall": [{"currency": w.currency, "step": w.step, "label": w.label, "deals": w.deals,
                       "amount": money(w.amount), "before": money(w.before), "after": money(w.after)}
                      for w in r.waterfall],
        "changes": [{"change": c.change, "label": c.label, "deals": c.deals,
                     "amounts": [{"currency": cur, "amount": money(a)} for cur, a in c.amounts]} for c in r.counts],
        "deals": [{"id": d.opportunity_id, "title": d.title, "owner": d.owner, "step": d.step,
                   "changes": list(d.changes), "before": state_json(d.before), "after": state_json(d.after)}
                  for d in r.deals],
    }
