"""Opening an opportunity (POST /opportunities) and showing one with its tasks,
stage history and events (GET /opportunities/{id})."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask import g, jsonify, url_for

from engine.errors import NotFoundError

from webui.api.blueprint import bp, facade, username
from webui.api.parsing import json_object, refuse, unknown_fields
from webui.api.shapes import CENT, opportunity_json
from webui.errors import HttpError

OPPORTUNITY_FIELDS = ("title", "amount", "currency", "partner", "partner_attributes", "attributes", "owner")
MAX_AMOUNT = Decimal(10) ** 15  # whole cents of this still fit the BIGINT column


@bp.post("/opportunities")
def create_opportunity():
    if not g.api_user.may_create_deals:
        raise HttpError(403, "only managers and admins may open opportunities")
    values = _opportunity_input(json_object())
    if values["owner"] is not None:
        try:
            facade().user_view(values["owner"])
        except NotFoundError:
            refuse({"owner": "no such user"})
    created = facade().create_opportunity(actor=username(), **values)
    response = jsonify(opportunity_json(created))
    response.status_code = 201
    response.headers["Location"] = url_for("api.show_opportunity", opportunity_id=created.id)
    return response


@bp.get("/opportunities/<int:opportunity_id>")
def show_opportunity(opportunity_id: int):
    return jsonify(opportunity_json(facade().opportunity_for(opportunity_id, viewer=username())))


def _opportunity_input(body: dict) -> dict:
    errors = unknown_fields(body, OPPORTUNITY_FIELDS)
    values = {
        "title": _text(body, "title", 300, errors, required=True),
        "partner": _text(body, "partner", 300, errors, required=True),
        "owner": _text(body, "owner", 80, errors, required=False),
        "amount": _amount(body, errors),
        "currency": body.get("currency", "PLN"),
    }
    if not isinstance(values["currency"], str) or not re.fullmatch(r"[A-Z]{3}", values["currency"]):
        errors["currency"] = "enter a three-letter currency code such as PLN"
    for name in ("attributes", "partner_attributes"):
        value = body.get(name)
        if value is not None and not isinstance(value, dict):
            errors[name] = "send an object of names and values"
        values[name] = value or {}
    refuse(errors)
    return values


def _text(body: dict, name: str, limit: int, errors: dict, *, required: bool) -> str | None:
    value = body.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[name] = "this field is required"
        return None
    if not isinstance(value, str):
        errors[name] = "enter text"
        return None
    if len(value.strip()) > limit:
        errors[name] = f"enter at most {limit} characters"
    return value.strip()


def _amount(body: dict, errors: dict) -> Decimal | None:
    value = body.get("amount")
    if value is None or (isinstance(value, str) and not value.strip()):
        errors["amount"] = "this field is required"
        return None
    problem = "enter an amount such as 12500.00, as a string or a number"
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)) or len(str(value)) > 40:
        errors["amount"] = problem
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        errors["amount"] = problem
        return None
    if not amount.is_finite() or amount < 0:
        errors["amount"] = "enter an amount of 0 or more"
    elif amount >= MAX_AMOUNT:
        errors["amount"] = f"enter an amount below {MAX_AMOUNT:f}"
    elif amount != amount.quantize(CENT):
        errors["amount"] = "enter at most two decimal places"
    else:
        return amount
    return None
