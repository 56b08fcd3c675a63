"""Signals from outside (docs/integration.md), shaped like Camunda 7's ``POST /signal``:
a named signal broadcast to every open deal whose process waits for it. Called with a
worker token naming the topic ``signal:NAME``, or a designer's or admin's token."""

from __future__ import annotations

from flask import g, jsonify

from webui.api.blueprint import bp, facade
from webui.api.parsing import json_object, no_nulls, only, refuse

FIELDS = ("name", "variables")


@bp.post("/signals")
def send_signal():
    body = only(json_object(), FIELDS)
    no_nulls(body)
    problems = {}
    if not isinstance(body.get("name"), str):
        problems["name"] = "the signal's name (its bpmn:signal name)"
    if not isinstance(body.get("variables", {}), dict):
        problems["variables"] = "an object: variable name -> value"
    refuse(problems)
    worker = getattr(g, "api_worker", None)
    sent = facade().send_signal(body["name"], body.get("variables", {}), worker=worker,
                                actor=None if worker is not None else g.api_user.username)
    return jsonify({"name": sent.signal, "deliveredTo": list(sent.delivered_to),
                    "failed": [{"opportunityId": deal_id, "message": why} for deal_id, why in sent.failed]})
