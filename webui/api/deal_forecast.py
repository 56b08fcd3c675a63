"""A deal's place in the forecast (M15): PUT /opportunities/{id}/close-date moves its
expected close date; PUT and DELETE /opportunities/{id}/forecast-category set and
clear the rep's category override. Documented in webui/api/openapi/deal_forecast.py."""

from __future__ import annotations

from flask import jsonify

from webui.api.blueprint import bp, facade, username
from webui.api.parsing import json_object, no_nulls, refuse, unknown_fields
from webui.api.shapes import opportunity_json


def _one_text_field(name: str) -> object:
    body = json_object()
    no_nulls(body)
    errors = unknown_fields(body, (name,))
    if name not in body:
        errors[name] = "required"
    elif not isinstance(body[name], str):
        errors[name] = "send text"
    refuse(errors)
    return body[name]


@bp.put("/opportunities/<int:opportunity_id>/close-date")
def set_close_date(opportunity_id: int):
    day = _one_text_field("expected_close_date")
    return jsonify(opportunity_json(facade().set_close_date(opportunity_id, day, actor=username())))


@bp.put("/opportunities/<int:opportunity_id>/forecast-category")
def set_forecast_category(opportunity_id: int):
    category = _one_text_field("category")
    if isinstance(category, str) and category.strip().lower() in ("", "none", "derived", "clear"):
        refuse({"category": "to clear the override, send DELETE"})  # PUT always sets one
    return jsonify(opportunity_json(facade().set_forecast_category(opportunity_id, category, actor=username())))


@bp.delete("/opportunities/<int:opportunity_id>/forecast-category")
def clear_forecast_category(opportunity_id: int):
    return jsonify(opportunity_json(facade().set_forecast_category(opportunity_id, None, actor=username())))
