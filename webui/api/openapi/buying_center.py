"""The document's buying center: the Contact, Relationship and BuyingCenter schemas,
their inputs, and the routes that read, change and draw them."""

from __future__ import annotations

from webui.api.openapi.parts import (DATETIME, NO_CONTENT, NOT_YOURS, UNAUTHORIZED, answer, error, json_body,
                                     nullable, path_id, record, ref)

LEVEL = {"type": "integer", "minimum": 1, "maximum": 5}
ATTITUDE = {"type": "string", "enum": ["supporter", "neutral", "opponent"]}
KIND = {"type": "string", "enum": ["reports_to", "listens_to", "friends_with", "former_colleague_at_competitor"],
        "description": "reports_to is formal; the others are informal."}
CONTACT_INPUT = {
    "name": {"type": "string", "minLength": 1, "maxLength": 200},
    "job_title": {"type": ["string", "null"], "maxLength": 200, "description": "Their function."},
    "role": {"type": ["string", "null"], "description": "One of the methodology's buying-center roles "
                                                        "(see BuyingCenter.roles), or null."},
    "influence": {**LEVEL, "description": "1 little .. 5 decisive; default 3."},
    "attitude": {**ATTITUDE, "description": "Default neutral."},
    "notes": {"type": ["string", "null"], "maxLength": 4000},
}
SCHEMAS = {
    "Contact": record({
        "id": {"type": "integer"},
        "opportunity_id": {"type": "integer"},
        "name": {"type": "string"},
        "job_title": {"type": "string"},
        "role": nullable("string"),
        "role_name": nullable("string"),
        "influence": LEVEL,
        "attitude": ATTITUDE,
        "notes": {"type": "string"},
        "created_at": DATETIME,
        "updated_at": DATETIME,
        "partner_contact_id": nullable("integer", description="The partner's contact person this is, if any."),
    }, "A person of the customer's buying center."),
    "Relationship": record({
        "id": {"type": "integer"},
        "opportunity_id": {"type": "integer"},
        "from_contact": {"type": "integer"},
        "from_name": {"type": "string"},
        "to_contact": {"type": "integer"},
        "to_name": {"type": "string"},
        "kind": KIND,
        "kind_label": {"type": "string"},
        "category": {"type": "string", "enum": ["formal", "informal"]},
        "strength": LEVEL,
        "created_at": DATETIME,
    }, "from_contact reports to / listens to / ... to_contact."),
    "BuyingCenter": record({
        "opportunity_id": {"type": "integer"},
        "editable": {"type": "boolean", "description": "False once the deal is won or lost."},
        "contacts": {"type": "array", "items": ref("Contact")},
        "relationships": {"type": "array", "items": ref("Relationship")},
        "roles": {"type": "array", "items": record({"id": {"type": "string"}, "name": {"type": "string"},
                                                    "description": {"type": "string"}}),
                  "description": "The roles the deal's methodology offers."},
        "kinds": {"type": "array", "items": record({"id": {"type": "string"}, "label": {"type": "string"},
                                                    "category": {"type": "string"},
                                                    "directed": {"type": "boolean"}})},
        "roles_identified": {"type": "array", "items": {"type": "string"}},
    }),
    "NewContact": {"type": "object", "additionalProperties": False,
                   "properties": {**CONTACT_INPUT, "partner_contact_id": {
                       "type": "integer", "description": "A contact person of the deal's partner; their name "
                                                         "and function fill name and job_title when not sent."}},
                   "description": "name is required unless partner_contact_id names the person."},
    "ContactChange": {"type": "object", "additionalProperties": False, "properties": CONTACT_INPUT,
                      "description": "Only the fields sent change."},
    "NewRelationship": {"type": "object", "required": ["from_contact", "to_contact", "kind"],
                        "additionalProperties": False,
                        "properties": {"from_contact": {"type": "integer"}, "to_contact": {"type": "integer"},
                                       "kind": KIND, "strength": {**LEVEL, "description": "Default 3."}}},
}
CLOSED = error("The deal is won or lost: its buying center stays as it was at the close.")
INVALID = error("The body has errors; one message per field.")

PATHS = {
    "/opportunities/{opportunity_id}/contacts": {
        "get": {
            "operationId": "buyingCenter",
            "summary": "The deal's buying center: people, relationships, the methodology's roles",
            "parameters": [path_id("opportunity_id")],
            "responses": {"200": answer(ref("BuyingCenter"), "The buying center."), "401": UNAUTHORIZED,
                          "404": NOT_YOURS},
        },
        "post": {
            "operationId": "addContact",
            "summary": "Add a person to the deal's buying center",
            "parameters": [path_id("opportunity_id")],
            "requestBody": json_body("NewContact"),
            "responses": {"201": answer(ref("Contact"), "Added."), "401": UNAUTHORIZED, "404": NOT_YOURS,
                          "409": CLOSED, "422": INVALID},
        },
    },
    "/contacts/{contact_id}": {
        "patch": {
            "operationId": "updateContact",
            "summary": "Change some of a person's facts",
            "parameters": [path_id("contact_id")],
            "requestBody": json_body("ContactChange"),
            "responses": {"200": answer(ref("Contact"), "Changed."), "401": UNAUTHORIZED, "404": NOT_YOURS,
                          "409": CLOSED, "422": INVALID},
        },
        "delete": {
            "operationId": "removeContact",
            "summary": "Take a person out of the buying center, with their relationships",
            "parameters": [path_id("contact_id")],
            "responses": {"204": NO_CONTENT, "401": UNAUTHORIZED, "404": NOT_YOURS, "409": CLOSED},
        },
    },
    "/opportunities/{opportunity_id}/relationships": {"post": {
        "operationId": "addRelationship",
        "summary": "Record how two people of the buying center relate",
        "description": "A reporting line may not go round in a circle; the same relationship is not "
                       "recorded twice (friends_with and former_colleague_at_competitor in either direction).",
        "parameters": [path_id("opportunity_id")],
        "requestBody": json_body("NewRelationship"),
        "responses": {"201": answer(ref("Relationship"), "Recorded."), "401": UNAUTHORIZED, "404": NOT_YOURS,
                      "409": CLOSED, "422": INVALID},
    }},
    "/relationships/{relationship_id}": {"delete": {
        "operationId": "removeRelationship",
        "summary": "Forget one relationship",
        "parameters": [path_id("relationship_id")],
        "responses": {"204": NO_CONTENT, "401": UNAUTHORIZED, "404": NOT_YOURS, "409": CLOSED},
    }},
    "/opportunities/{opportunity_id}/buying-center.svg": {"get": {
        "operationId": "buyingCenterDiagram",
        "summary": "The buying center drawn as SVG, with a legend",
        "description": "Rows by reporting lines; fill by attitude, size and border by influence, a badge per "
                       "role; formal lines solid arrows, informal ones dashed; width by strength.",
        "parameters": [path_id("opportunity_id")],
        "responses": {"200": {"description": "The diagram.",
                              "content": {"image/svg+xml": {"schema": {"type": "string"}}}},
                      "401": UNAUTHORIZED, "404": NOT_YOURS},
    }},
}

