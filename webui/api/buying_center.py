"""The buying center's JSON API (M6), on the api blueprint (webui/api.py loads this
module; webui/openapi.py documents the routes).

Whoever may see the deal may read and change its buying center; anyone else gets
404 with nothing of the deal. A won or lost deal's buying center is read-only (409).
Bodies are JSON objects; a field the route does not know is a 422 naming it."""

from __future__ import annotations

from flask import Response, jsonify

from engine.rules.buying_center import CONTACT_FIELDS, RELATIONSHIP_FIELDS
from engine.views.buying_center import BuyingCenterView, ContactView, RelationshipView

from webui.api import ApiError, _engine, _json_object, _username, bp, when


@bp.get("/opportunities/<int:opportunity_id>/contacts")
def buying_center(opportunity_id: int):
    return jsonify(buying_center_json(_engine().buying_center(opportunity_id, viewer=_username())))


@bp.post("/opportunities/<int:opportunity_id>/contacts")
def add_contact(opportunity_id: int):
    body = _fields(_json_object(), CONTACT_FIELDS)
    if "name" not in body:
        body["name"] = None  # the engine says it is required
    added = _engine().add_contact(opportunity_id, actor=_username(), **body)
    return jsonify(contact_json(added)), 201


@bp.patch("/contacts/<int:contact_id>")
def update_contact(contact_id: int):
    _engine().contact(contact_id, viewer=_username())  # 404 before anything says what is wrong with the body
    body = _fields(_json_object(), CONTACT_FIELDS)
    return jsonify(contact_json(_engine().update_contact(contact_id, actor=_username(), **body)))


@bp.delete("/contacts/<int:contact_id>")
def remove_contact(contact_id: int):
    _engine().remove_contact(contact_id, actor=_username())
    return Response(status=204)


@bp.post("/opportunities/<int:opportunity_id>/relationships")
def add_relationship(opportunity_id: int):
    body = _fields(_json_object(), RELATIONSHIP_FIELDS)
    values = {name: body.get(name) for name in ("from_contact", "to_contact", "kind")}
    if "strength" in body:
        values["strength"] = body["strength"]
    added = _engine().add_relationship(opportunity_id, actor=_username(), **values)
    return jsonify(relationship_json(added)), 201


@bp.delete("/relationships/<int:relationship_id>")
def remove_relationship(relationship_id: int):
    _engine().remove_relationship(relationship_id, actor=_username())
    return Response(status=204)


@bp.get("/opportunities/<int:opportunity_id>/buying-center.svg")
def buying_center_svg(opportunity_id: int):
    svg = _engine().buying_center_svg(opportunity_id, viewer=_username())
    response = Response(svg, mimetype="image/svg+xml")
    # Drawn by engine.rules.buying_center: every name escaped, no scripts; opened on its own,
    # it may still not run anything or load anything.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _fields(body: dict, known: tuple[str, ...]) -> dict:
    unknown = {str(key): "unknown field; use " + ", ".join(known) for key in body if key not in known}
    if unknown:
        raise ApiError(422, "the data has errors; see fields", unknown)
    return body


# --- JSON out (schemas Contact, Relationship and BuyingCenter in webui/openapi.py) -------------

def contact_json(c: ContactView) -> dict:
    return {"id": c.id, "opportunity_id": c.opportunity_id, "name": c.name, "job_title": c.job_title,
            "role": c.role, "role_name": c.role_name, "influence": c.influence, "attitude": c.attitude,
            "notes": c.notes, "created_at": when(c.created_at), "updated_at": when(c.updated_at)}


def relationship_json(r: RelationshipView) -> dict:
    return {"id": r.id, "opportunity_id": r.opportunity_id, "from_contact": r.from_contact,
            "from_name": r.from_name, "to_contact": r.to_contact, "to_name": r.to_name, "kind": r.kind,
            "kind_label": r.kind_label, "category": r.category, "strength": r.strength,
            "created_at": when(r.created_at)}


def buying_center_json(view: BuyingCenterView) -> dict:
    return {"opportunity_id": view.opportunity_id, "editable": view.editable,
            "contacts": [contact_json(c) for c in view.contacts],
            "relationships": [relationship_json(r) for r in view.relationships],
            "roles": [{"id": r.id, "name": r.name, "description": r.description} for r in view.roles],
            "kinds": [{"id": k.id, "label": k.label, "category": k.category, "directed": k.directed}
                      for k in view.kinds],
            "roles_identified": sorted(view.roles_identified)}
