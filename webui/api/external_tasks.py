"""External tasks for workers, shaped like Camunda 7's external-task REST API
(docs/integration.md): fetch-and-lock (with long polling), complete, failure,
bpmn-error and extend-lock, called with a *worker* token (scoped to topics; it opens
no other route). Incidents — tasks whose retries ran out — are listed and retried
with a user's token (designers and admins retry)."""

from __future__ import annotations

from flask import g, jsonify, request

from webui.api.blueprint import bp, facade, username
from webui.api.parsing import json_object, no_nulls, only, refuse, whole_numbers
from webui.api.shapes import plain, when

def external_task_json(t) -> dict:
    return {"id": t.id, "topicName": t.topic, "workerId": t.worker_id, "lockExpirationTime": when(t.lock_expires_at),
            "activityId": t.node_id, "activityName": t.name, "opportunityId": t.opportunity_id,
            "retries": t.retries, "errorMessage": t.error_message, "status": t.status,
            "createTime": when(t.created_at),
            "variables": {name: {"value": plain(value)} for name, value in t.variables.items()}}


def _body(known: tuple[str, ...], numbers: tuple[str, ...] = ()) -> dict:
    body = only(json_object(), known)
    no_nulls(body)
    return whole_numbers(body, numbers) if numbers else body


@bp.post("/external-tasks/fetch-and-lock")
def fetch_and_lock():
    body = _body(("workerId", "maxTasks", "topics", "asyncResponseTimeout", "usePriority"),
                 ("maxTasks", "asyncResponseTimeout"))
    topics, problems = [], {}
    if not isinstance(body.get("topics"), list):
        problems["topics"] = "a list of {topicName, lockDuration}"
    else:
        for i, item in enumerate(body["topics"]):
            if not isinstance(item, dict) or not isinstance(item.get("topicName"), str) \
                    or not isinstance(item.get("lockDuration"), int) or isinstance(item.get("lockDuration"), bool):
                problems[f"topics[{i}]"] = "{topicName: text, lockDuration: milliseconds}"
            else:
                topics.append((item["topicName"], item["lockDuration"]))
    refuse(problems)
    tasks = facade().fetch_and_lock(g.api_worker, body.get("workerId"), body.get("maxTasks", 1), topics,
                                    body.get("asyncResponseTimeout", 0))
    return jsonify([external_task_json(t) for t in tasks])


@bp.post("/external-tasks/<task_id>/complete")
def complete_external_task(task_id: str):
    body = _body(("workerId", "variables", "localVariables"))
    variables, local = body.get("variables", {}), body.get("localVariables", {})
    if isinstance(variables, dict) and isinstance(local, dict):
        variables = {**local, **variables}  # one scope in Dealflow: the deal's process data
    facade().complete_external_task(g.api_worker, task_id, body.get("workerId"), variables)
    return "", 204


@bp.post("/external-tasks/<task_id>/failure")
def external_task_failure(task_id: str):
    body = _body(("workerId", "errorMessage", "errorDetails", "retries", "retryTimeout"), ("retries", "retryTimeout"))
    facade().fail_external_task(g.api_worker, task_id, body.get("workerId"), body.get("errorMessage", ""),
                                body.get("retries", 0), body.get("retryTimeout", 0))
    return "", 204


@bp.post("/external-tasks/<task_id>/bpmn-error")
def external_task_bpmn_error(task_id: str):
    body = _body(("workerId", "errorCode", "errorMessage", "variables"))
    facade().bpmn_error(g.api_worker, task_id, body.get("workerId"), body.get("errorCode", ""),
                        body.get("errorMessage", ""), body.get("variables", {}))
    return "", 204


@bp.post("/external-tasks/<task_id>/extend-lock")
def extend_external_task_lock(task_id: str):
    body = _body(("workerId", "newDuration"), ("newDuration",))
    facade().extend_lock(g.api_worker, task_id, body.get("workerId"), body.get("newDuration"))
    return "", 204


@bp.get("/incidents")
def list_incidents():
    deal = request.args.get("opportunity")
    if deal is not None and not deal.isdigit():
        refuse({"opportunity": "an opportunity id"})
    incidents = facade().incidents(viewer=username(), opportunity_id=int(deal) if deal is not None else None)
    return jsonify([external_task_json(t) for t in incidents])


@bp.post("/incidents/<incident_id>/retry")
def retry_incident(incident_id: str):
    body = _body(("retries",), ("retries",))
    return jsonify(external_task_json(facade().retry_incident(incident_id, actor=username(),
                                                              retries=body.get("retries", 1))))
