"""The document's task with its boundary events, and the routes that end a user task
through its error or escalation boundary event."""

from __future__ import annotations

from webui.api.openapi.parts import NOT_YOURS, UNAUTHORIZED, answer, error, json_body, record, ref
from webui.api.openapi.tasks import SCHEMAS as TASK_SCHEMAS
from webui.api.openapi.tasks import TASK_ID

VARIABLES = {"type": "object", "additionalProperties": True,
             "description": "Variables the boundary's branch starts with: names the process reads or declares "
                            "(Camunda's {\"x\": {\"value\": 1, \"type\": \"Integer\"}} is taken as {\"x\": 1})."}
CODE = {"type": "string", "description": "The errorCode / escalationCode of one of the task's boundary events; "
                                         "'' (or any code, if none names it) for one catching every code."}

BOUNDARY = record({
    "code": {"type": "string", "description": "Its errorCode / escalationCode, as sent to bpmn-error / "
                                              "bpmn-escalation; '' for one catching every code."},
    "name": {"type": "string", "description": "The boundary event's name in the diagram (else its id)."},
    "interrupting": {"type": "boolean", "description": "True: taking it ends the task. False (a non-interrupting "
                                                      "escalation): its branch starts beside the task, which "
                                                      "stays open."},
}, "A boundary event of the task that can catch now.")

SCHEMAS = {
    "TaskBoundaryEvent": BOUNDARY,
    "TaskDetail": record({
        **TASK_SCHEMAS["Task"]["properties"],
        "may_work": {"type": "boolean", "description": "The caller may complete the task, or take one of its "
                                                       "boundary events, now."},
        "errors": {"type": "array", "items": ref("TaskBoundaryEvent"),
                   "description": "Its error boundary events (POST /tasks/{task_id}/bpmn-error), in the diagram's "
                                  "order; empty unless the task is a ready step of the process on a deal not lost."},
        "escalations": {"type": "array", "items": ref("TaskBoundaryEvent"),
                        "description": "Its escalation boundary events that can still catch "
                                       "(POST /tasks/{task_id}/bpmn-escalation). A non-interrupting one is raised "
                                       "once per task: SpiffWorkflow, which runs the process, does not arm a "
                                       "boundary event again once it caught, so it is left out after that."},
    }, "A task with what the caller may do with it and the boundary events that can still catch on it."),
    "TaskBpmnError": {
        "type": "object", "required": ["errorCode"], "additionalProperties": False,
        "properties": {"errorCode": CODE, "errorMessage": {"type": "string", "description": "Kept in the deal's "
                                                                                             "history."},
                       "variables": VARIABLES},
    },
    "TaskBpmnEscalation": {
        "type": "object", "required": ["escalationCode"], "additionalProperties": False,
        "properties": {"escalationCode": CODE, "variables": VARIABLES},
    },
}


def _operation(operation_id: str, summary: str, description: str, body: str) -> dict:
    return {"post": {
        "operationId": operation_id, "summary": summary, "description": description,
        "parameters": [TASK_ID], "requestBody": json_body(body),
        "responses": {"200": answer(ref("Opportunity"), "Done; the opportunity with its next steps."),
                      "401": UNAUTHORIZED,
                      "403": error("The caller sees the task but may not complete it."),
                      "404": NOT_YOURS,
                      "409": error("The task is no longer ready (someone completed it or ended it meanwhile), "
                                   "its deal is lost, or the non-interrupting escalation was raised on it already "
                                   "(once per task; see TaskDetail.escalations)."),
                      "422": error("A field is missing, unknown or wrong, no boundary event of the task catches "
                                   "the code (the message lists those it has), or a variable the process neither "
                                   "reads nor declares; one message per field.")},
    }}


PATHS = {
    "/tasks/{task_id}": {"get": {
        "operationId": "getTask",
        "summary": "One task, with its error and escalation boundary events",
        "description": "The task as in the inbox, whether the caller may work it, and the codes its holder may "
                       "send to bpmn-error and bpmn-escalation instead of completing it.",
        "parameters": [TASK_ID],
        "responses": {"200": answer(ref("TaskDetail"), "The task."),
                      "401": UNAUTHORIZED,
                      "404": NOT_YOURS},
    }},
    "/tasks/{task_id}/bpmn-error": _operation(
        "taskBpmnError", "End a user task through its error boundary event (e.g. 'Customer withdrew')",
        "Instead of completing the task, its holder reports a business error: the task's error boundary event "
        "catching errorCode takes the token and the process follows that branch. Permission as for completing.",
        "TaskBpmnError"),
    "/tasks/{task_id}/bpmn-escalation": _operation(
        "taskBpmnEscalation", "Raise an escalation through a user task's escalation boundary event",
        "The task's escalation boundary event catching escalationCode starts its branch (e.g. the manager's "
        "approval). An interrupting one ends the task; a non-interrupting one (cancelActivity=\"false\") leaves "
        "it ready. Permission as for completing.", "TaskBpmnEscalation"),
}
