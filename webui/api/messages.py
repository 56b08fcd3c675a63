"""Messages from outside (docs/integration.md), shaped like Camunda 7's
``POST /message``: a named message delivered to the deals waiting for it, correlated
by opportunity id, business key or one process variable; kept for a while when asked
(``bufferSeconds``); a message start event opening a new deal (``deal``). Called with
a worker token naming the topic ``message:NAME``, or a designer's or admin's token."""

from __future__ import annotations

from flask import g, jsonify

from engine.views.messages import Correlation

from webui.api.blueprint import bp, facade, username
from webui.api.external_tasks import external_task_json
from webui.api.parsing import json_object, no_nulls, only, refuse, whole_numbers
from webui.api.shapes import when

FIELDS = ("messageName", "opportunityId", "businessKey", "correlationKeys", "correlationKey", "processVariables",
          "bufferSeconds", "deal")


def _correlation(body: dict) -> Correlation:
    problems, variable = {}, None
    keys = body.get("correlationKeys")
    if keys is not None:
        if not isinstance(keys, dict) or len(keys) != 1:
            problems["correlationKeys"] = "one variable: {\"name\": value} or {\"name\": {\"value\": value}}"
        else:
            [(name, value)] = keys.items()
            if isinstance(value, dict) and "value" in value and set(value) <= {"value", "type", "valueInfo"}:
                value = value["value"]
            variable = (name, value)
    business_key = body.get("businessKey")
    if business_key is not None and not isinstance(business_key, str):
        problems["businessKey"] = "text"
    key = body.get("correlationKey")  # Camunda 8's: text, or a number as its text (as Zeebe takes it)
    if isinstance(key, int) and not isinstance(key, bool):
        key = str(key)
    elif key is not None and not isinstance(key, str):
        problems["correlationKey"] = "text (or a whole number): the value the catch's correlationKey gave"
    if "deal" in body and not isinstance(body["deal"], dict):
        problems["deal"] = "an object: title, amount, currency, partner, attributes"
    refuse(problems)
    return Correlation(deal_id=body.get("opportunityId"), business_key=business_key, variable=variable, key=key)


@bp.post("/messages")
def send_message():
    body = whole_numbers(only(json_object(), FIELDS), ("opportunityId", "bufferSeconds"))
    no_nulls(body)
    if not isinstance(body.get("messageName"), str):
        refuse({"messageName": "the message's name (its bpmn:message name)"})
    worker = getattr(g, "api_worker", None)
    sent = facade().send_message(
        body["messageName"], _correlation(body), body.get("processVariables", {}),
        buffer_seconds=body.get("bufferSeconds"), worker=worker,
        actor=None if worker is not None else g.api_user.username, deal=body.get("deal"))
    answer = {"messageName": sent.message, "deliveredTo": list(sent.delivered_to), "opened": sent.opened,
              "bufferedId": sent.buffered_id, "expiresAt": when(sent.expires_at) if sent.expires_at else None}
    return jsonify(answer), 202 if sent.buffered_id is not None else 200


@bp.get("/opportunities/<int:opportunity_id>/waits")
def deal_waits(opportunity_id: int):
    """What the deal's process waits for from outside: messages and workers' tasks."""
    waits = facade().deal_waits(viewer=username(), opportunity_id=opportunity_id)
    return jsonify({
        "messages": [{"messageName": m.message, "activityId": m.node_id, "activityName": m.node_name,
                      "since": when(m.since), "correlationKey": m.correlation_key,
                      "correlationKeyProblem": m.key_problem} for m in waits.messages],
        "externalTasks": [external_task_json(t) for t in waits.external_tasks]})
