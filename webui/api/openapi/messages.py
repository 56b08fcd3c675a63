"""The document's messages (Camunda 7's ``POST /message`` shape): SendMessage, MessageSent; and
what a deal waits for from outside: DealWaits."""

from __future__ import annotations

from webui.api.openapi.parts import NULLABLE_DATETIME, answer, error, json_body, nullable, record, ref

SCHEMAS = {
    "SendMessage": {
        "type": "object", "required": ["messageName"], "additionalProperties": False,
        "description": "Name at most one correlation: opportunityId, businessKey (the deal's business_key "
                       "attribute), correlationKeys (one process variable and its value, Camunda 7's way) or "
                       "correlationKey (Camunda 8's: the value the waiting catch's zeebe:subscription "
                       "correlationKey gave when it began to wait). With none, only a "
                       "message start event takes the message, opening the deal described by 'deal'.",
        "properties": {
            "messageName": {"type": "string", "minLength": 1, "maxLength": 200,
                            "description": "The name of a bpmn:message."},
            "opportunityId": {"type": "integer", "minimum": 1},
            "businessKey": {"type": "string", "minLength": 1, "maxLength": 200},
            "correlationKeys": {"type": "object", "minProperties": 1, "maxProperties": 1,
                                "description": "One variable: {\"orderNumber\": \"ZA/7\"} or Camunda's "
                                               "{\"orderNumber\": {\"value\": \"ZA/7\"}}.",
                                "additionalProperties": True},
            "correlationKey": {"oneOf": [{"type": "string", "minLength": 1, "maxLength": 200}, {"type": "integer"}],
                               "description": "Camunda 8's correlation key; a number is taken as its text."},
            "processVariables": {"type": "object", "additionalProperties": True,
                                 "description": "What the message brings into the deal's process data; only "
                                                "names the process reads, declares or holds."},
            "bufferSeconds": {"type": "integer", "minimum": 1, "maximum": 2592000,
                              "description": "Keep the message this long when nothing waits yet (202)."},
            "deal": {"type": "object", "additionalProperties": True,
                     "description": "The deal a message start event opens (title, amount, currency, partner, "
                                    "attributes), routed like any other."},
        },
    },
    "MessageSent": record({
        "messageName": {"type": "string"},
        "deliveredTo": {"type": "array", "items": {"type": "integer"},
                        "description": "The opportunities whose waiting catch took the message."},
        "opened": nullable("integer", description="The opportunity a message start event opened."),
        "bufferedId": nullable("integer", description="The buffered message's id (202)."),
        "expiresAt": NULLABLE_DATETIME,
    }, "What a message reached."),
    "MessageWait": record({
        "messageName": {"type": "string"},
        "activityId": {"type": "string", "description": "The catch's BPMN id."},
        "activityName": {"type": "string", "description": "The catch's name (its id when unnamed)."},
        "since": {"type": "string", "format": "date-time"},
        "correlationKey": nullable("string", description="Camunda 8's key, when the message's subscription "
                                                         "declares one and it gave one."),
        "correlationKeyProblem": nullable("string", description="Why a declared correlation key gave none "
                                                                "(a sender's key cannot reach this wait)."),
    }, "A message catch the deal's process waits at."),
    "DealWaits": record({
        "messages": {"type": "array", "items": ref("MessageWait")},
        "externalTasks": {"type": "array", "items": ref("ExternalTask"),
                          "description": "Open external tasks (incidents: GET /incidents)."},
    }, "What a deal's process waits for from outside Dealflow."),
}

PATHS = {
    "/opportunities/{opportunity_id}/waits": {"get": {
        "operationId": "dealWaits",
        "summary": "What a deal's process waits for from outside: messages (with their correlation keys) and "
                   "workers' tasks",
        "parameters": [{"name": "opportunity_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "responses": {"200": answer(ref("DealWaits"), "The deal's outside waits."),
                      "401": error("No token, or an invalid or revoked one."),
                      "404": error("No such deal, or not one the caller may see.")},
    }},
    "/messages": {"post": {
        "operationId": "sendMessage",
        "summary": "Deliver a message to the deals waiting for it, buffer it, or open a deal at a message start",
        "description": "A worker token naming the topic 'message:NAME', or a designer's or admin's token. Each "
                       "deal is locked and re-checked before the message is delivered: two senders racing for "
                       "one deal deliver once (the other gets 404).",
        "requestBody": json_body("SendMessage"),
        "responses": {
            "200": answer(ref("MessageSent"), "Delivered (or a deal opened)."),
            "202": answer(ref("MessageSent"), "Nothing waited: kept until bufferSeconds have passed."),
            "401": error("No token, or an invalid or revoked one."),
            "403": error("The caller may not send messages, or the worker token does not name message:NAME."),
            "404": error("Nothing waits for the message and it was not to be buffered."),
            "409": error("The deal's process fails at the step after the message; nothing was delivered. "
                         "Or another sender delivered to the same deal at the same time."),
            "422": error("The body has errors; one message per field."),
        },
    }},
}
