"""Opening an opportunity (POST /opportunities) and showing one with its tasks,
stage history and events (GET /opportunities/{id}). Who may open one and what its
values must look like is the façade's to say; the route only reads the body."""

from __future__ import annotations

from flask import jsonify, url_for

from webui.api.blueprint import bp, facade, username
from webui.api.parsing import json_object, no_nulls, refuse, unknown_fields
from webui.api.shapes import opportunity_json

OPPORTUNITY_FIELDS = ("title", "amount", "currency", "partner", "partner_attributes", "attributes", "owner",
                      "partner_id", "expected_close_date")


@bp.post("/opportunities")
def create_opportunity():
    body = json_object()
    refuse(unknown_fields(body, OPPORTUNITY_FIELDS))
    no_nulls(body)
    values = {name: body.get(name) for name in OPPORTUNITY_FIELDS}
    values["currency"] = body.get("currency", "PLN")
    created = facade().create_opportunity(actor=username(), **values)
    response = jsonify(opportunity_json(created))
    response.status_code = 201
    response.headers["Location"] = url_for("api.show_opportunity", opportunity_id=created.id)
    return response


@bp.get("/opportunities/<int:opportunity_id>")
def show_opportunity(opportunity_id: int):
    return jsonify(opportunity_json(facade().opportunity_for(opportunity_id, viewer=username())))

