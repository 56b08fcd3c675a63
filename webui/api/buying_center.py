"""The buying center's routes (M6): its people and their relationships, read, added,
changed and removed, and its diagram as SVG. Documented in webui/api/openapi/buying_center.py.

Whoever may see the deal may read and change its buying center; anyone else gets
404 with nothing of the deal. A won or lost deal's buying center is read-only (409).
Bodies are JSON objects; a field the route does not know is a 422 naming it."""

from __future__ import annotations

from flask import Response, jsonify

from engine import CONTACT_FIELDS, RELATIONSHIP_FIELDS
from engine.views.buying_center import BuyingCenterView, ContactView, RelationshipView

from webui.api.blueprint import bp, facade, username
from webui.api.parsing import json_object, no_nulls, only, whole_numbers
from webui.api.shapes import when

NULLABLE_CONTACT_FIELDS = ("job_title", "role", "notes")  # null: empty, no role


@bp.get("/opportunities/<int:opportunity_id>/contacts")
def buying_center(opportunity_id: int):
    return jsonify(buying_center_json(facade().buying_center(opportunity_id, viewer=username())))


@bp.post("/opportunities/<int:opportunity_id>/contacts")
def add_contact(opportunity_id: int):
    body = only(json_object(), CONTACT_FIELDS + ("partner_contact_id",))
    no_nulls(body, NULLABLE_CONTACT_FIELDS)
    body = whole_numbers(body, ("influence", "partner_contact_id"))
    if "name" not in body:
        body["name"] = None  # the engine says it is required (unless a partner contact names the person)
    added = facade().add_contact(opportunity_id, actor=username(), **body)
    return jsonify(contact_json(added)), 201


@bp.patch("/contacts/<int:contact_id>")
def update_contact(contact_id: int):
    facade().contact(contact_id, viewer=username())  # 404 before anything says what is wrong with the body
    body = only(json_object(), CONTACT_FIELDS)
    no_nulls(body, NULLABLE_CONTACT_FIELDS)
    body = whole_numbers(body, ("influence",))
    return jsonify(contact_json(facade().update_contact(contact_id, actor=username(), **body)))


@bp.delete("/contacts/<int:contact_id>")
def remove_contact(contact_id: int):
    facade().remove_contact(contact_id, actor=username())
    return Response(status=204)


@bp.post("/opportunities/<int:opportunity_id>/relationships")
def add_relationship(opportunity_id: int):
    body = only(json_object(), RELATIONSHIP_FIELDS)
    no_nulls(body)
    body = whole_numbers(body, ("from_contact", "to_contact", "strength"))
    values = {name: body.get(name) for name in ("from_contact", "to_contact", "kind")}
    if "strength" in body:
        values["strength"] = body["strength"]
    added = facade().add_relationship(opportunity_id, actor=username(), **values)
    return jsonify(relationship_json(added)), 201


@bp.delete("/relationships/<int:relationship_id>")
def remove_relationship(relationship_id: int):
    facade().remove_relationship(relationship_id, actor=username())
    return Response(status=204)


@bp.get("/opportunities/<int:opportunity_id>/buying-center.svg")
def buying_center_svg(opportunity_id: int):
    svg = facade().buying_center_svg(opportunity_id, viewer=username())
    response = Response(svg, mimetype="image/svg+xml")
    # Drawn by engine.drawing.buying_center_diagram: every name escaped, no scripts; opened on its own,
    # it may still not run anything or load anything.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- JSON out (schemas Contact, Relationship and BuyingCenter) ---------------------------------

def contact_json(c: ContactView) -> dict:
    return {"id": c.id, "opportunity_id": c.opportunity_id, "name": c.name, "job_title": c.job_title,
            "role": c.role, "role_name": c.role_name, "influence": c.influence, "attitude": c.attitude,
            "notes": c.notes, "created_at": when(c.created_at), "updated_at": when(c.updated_at),
            "partner_contact_id": c.partner_contact_id}


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
