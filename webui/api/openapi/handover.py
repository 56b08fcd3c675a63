"""The document's hand-over of a partner to another rep: HandOver (the options, as
Salesforce's account owner change offers them) and HandOverReport."""

from __future__ import annotations

from webui.api.openapi.parts import NOT_YOURS, UNAUTHORIZED, answer, error, json_body, nullable, path_id, record, ref

IDS = {"type": "array", "items": {"type": "integer"}}

SCHEMAS = {
    "HandOver": {
        "type": "object", "required": ["to"], "additionalProperties": False,
        "properties": {
            "to": {"type": "string", "minLength": 1, "description": "The new owner: an active rep's username."},
            "closed_deals": {"type": "string", "enum": ["stay", "move"], "default": "stay",
                             "description": "Whether the old owner's won and lost deals stay with them or move."},
            "open_deals": {"type": "boolean", "default": True,
                           "description": "Move the old owner's open deals, with their open tasks of the old "
                                          "owner."},
            "others_open_deals": {"type": "boolean", "default": False,
                                  "description": "Also move the partner's open deals other reps own."},
            "activities": {"type": "boolean", "default": True,
                           "description": "Move the old owner's planned activities with the partner; done "
                                          "ones never move."},
            "dry_run": {"type": "boolean", "default": False,
                        "description": "Only answer what would move; nothing changes."},
        },
    },
    "HandOverReport": record({
        "partner_id": {"type": "integer"},
        "partner_name": {"type": "string"},
        "from_owner": nullable("string", description="The old owner; null if the partner had none."),
        "to_owner": {"type": "string"},
        "closed_deals": {"type": "string", "enum": ["stay", "move"]},
        "open_deals_moved": {**IDS, "description": "Ids of the open deals the new owner holds now."},
        "open_deals_kept": {**IDS, "description": "Ids of open deals left with their owners."},
        "tasks_moved": {"type": "integer", "minimum": 0},
        "activities_moved": {"type": "integer", "minimum": 0},
        "closed_deals_moved": IDS,
        "closed_deals_kept": IDS,
        "dry_run": {"type": "boolean", "description": "True: what would move; nothing changed."},
    }, "What one hand-over moved, and what it left where it was. History is never rewritten: the partner "
       "gets a handed_over entry, each moved deal a reassigned event."),
}

PATHS = {
    "/partners/{partner_id}/hand-over": {"post": {
        "operationId": "handOverPartner",
        "summary": "Hand a partner, its open deals, tasks and planned activities to another rep",
        "description": "In one transaction. Managers of a team the partner's owner is in, and admins; "
                       "a rep may not give a partner away.",
        "parameters": [path_id("partner_id")],
        "requestBody": json_body("HandOver"),
        "responses": {
            "200": answer(ref("HandOverReport"), "Handed over."),
            "401": UNAUTHORIZED,
            "403": error("The caller sees the partner but may not hand it over (its own rep, for one)."),
            "404": NOT_YOURS,
            "409": error("The partner is archived, or already owned by that rep, or changed meanwhile."),
            "422": error("The body has errors (no such rep, an unknown option); one message per field."),
        },
    }},
}
