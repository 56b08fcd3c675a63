"""The document's external tasks (Camunda 7's external-task API shape) for workers,
and incidents for designers and admins: ExternalTask, FetchAndLock, Complete, Failure,
BpmnError, ExtendLock, RetryIncident."""

from __future__ import annotations

from webui.api.openapi.parts import (NO_CONTENT, NOT_YOURS, NULLABLE_DATETIME, UNAUTHORIZED, DATETIME, answer, error,
                                     json_body, nullable, record, ref)

WORKER = {"type": "string", "minLength": 1, "maxLength": 200,
          "description": "The worker's own name; the same on every call for the tasks it locked."}
MS = {"type": "integer", "minimum": 1, "description": "Milliseconds."}
VARIABLES = {"type": "object", "description": "Variable name -> value, or Camunda's {\"value\": ..., \"type\": ...}. "
                                              "Only names the process reads or declares.",
             "additionalProperties": True}
TASK_ID = {"name": "task_id", "in": "path", "required": True, "schema": {"type": "string"}}
WORKER_TOKEN = error("No worker token, or an invalid or revoked one: these routes take a token from "
                     "'dealflow worker-token create NAME --topic T' (a user's token is refused).")
NOT_HELD = error("The task is locked by another worker, or by nobody (the lock expired): fetch it again.")
NOT_OPEN = error("The task is no longer open (completed, cancelled, an incident), or its deal is lost.")
BAD_BODY = error("The body has errors; one message per field.")

SCHEMAS = {
    "ExternalTask": record({
        "id": {"type": "string"},
        "topicName": nullable("string", description="Null: its implementation is mapped to no topic (an incident)."),
        "workerId": nullable("string"),
        "lockExpirationTime": NULLABLE_DATETIME,
        "activityId": {"type": "string", "description": "The BPMN element id."},
        "activityName": {"type": "string"},
        "opportunityId": {"type": "integer"},
        "retries": {"type": "integer"},
        "errorMessage": nullable("string"),
        "status": {"type": "string", "enum": ["open", "incident", "completed", "cancelled"]},
        "createTime": DATETIME,
        "variables": {"type": "object", "additionalProperties": record({"value": {}})},
    }, "An external task: a service task of a deal's process waiting for a worker."),
    "FetchAndLock": {
        "type": "object", "required": ["workerId", "topics"], "additionalProperties": False,
        "properties": {
            "workerId": WORKER,
            "maxTasks": {"type": "integer", "minimum": 1, "maximum": 100, "default": 1},
            "asyncResponseTimeout": {"type": "integer", "minimum": 0, "maximum": 60000, "default": 0,
                                     "description": "Long polling: wait up to this many ms for a task."},
            "usePriority": {"type": "boolean", "description": "Accepted and ignored: oldest first."},
            "topics": {"type": "array", "minItems": 1, "items": {
                "type": "object", "required": ["topicName", "lockDuration"],
                "properties": {"topicName": {"type": "string"}, "lockDuration": MS}}},
        },
    },
    "CompleteExternalTask": {
        "type": "object", "required": ["workerId"], "additionalProperties": False,
        "properties": {"workerId": WORKER, "variables": VARIABLES, "localVariables": VARIABLES},
    },
    "ExternalTaskFailure": {
        "type": "object", "required": ["workerId"], "additionalProperties": False,
        "properties": {"workerId": WORKER, "errorMessage": {"type": "string"},
                       "errorDetails": {"type": "string", "description": "Accepted and not kept."},
                       "retries": {"type": "integer", "minimum": 0, "default": 0,
                                   "description": "Retries left; 0 makes the task an incident on its deal."},
                       "retryTimeout": {"type": "integer", "minimum": 0, "default": 0,
                                        "description": "Ms before the task may be fetched again."}},
    },
    "ExternalTaskBpmnError": {
        "type": "object", "required": ["workerId", "errorCode"], "additionalProperties": False,
        "properties": {"workerId": WORKER, "errorCode": {"type": "string", "minLength": 1},
                       "errorMessage": {"type": "string"}, "variables": VARIABLES},
    },
    "ExtendLock": {
        "type": "object", "required": ["workerId", "newDuration"], "additionalProperties": False,
        "properties": {"workerId": WORKER, "newDuration": MS},
    },
    "RetryIncident": {
        "type": "object", "additionalProperties": False,
        "properties": {"retries": {"type": "integer", "minimum": 1, "default": 1}},
    },
}


def _worker_post(operation_id: str, summary: str, body: str, done: dict, extra: dict | None = None) -> dict:
    return {"post": {
        "operationId": operation_id, "summary": summary,
        "parameters": [TASK_ID], "requestBody": json_body(body),
        "responses": {"204": done, "401": WORKER_TOKEN, "403": NOT_HELD,
                      "404": error("No such task, or not of a topic this worker's token names."),
                      "409": NOT_OPEN, "422": BAD_BODY, **(extra or {})},
    }}


PATHS = {
    "/external-tasks/fetch-and-lock": {"post": {
        "operationId": "fetchAndLock",
        "summary": "Lock open tasks of the worker's topics (oldest first), waiting for one if asked",
        "description": "Each task goes to one worker at a time (FOR UPDATE SKIP LOCKED); a lock that expires "
                       "frees it. A worker token; a topic it does not name is a 422.",
        "requestBody": json_body("FetchAndLock"),
        "responses": {"200": answer({"type": "array", "items": ref("ExternalTask")}, "The tasks locked (maybe none)."),
                      "401": WORKER_TOKEN, "422": BAD_BODY},
    }},
    "/external-tasks/{task_id}/complete": _worker_post(
        "completeExternalTask", "Complete a locked task with variables; the deal's process runs on",
        "CompleteExternalTask", NO_CONTENT),
    "/external-tasks/{task_id}/failure": _worker_post(
        "failExternalTask", "Report a failure: fetchable again after retryTimeout, an incident at 0 retries",
        "ExternalTaskFailure", NO_CONTENT),
    "/external-tasks/{task_id}/bpmn-error": _worker_post(
        "externalTaskBpmnError", "Report a business error: the task's error boundary event for errorCode takes "
                                 "the token (none: an incident)", "ExternalTaskBpmnError", NO_CONTENT),
    "/external-tasks/{task_id}/extend-lock": _worker_post(
        "extendExternalTaskLock", "Hold a locked task newDuration ms from now", "ExtendLock", NO_CONTENT),
    "/incidents": {"get": {
        "operationId": "listIncidents",
        "summary": "Incidents (external tasks out of retries) of the deals the caller may see",
        "parameters": [{"name": "opportunity", "in": "query", "required": False, "schema": {"type": "integer"}}],
        "responses": {"200": answer({"type": "array", "items": ref("ExternalTask")}, "The incidents."),
                      "401": UNAUTHORIZED, "404": NOT_YOURS, "422": BAD_BODY},
    }},
    "/incidents/{incident_id}/retry": {"post": {
        "operationId": "retryIncident",
        "summary": "Make an incident's task fetchable again (designers and admins)",
        "parameters": [{"name": "incident_id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "requestBody": json_body("RetryIncident"),
        "responses": {"200": answer(ref("ExternalTask"), "Open again."), "401": UNAUTHORIZED,
                      "403": error("The caller sees the deal but may not retry incidents."),
                      "404": NOT_YOURS, "409": error("Not an incident (any more), or still mapped to no topic."),
                      "422": BAD_BODY},
    }},
}
