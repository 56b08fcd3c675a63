"""The forecast (M15): a person's forecast rolled up the hierarchy, a manager's
adjustment of a direct report's figure, submitting a snapshot. Documented in
webui/api/openapi/forecast.py; the JSON is engine.views.forecast_json's, the same
as ``dealflow forecast --format json``."""

from __future__ import annotations

from flask import jsonify, request

from engine.views.forecast_json import forecast_json

from webui.api.blueprint import bp, facade, username
from webui.api.parsing import json_object, no_nulls, only, refuse
from webui.errors import HttpError

PARAMS = ("period", "user")


@bp.get("/forecast")
def forecast():
    unknown = {name: "unknown parameter; use " + ", ".join(PARAMS) for name in request.args if name not in PARAMS}
    if unknown:
        raise HttpError(400, "bad query parameters; see fields", unknown)
    return jsonify(forecast_json(facade().forecast(viewer=username(), period=request.args.get("period"),
                                                   user=request.args.get("user") or None)))


@bp.post("/forecast/adjustments")
def adjust_forecast():
    fields = ("user", "period", "category", "amount", "currency", "note")
    body = only(json_object(), fields)
    no_nulls(body)
    problems = {name: "send text" for name in fields if name in body and not isinstance(body[name], str)}
    problems.update({name: "this field is required" for name in ("user", "period", "category", "amount", "note")
                     if name not in body})
    refuse(problems)
    view = facade().adjust_forecast(actor=username(), user=body["user"], period=body["period"],
                                    category=body["category"], amount=body["amount"], note=body["note"],
                                    currency=body.get("currency", "PLN"))
    return jsonify(forecast_json(view)), 201


@bp.get("/company-time-zone")
def company_time_zone():
    return jsonify(time_zone=facade().company_time_zone())


@bp.put("/company-time-zone")
def set_company_time_zone():
    body = only(json_object(), ("time_zone",))
    no_nulls(body)
    if not isinstance(body.get("time_zone"), str):
        refuse({"time_zone": "send an IANA time zone's name as text, such as Europe/Warsaw"})
    return jsonify(time_zone=facade().set_company_time_zone(body["time_zone"], actor=username()))


@bp.post("/forecast/submissions")
def submit_forecast():
    body = only(json_object(), ("period",))
    no_nulls(body)
    if "period" in body and not isinstance(body["period"], str):
        refuse({"period": "send text"})
    done = facade().submit_forecast(actor=username(), period=body.get("period"))
    return jsonify(id=done.id, submitted_at=done.submitted_at.isoformat(), figures=done.figures), 201
