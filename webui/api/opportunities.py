"""Opening an opportunity (POST /opportunities), showing one with its tasks,
stage history and events (GET /opportunities/{id}, with its row version as ETag) and
editing its title, partner, amount, currency and close date (PATCH, If-Match optional), and
running its failed step again (POST .../retry). Who may open one and what its values must
look like is the façade's to say; the route only reads the body."""

from __future__ import annotations

from flask import jsonify, request, url_for

from webui.api.blueprint import bp, facade, username
from webui.api.parsing import json_object, no_nulls, refuse, unknown_fields
from webui.api.shapes import deal_list_json, opportunity_json

OPPORTUNITY_FIELDS = ("title", "amount", "currency", "partner", "partner_attributes", "attributes", "owner",
                      "partner_id", "expected_close_date", "start_form")


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


LIST_PARAMETERS = ("q", "scope", "status", "stage", "methodology", "owner", "segment", "close_from", "close_to",
                   "amount_min", "amount_max", "sort", "page", "per_page")


@bp.get("/opportunities")
def list_opportunities():
    """The caller's deals (scope=mine) or the team's (scope=team), searched, filtered,
    sorted and paged as /deals is; every bad parameter named (422)."""
    refuse(unknown_fields(request.args, LIST_PARAMETERS))
    # The web form sends empty fields for "any"; an API caller leaves a parameter out.
    refuse({**{name: "empty: leave it out for the default" for name in LIST_PARAMETERS
               if name in request.args and not request.args[name].strip()},
            **{name: "give it once" for name in LIST_PARAMETERS if len(request.args.getlist(name)) > 1}})
    listing = facade().deals(username(), {name: request.args[name] for name in LIST_PARAMETERS
                                          if name in request.args})
    return jsonify(deal_list_json(listing))


EDITABLE_FIELDS = ("title", "partner_id", "partner", "amount", "currency", "expected_close_date", "row_version")


@bp.get("/opportunities/<int:opportunity_id>")
def show_opportunity(opportunity_id: int):
    return _with_etag(facade().opportunity_for(opportunity_id, viewer=username()))


@bp.patch("/opportunities/<int:opportunity_id>")
def edit_opportunity(opportunity_id: int):
    """The fields the body names change; ``row_version`` in the body or an If-Match
    header holding the ETag of GET refuses (409) an edit of a deal changed since."""
    body = json_object()
    refuse(unknown_fields(body, EDITABLE_FIELDS))
    no_nulls(body)
    row_version = body.pop("row_version", None)
    if row_version is None and request.headers.get("If-Match"):
        tag = request.headers["If-Match"].strip().removeprefix("W/").strip('"')
        row_version = int(tag) if tag.isdigit() else tag  # not a number: the façade's 422
    edited = facade().edit_deal(opportunity_id, body, actor=username(), row_version=row_version)
    return _with_etag(facade().opportunity_for(edited.id, viewer=username()))


@bp.post("/opportunities/<int:opportunity_id>/retry")
def retry_opportunity(opportunity_id: int):
    """The failed step runs again (on the newest version with ``upgrade``); a step that
    fails again is still a 200, whose ``error_message`` says so."""
    body = json_object()
    refuse(unknown_fields(body, ("upgrade",)))
    no_nulls(body)
    upgrade = body.get("upgrade", False)
    if not isinstance(upgrade, bool):
        refuse({"upgrade": "send true or false"})
    facade().retry(opportunity_id, actor=username(), upgrade=upgrade)
    return _with_etag(facade().opportunity_for(opportunity_id, viewer=username()))


def _with_etag(view):
    response = jsonify(opportunity_json(view))
    response.headers["ETag"] = f'"{view.row_version}"'
    return response

