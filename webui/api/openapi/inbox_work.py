"""The document's inbox tools (webui/api/inbox_work.py) and revising a task's answers
(webui/api/task_revision.py): saved filters, the follow-up date, bulk claim and
hand-over; the TaskRevision answer."""

from __future__ import annotations

from webui.api.openapi.inbox import DATE_FILTER
from webui.api.openapi.parts import (FREE_FORM, NO_CONTENT, NOT_YOURS, UNAUTHORIZED, answer, error, nullable,
                                     path_id, record, ref)
from webui.api.openapi.tasks import TASK_ID

FILTER_QUERY = {
    "type": "object", "additionalProperties": False,
    "properties": {"q": {"type": "string", "maxLength": 200}, "stage": {"type": "string"},
                   "methodology": {"type": "string"}, "due": DATE_FILTER, "follow_up": DATE_FILTER,
                   "assignee": {"type": "string"}, "queue": {"type": "string"}, "sort": {"type": "string"}},
    "description": "Parameters of GET /inbox (not the page), as text.",
}
TASK_IDS = {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 36}, "minItems": 1,
            "maxItems": 100, "description": "Ids of tasks the caller sees in their inbox (at most 100)."}
OUTCOME = {"task_id": {"type": "string"},
           "name": nullable("string", description="The task's name; null when the caller may not see it.")}

SCHEMAS = {
    "SavedFilter": record({
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "query": {"type": "object", "additionalProperties": {"type": "string"},
                  "description": "The inbox parameters it keeps (defaults left out)."},
        "link": {"type": "string", "description": "The web inbox with this filter: '/?' and the query."},
    }, "One of the caller's saved inbox filters (only ever their own)."),
    "SavedFilters": record({"filters": {"type": "array", "items": ref("SavedFilter")}}),
    "NewSavedFilter": {"type": "object", "additionalProperties": False, "required": ["name"], "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 100,
                 "description": "Saving a name the caller already has replaces its query."},
        "query": FILTER_QUERY}},
    "FollowUp": {"type": "object", "additionalProperties": False, "required": ["follow_up"], "properties": {
        "follow_up": nullable("string", format="date",
                              description="The day to look at the task again (the company's time zone); "
                                          "null clears it.")}},
    "BulkClaim": {"type": "object", "additionalProperties": False, "required": ["task_ids"],
                  "properties": {"task_ids": TASK_IDS}},
    "BulkHandOver": {"type": "object", "additionalProperties": False, "required": ["task_ids", "to"],
                     "properties": {"task_ids": TASK_IDS,
                                    "to": {"type": "string", "minLength": 1, "maxLength": 80,
                                           "description": "The username of who takes the tasks."}}},
    "BulkReport": record({
        "action": {"type": "string", "enum": ["claim", "hand_over"]},
        "to": nullable("string", description="Who the tasks were handed to (hand_over)."),
        "done": {"type": "array", "items": record(OUTCOME)},
        "refused": {"type": "array", "items": record({**OUTCOME, "reason": {"type": "string"}})},
    }, "Task by task, not all or nothing: each task was locked and re-checked on its own; the refused ones "
       "say why (claimed by someone else meanwhile, not the caller's to take, not found)."),
    "TaskRevision": record({
        "task_id": {"type": "string"},
        "opportunity_id": {"type": "integer"},
        "answers": {"type": "object", "additionalProperties": True,
                    "description": "The task's answers as last given (field id -> value)."},
        "may_revise": {"type": "boolean"},
        "refusal": nullable("string", description="Why the caller may not revise them now."),
    }, "A completed task's answers, revisable by whoever completed it until the deal leaves the stage."),
}

FILTER_ID = path_id("filter_id")

PATHS = {
    "/inbox/filters": {
        "get": {"operationId": "savedInboxFilters", "summary": "The caller's saved inbox filters",
                "responses": {"200": answer(ref("SavedFilters"), "By name."), "401": UNAUTHORIZED}},
        "post": {"operationId": "saveInboxFilter", "summary": "Save inbox parameters under a name",
                 "requestBody": {"required": True, "content": {"application/json": {"schema": ref("NewSavedFilter")}}},
                 "responses": {"201": answer(ref("SavedFilter"), "Saved (or its query replaced)."),
                               "401": UNAUTHORIZED,
                               "422": error("A field or inbox parameter is wrong, or the caller has 50 filters "
                                            "already; one message per field.")}},
    },
    "/inbox/filters/{filter_id}": {"delete": {
        "operationId": "deleteInboxFilter", "summary": "Delete one of the caller's saved filters",
        "parameters": [FILTER_ID],
        "responses": {"204": NO_CONTENT, "401": UNAUTHORIZED,
                      "404": error("No such filter of the caller's (another user's is not found).")}}},
    "/tasks/{task_id}/follow-up": {"put": {
        "operationId": "setTaskFollowUp", "summary": "Set or clear a ready task's follow-up date",
        "description": "Whoever may work the task sets it (Camunda's follow-up date); the inbox filters and "
                       "sorts by it.",
        "parameters": [TASK_ID],
        "requestBody": {"required": True, "content": {"application/json": {"schema": ref("FollowUp")}}},
        "responses": {"200": answer(ref("Task"), "The task with its follow-up date."),
                      "401": UNAUTHORIZED,
                      "403": error("The caller sees the task but may not work it."),
                      "404": NOT_YOURS,
                      "409": error("The task is no longer ready."),
                      "422": error("Not a day; one message per field.")}}},
    "/inbox/bulk-claim": {"post": {
        "operationId": "bulkClaimTasks", "summary": "Claim many queued tasks at once, each on its own",
        "requestBody": {"required": True, "content": {"application/json": {"schema": ref("BulkClaim")}}},
        "responses": {"200": answer(ref("BulkReport"), "What was claimed and what was refused, and why."),
                      "401": UNAUTHORIZED,
                      "422": error("No list of task ids (or more than 100); one message per field.")}}},
    "/inbox/bulk-hand-over": {"post": {
        "operationId": "bulkHandOverTasks", "summary": "Hand many tasks to one person at once, each on its own",
        "description": "The deal's manager or an admin may hand a task over; tasks of deals the caller does "
                       "not manage are refused one by one.",
        "requestBody": {"required": True, "content": {"application/json": {"schema": ref("BulkHandOver")}}},
        "responses": {"200": answer(ref("BulkReport"), "What was handed over and what was refused, and why."),
                      "401": UNAUTHORIZED,
                      "422": error("No list of task ids, or no active user to take them who works tasks; "
                                   "one message per field.")}}},
    "/tasks/{task_id}/revision": {
        "get": {"operationId": "taskRevision", "summary": "A completed task's answers and whether they may be revised",
                "parameters": [TASK_ID],
                "responses": {"200": answer(ref("TaskRevision"), "The answers as last given."),
                              "401": UNAUTHORIZED, "404": NOT_YOURS}},
        "post": {"operationId": "reviseTask", "summary": "Revise a completed task's answers until its stage is left",
                 "description": "The body is the task's whole form, as for completing it. Whoever completed the "
                                "task may, while the deal is open and still in the stage the task was completed "
                                "in. The deal fields its stage maps from the form, the questionnaire's score and "
                                "the data later steps read follow the new answers; steps already taken are not "
                                "taken again. Audited as a task_revised event with each old and new value.",
                 "parameters": [TASK_ID],
                 "requestBody": {"required": False, "content": {"application/json": {"schema": FREE_FORM}}},
                 "responses": {"200": answer(ref("Opportunity"), "Revised; the opportunity afterwards."),
                               "401": UNAUTHORIZED,
                               "403": error("The caller sees the task but did not complete it."),
                               "404": NOT_YOURS,
                               "409": error("The answers are settled: the deal left the stage, closed, or the "
                                            "task is not a completed process step."),
                               "422": error("The data does not fit the form, or changes nothing; one message "
                                            "per field.")}},
    },
}
