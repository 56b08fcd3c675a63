"""The document's signals (Camunda 7's ``POST /signal`` shape): SendSignal, SignalSent."""

from __future__ import annotations

from webui.api.openapi.parts import answer, error, json_body, record, ref

SCHEMAS = {
    "SendSignal": {
        "type": "object", "required": ["name"], "additionalProperties": False,
        "description": "A signal has no correlation: every open deal whose process waits for it takes it.",
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 200,
                     "description": "The name of a bpmn:signal."},
            "variables": {"type": "object", "additionalProperties": True,
                          "description": "What the signal brings into each deal's process data; a deal keeps "
                                         "only the names its process reads or declares."},
        },
    },
    "SignalSent": record({
        "name": {"type": "string"},
        "deliveredTo": {"type": "array", "items": {"type": "integer"},
                        "description": "The opportunities whose waiting catch took the signal (none is not an "
                                       "error)."},
        "failed": {"type": "array", "description": "Deals whose process fails at the step after the signal; "
                                                  "they keep their state.",
                   "items": record({"opportunityId": {"type": "integer"}, "message": {"type": "string"}},
                                   "One deal the signal could not move.")},
    }, "What a signal reached."),
}

PATHS = {
    "/signals": {"post": {
        "operationId": "sendSignal",
        "summary": "Broadcast a signal to every open deal waiting for it",
        "description": "A worker token naming the topic 'signal:NAME', or a designer's or admin's token. Each "
                       "deal is locked and re-checked before the signal is delivered. The broadcast is one transaction: "
                       "when the deals it would reach keep changing under other writers until the retries run out, "
                       "no deal takes it and the answer is the API's 409 conflict (send it again), as for any "
                       "write under contention.",
        "requestBody": json_body("SendSignal"),
        "responses": {
            "200": answer(ref("SignalSent"), "Broadcast (to no deal, when none waits)."),
            "401": error("No token, or an invalid or revoked one."),
            "403": error("The caller may not send signals, or the worker token does not name signal:NAME."),
            "422": error("The body has errors; one message per field."),
        },
    }},
}
