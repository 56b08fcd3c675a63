"""Handing a partner to another rep (POST /partners/{id}/hand-over, M12). Who may,
and what the options must be, is the façade's to say; the route only reads the
body. Documented in webui/api/openapi/handover.py."""

from __future__ import annotations

from flask import jsonify

from webui.api.blueprint import bp, facade, username
from webui.api.parsing import json_object, no_nulls, refuse, unknown_fields

HAND_OVER_FIELDS = ("to", "closed_deals", "open_deals", "others_open_deals", "activities", "dry_run")
DEFAULTS = {"closed_deals": "stay", "open_deals": True, "others_open_deals": False, "activities": True,
            "dry_run": False}


@bp.post("/partners/<int:partner_id>/hand-over")
def hand_over_partner(partner_id: int):
    body = json_object()
    no_nulls(body)
    errors = unknown_fields(body, HAND_OVER_FIELDS)
    if not isinstance(body.get("to"), str) or not body["to"]:
        errors["to"] = "send the new owner's username"
    refuse(errors)
    options = {name: body.get(name, default) for name, default in DEFAULTS.items()}
    report = facade().hand_over_partner(partner_id, to=body["to"], actor=username(), **options)
    return jsonify(hand_over_json(report))


def hand_over_json(report) -> dict:
    """The HandOverReport schema."""
    return {
        "partner_id": report.partner_id, "partner_name": report.partner_name, "from_owner": report.from_owner,
        "to_owner": report.to_owner, "closed_deals": report.closed_deals,
        "open_deals_moved": list(report.open_deals_moved), "open_deals_kept": list(report.open_deals_kept),
        "tasks_moved": report.tasks_moved, "activities_moved": report.activities_moved,
        "closed_deals_moved": list(report.closed_deals_moved), "closed_deals_kept": list(report.closed_deals_kept),
        "dry_run": report.dry_run,
    }
