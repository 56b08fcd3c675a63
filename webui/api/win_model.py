"""The learned win probability (issue 13): GET /win-model (the model in force and
its backtest) and GET /opportunities/{id}/win-probability (one deal's, explained
per factor, when the model is enabled). Documented in webui/api/openapi/win_model.py."""

from __future__ import annotations

from flask import jsonify

from engine.views.win_model_json import deal_json, model_json
from webui.api.blueprint import bp, facade, username


@bp.get("/win-model")
def win_model():
    return jsonify(model_json(facade().win_model(viewer=username())))


@bp.get("/opportunities/<int:opportunity_id>/win-probability")
def win_probability(opportunity_id: int):
    return jsonify(deal_json(facade().win_probability(opportunity_id, viewer=username())))
