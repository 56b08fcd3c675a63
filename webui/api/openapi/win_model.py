"""The document's routes of the learned win probability (issue 13)."""

from __future__ import annotations

from webui.api.openapi import parts
from webui.api.openapi.parts import NOT_YOURS, OPPORTUNITY_ID, UNAUTHORIZED, answer, nullable, record, ref

_ESTIMATES = {"stage_table", "naive_bayes", "learned"}
_BIN = record({"from": {"type": "number"}, "to": {"type": "number"},
               "deals": {"type": "number", "description": "Deals' worth of snapshot points in the bin."},
               "predicted": {"type": "number"}, "won": {"type": "number", "description": "Share of them won."}})

SCHEMAS = {
    "WinModel": record({
        "trained": {"type": "boolean"}, "trained_at": parts.NULLABLE_DATETIME,
        "trained_by": nullable("string", description="null: the worker (or never trained)."),
        "enabled": {"type": "boolean", "description": "Learned probabilities are shown only when true."},
        "reason": {"type": "string", "description": "Why it is (not) enabled."},
        "deals_used": {"type": "integer"}, "train_deals": {"type": "integer"},
        "held_out_deals": {"type": "integer"}, "cut_at": parts.NULLABLE_DATETIME,
        "columns": {"type": "integer", "description": "The model's one-hot columns."},
        "brier": {"type": "object", "propertyNames": {"enum": sorted(_ESTIMATES)},
                  "additionalProperties": {"type": "number"},
                  "description": "Brier score per estimate on the held-out deals (lower is better)."},
        "calibration": {"type": "object", "propertyNames": {"enum": sorted(_ESTIMATES)},
                        "additionalProperties": {"type": "array", "items": _BIN}},
    }, "The newest training of the learned win probability and its backtest."),
    "WinProbability": record({
        "opportunity_id": {"type": "integer"},
        "shown": {"type": "boolean", "description": "false: the model is disabled or the deal not open."},
        "reason": {"type": "string"},
        "probability": nullable("integer", description="The learned probability, percent."),
        "stage_probability": {"type": "integer", "description": "The deal's probability in force, percent."},
        "baseline": nullable("integer", description="The average deal's learned probability, percent."),
        "factors": {"type": "array", "items": record({
            "factor": {"type": "string"}, "label": {"type": "string"}, "value": {"type": "string"},
            "log_odds": {"type": "number", "description": "How far this value moves the log-odds."}})},
        "model": ref("WinModel"),
    }, "One deal's learned win probability, explained per factor (the log-odds add up)."),
}

PATHS = {
    "/win-model": {"get": {
        "operationId": "winModel",
        "summary": "The learned win probability's model in force and its Brier scores against the stage table",
        "responses": {"200": answer(ref("WinModel"), "The model (trained false: never trained)."),
                      "401": UNAUTHORIZED},
    }},
    "/opportunities/{opportunity_id}/win-probability": {"get": {
        "operationId": "winProbability",
        "summary": "The deal's learned win probability beside its stage table's, explained per factor",
        "parameters": [OPPORTUNITY_ID],
        "responses": {"200": answer(ref("WinProbability"), "Shown, or why not."), "401": UNAUTHORIZED,
                      "404": NOT_YOURS},
    }},
}
