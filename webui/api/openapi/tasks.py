"""The document's tasks: the Task and FormField schemas, claiming and completing."""

from __future__ import annotations

from webui.api.openapi.parts import (DATETIME, FREE_FORM, NOT_YOURS, NULLABLE_DATETIME, UNAUTHORIZED, answer,
                                     error, nullable, record, ref)

SCHEMAS = {
    "FormField": record({
        "id": {"type": "string"},
        "label": {"type": "string"},
        "type": {"type": "string", "description": "string, textarea, long, money, date, enum, boolean, ..."},
        "required": {"type": "boolean"},
        "default": nullable("string"),
        "minimum": nullable("string"),
        "maximum": nullable("string"),
        "choices": {"type": "array", "items": record({"id": {"type": "string"}, "label": {"type": "string"}})},
        "help": {"type": "string", "description": "Guidance shown beside the field (a questionnaire's help)."},
    }, "One field of a task's form: the keys of the body of POST /tasks/{task_id}/complete."),
    "Task": record({
        "id": {"type": "string"},
        "opportunity_id": {"type": "integer"},
        "opportunity_title": {"type": "string"},
        "node_id": {"type": "string", "description": "The BPMN user task's id."},
        "name": {"type": "string"},
        "instructions": {"type": "string", "description": "The methodology's guidance for this step."},
        "lane": nullable("string"),
        "assignee": nullable("string", description="Who works it; null while it waits in a team queue."),
        "candidate_team": nullable("string", description="The team whose queue it waits in."),
        "claimable": {"type": "boolean", "description": "Waits in a team queue and nobody has claimed it."},
        "status": {"type": "string", "enum": ["ready", "completed", "cancelled"]},
        "due_at": NULLABLE_DATETIME,
        "created_at": DATETIME,
        "stage_id": nullable("string"),
        "stage_name": nullable("string"),
        "methodology_id": nullable("string"),
        "completed_by": nullable("string"),
        "completed_at": NULLABLE_DATETIME,
        "form": {"type": "array", "items": ref("FormField")},
        "kind": {"type": "string", "enum": ["workflow", "activity", "why_lost"],
                 "description": "workflow: a step of the process; activity: a Sales Assistant suggestion, "
                                "created when the deal entered its stage (its form is an optional note); "
                                "why_lost: the owner's to-do of a deal the process lost without a (complete) "
                                "reason — completing it with reason_code and reason records the reason."},
        "required": {"type": "boolean", "description": "An activity the deal cannot leave its stage without."},
        "partner_name": nullable("string", description="The deal's partner (in the inbox; null elsewhere)."),
        "follow_up_at": nullable("string", format="date-time",
                                 description="When its holder means to look at it again (ISO 8601 in UTC)."),
    }),
}

TASK_ID = {"name": "task_id", "in": "path", "required": True, "schema": {"type": "string"}}
PREFER = {"name": "Prefer", "in": "header", "required": False, "schema": {"type": "string"},
          "description": "RFC 7240. 'return=minimal': answer 204 without the opportunity (a client that does not "
                         "show the deal spares the server rebuilding it); anything else is ignored."}

PATHS = {
    "/tasks/{task_id}/claim": {"post": {
        "operationId": "claimTask",
        "summary": "Take a task from one of the caller's team queues",
        "parameters": [TASK_ID],
        "responses": {"200": answer(ref("Task"), "Claimed: now assigned to the caller."),
                      "401": UNAUTHORIZED,
                      "403": error("The caller sees the task but is not in the team it waits for."),
                      "404": NOT_YOURS,
                      "409": error("Already claimed, assigned to a person, or no longer ready.")},
    }},
    "/tasks/{task_id}/complete": {"post": {
        "operationId": "completeTask",
        "summary": "Complete a task with its form's data",
        "description": "The body maps the task's form fields (see Task.form) to values; money and numbers "
                       "as strings or JSON numbers, dates as YYYY-MM-DD, yes/no as booleans. The process "
                       "then runs to its next step; the answer is the opportunity afterwards, or nothing "
                       "(204) with 'Prefer: return=minimal'. A step that fails in the methodology's own "
                       "logic is still a completion: the opportunity's failed_step names this task and "
                       "error_message says what failed (error_message alone may be another parallel "
                       "branch's failed step, kept for its retry).",
        "parameters": [TASK_ID, PREFER],
        "requestBody": {"required": False, "content": {"application/json": {"schema": FREE_FORM}}},
        "responses": {"200": answer(ref("Opportunity"), "Completed; the opportunity with its next step."),
                      "204": {"description": "Completed, as asked by 'Prefer: return=minimal' (with "
                                             "'Preference-Applied: return=minimal'); no content."},
                      "401": UNAUTHORIZED,
                      "403": error("The caller sees the task but may not complete it."),
                      "404": NOT_YOURS,
                      "409": error("The task is no longer ready (someone else completed it), or the step would "
                                   "leave a stage whose exit criteria are not met (error 'exit_criteria_not_met', "
                                   "one message per missing criterion)."),
                      "422": error("The data does not fit the form; one message per field.")},
    }},
}
