"""GET /warnings and POST /warnings/{id}/ack: the early warnings (M18) the caller
sees — reps their own deals', managers their teams', admins all — and
acknowledging one. Documented in webui/api/openapi/warnings.py."""

from __future__ import annotations

from flask import jsonify, request

from engine.errors import FormError

from webui.api.blueprint import bp, facade, username
from webui.api.shapes import when
from webui.errors import HttpError

FLAGS = ("cleared", "acknowledged")
PAGING = ("page", "per_page")
YES_NO = {"true": True, "1": True, "false": False, "0": False}


@bp.get("/warnings")
def list_warnings():
    bad = {name: "unknown parameter; use " + ", ".join(FLAGS + PAGING) for name in request.args
           if name not in FLAGS + PAGING}
    bad.update({name: "true or false" for name in FLAGS if name in request.args
                and request.args[name].lower() not in YES_NO})
    bad.update({name: "give it once" for name in FLAGS + PAGING if len(request.args.getlist(name)) > 1})
    if bad:
        raise HttpError(400, "bad query parameters; see fields", bad)
    flag = {name: YES_NO[request.args[name].lower()] for name in FLAGS if name in request.args}
    try:
        found = facade().warnings_page(viewer=username(), include_cleared=flag.get("cleared", False),
                                       include_acknowledged=flag.get("acknowledged", True),
                                       page=request.args.get("page"), per_page=request.args.get("per_page"))
    except FormError as err:  # a query parameter, like the others: 400 per field
        raise HttpError(400, "bad query parameters; see fields", err.fields) from None
    return jsonify({"warnings": [warning_json(w) for w in found.warnings], "page": found.page,
                    "per_page": found.per_page, "total": found.total, "pages": found.pages})


@bp.post("/warnings/<int:warning_id>/ack")
def acknowledge_warning(warning_id: int):
    return jsonify(warning_json(facade().acknowledge_warning(warning_id, actor=username())))


def warning_json(w) -> dict:
    """The Warning schema."""
    return {"id": w.id, "opportunity_id": w.opportunity_id, "deal_title": w.deal_title,
            "partner_name": w.partner_name, "owner": w.owner, "rule": w.rule, "rule_label": w.rule_label,
            "message": w.message, "advice": w.advice, "fired_at": when(w.fired_at),
            "acknowledged_at": when(w.acknowledged_at), "acknowledged_by": w.acknowledged_by,
            "cleared_at": when(w.cleared_at), "may_acknowledge": w.may_acknowledge}
