"""The OpenAPI 3.1 document of the JSON API (served at /api/v1/openapi.json), one
module per family of routes beside webui/api/'s route modules.

Kept by hand; tests/webui/test_api_openapi.py checks that its paths and methods are
exactly the blueprint's routes, that it is a valid OpenAPI document, and that real
answers (errors too) fit its schemas.
"""

from __future__ import annotations

from webui.api.openapi import activities, analysis, buying_center, deal_forecast, forecast, handover, inbox, \
    lead_imports, opportunities, partner_lists, partners, quotas, reports, sales, tasks, warnings
from webui.api.openapi import win_model
from webui.api.openapi import external_tasks
from webui.api.openapi import messages
from webui.api.openapi import signals
from webui.api.openapi import notifications
from webui.api.openapi import inbox_work
from webui.api.openapi import task_events
from webui.api.openapi.parts import ERROR

FAMILIES = (inbox, opportunities, deal_forecast, tasks, sales, buying_center, handover, partners, activities, reports,
            analysis, lead_imports, partner_lists, quotas, warnings, forecast, win_model,
            external_tasks, messages, signals, notifications, inbox_work, task_events)

PATHS = {"/openapi.json": {"get": {
    "operationId": "openapiDocument",
    "summary": "This document",
    "security": [],
    "responses": {"200": {"description": "The OpenAPI document.",
                          "content": {"application/json": {"schema": {"type": "object"}}}}},
}}}
SCHEMAS = {"Error": ERROR}
for family in FAMILIES:
    for path, operations in family.PATHS.items():  # two families may share a path (GET and DELETE /partners/{id})
        PATHS.setdefault(path, {}).update(operations)
    SCHEMAS.update(family.SCHEMAS)

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {
        "title": "Dealflow API",
        "version": "1",
        "description": "The inbox, opportunities and tasks of Dealflow. Create a token with "
                       "'dealflow token create USER' and send it as 'Authorization: Bearer <token>'. "
                       "Amounts are exact decimal strings; datetimes ISO 8601 in UTC. Unknown routes "
                       "answer 404 and wrong methods 405, with the Error shape.",
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearerAuth": []}],
    "paths": PATHS,
    "components": {
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                           "description": "A token from 'dealflow token create USER'."}},
        "schemas": SCHEMAS,
    },
}
