"""The learned win probability as JSON-ready dicts, one shape for the API and
``dealflow model show --format json``."""

from __future__ import annotations

from engine.views.win_model import DealWinProbability, WinModelView


def model_json(view: WinModelView | None) -> dict:
    if view is None:  # the same keys, empty
        return {"trained": False, "trained_at": None, "trained_by": None, "enabled": False,
                "reason": "no model trained yet", "deals_used": 0, "train_deals": 0, "held_out_deals": 0,
                "cut_at": None, "columns": 0, "brier": {}, "calibration": {}}
    return {
        "trained": True, "trained_at": view.trained_at.isoformat(), "trained_by": view.trained_by,
        "enabled": view.enabled, "reason": view.reason, "deals_used": view.deals_used,
        "train_deals": view.train_deals, "held_out_deals": view.held_out_deals,
        "cut_at": view.cut_at.isoformat() if view.cut_at else None, "columns": view.factors,
        "brier": {name: round(value, 4) for name, value in view.brier.items()},
        "calibration": {name: [{"from": r.low, "to": r.high, "deals": round(r.deals, 2),
                                "predicted": round(r.predicted, 4), "won": round(r.observed, 4)} for r in rows]
                        for name, rows in view.calibration.items()},
    }


def deal_json(view: DealWinProbability) -> dict:
    return {
        "opportunity_id": view.opportunity_id, "shown": view.shown, "reason": view.reason,
        "probability": view.probability, "stage_probability": view.stage_probability, "baseline": view.baseline,
        "factors": [{"factor": f.factor, "label": f.label, "value": f.value, "log_odds": round(f.log_odds, 4)}
                    for f in view.factors],
        "model": model_json(view.model),
    }
