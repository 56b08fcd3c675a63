"""The document's call and mailing lists (SavedPartnerList, its lines and exports), the
archival of inactive prospects (PartnerArchival, ArchivalReport) and deleting a
partner."""

from __future__ import annotations

from webui.api.openapi.parts import (DATETIME, NO_CONTENT, NOT_YOURS, NULLABLE_DATETIME, UNAUTHORIZED, answer, error,
                                     nullable, path_id, record, ref)

LIST_ID = path_id("list_id")
ARCHIVAL_ID = path_id("archival_id")
FORBIDDEN = error("The caller may not do this (e.g. a designer keeps no lists; only managers and admins archive).")
INVALID = error("A field is wrong; one message per field.")
PURPOSE = {"type": "string", "enum": ["call", "mailing"],
           "description": "A mailing list keeps only partners with an e-mail address."}
CRITERIA = {"type": "object", "additionalProperties": {"type": "string"},
            "description": "The partner list's filters: text, kind, territory, channel, industry, owner "
                           "(a username), source, status (active, archived, all; active when left out).",
            "examples": [{"kind": "prospect", "territory": "north"}]}
ARCHIVED_PARTNER = record({"id": {"type": "integer"}, "name": {"type": "string"}, "city": nullable("string"),
                           "owner": nullable("string"), "created_at": DATETIME})

SCHEMAS = {
    "SavedPartnerList": record({
        "id": {"type": "integer"}, "name": {"type": "string"}, "purpose": PURPOSE, "criteria": CRITERIA,
        "owner": {"type": "string"}, "created_at": DATETIME,
        "may_change": {"type": "boolean", "description": "The caller may rename or delete it."},
    }, "A saved partner filter: a call or mailing list. Its partners are read when it is shown or exported, "
       "for whoever reads it."),
    "PartnerListLines": record({
        "list": ref("SavedPartnerList"),
        "total": {"type": "integer", "description": "Lines in all; `entries` holds the first 200."},
        "entries": {"type": "array", "items": record({
            "partner_id": {"type": "integer"}, "partner": {"type": "string"}, "tax_id": {"type": "string"},
            "city": {"type": "string"}, "contact": {"type": "string", "description": "Whom to call or write to."},
            "function": {"type": "string"}, "phone": {"type": "string"}, "email": {"type": "string"},
            "owner": {"type": "string"}})},
    }),
    "PartnerArchival": record({
        "id": {"type": "integer"}, "at": DATETIME, "by": nullable("string"), "months": nullable("integer"),
        "count": {"type": "integer"}, "undone_at": NULLABLE_DATETIME, "undone_by": nullable("string"),
    }),
    "ArchivalReport": record({
        "archival_id": nullable("integer", description="null for a dry run, or when nothing was archived."),
        "dry_run": {"type": "boolean"}, "undone": {"type": "boolean"},
        "months": nullable("integer"), "cutoff": NULLABLE_DATETIME,
        "count": {"type": "integer"},
        "skipped": {"type": "integer", "description": "An undo: partners no longer archived by it, left alone."},
        "partners": {"type": "array", "items": ARCHIVED_PARTNER},
    }, "What an archival, its dry run or its undo did or would do."),
}

PATHS = {
    "/partner-lists": {
        "get": {"operationId": "partnerLists", "summary": "The caller's saved lists (an admin's: everyone's)",
                "responses": {"200": answer(record({"items": {"type": "array", "items": ref("SavedPartnerList")}}),
                                            "The lists, by name."),
                              "401": UNAUTHORIZED, "403": FORBIDDEN}},
        "post": {"operationId": "savePartnerList", "summary": "Save the partner list's filters as a call or mailing list",
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "required": ["name"], "additionalProperties": False,
                     "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 120},
                                    "purpose": {**PURPOSE, "default": "call"}, "criteria": CRITERIA}}}}},
                 "responses": {"201": answer(ref("SavedPartnerList"), "Saved (Location: the list)."),
                               "401": UNAUTHORIZED, "403": FORBIDDEN, "422": INVALID}},
    },
    "/partner-lists/{list_id}": {
        "get": {"operationId": "showPartnerList", "summary": "A list's lines as they are now",
                "parameters": [LIST_ID],
                "responses": {"200": answer(ref("PartnerListLines"), "The list."), "401": UNAUTHORIZED,
                              "403": FORBIDDEN, "404": NOT_YOURS}},
        "patch": {"operationId": "renamePartnerList", "summary": "Rename a list (its owner or an admin)",
                  "parameters": [LIST_ID],
                  "requestBody": {"required": True, "content": {"application/json": {"schema": {
                      "type": "object", "required": ["name"], "additionalProperties": False,
                      "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 120}}}}}},
                  "responses": {"200": answer(ref("SavedPartnerList"), "Renamed."), "401": UNAUTHORIZED,
                                "403": FORBIDDEN, "404": NOT_YOURS, "422": INVALID}},
        "delete": {"operationId": "deletePartnerList", "summary": "Delete a list (its partners stay)",
                   "parameters": [LIST_ID],
                   "responses": {"204": NO_CONTENT, "401": UNAUTHORIZED, "403": FORBIDDEN, "404": NOT_YOURS}},
    },
    "/partner-lists/{list_id}/export": {"get": {
        "operationId": "exportPartnerList", "summary": "Every line of a list as a CSV or XLSX file",
        "description": "Columns: Partner, Tax id, City, Contact, Function, Phone, E-mail, Owner. The CSV is UTF-8 "
                       "with a byte-order mark; a value that would run as a spreadsheet formula is written behind "
                       "an apostrophe. The XLSX stores every value as text.",
        "parameters": [LIST_ID, {"name": "format", "in": "query", "required": False,
                                 "schema": {"type": "string", "enum": ["csv", "xlsx"], "default": "csv"}}],
        "responses": {
            "200": {"description": "The file, as an attachment.", "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                    "schema": {"type": "string", "contentEncoding": "binary"}}}},
            "401": UNAUTHORIZED, "403": FORBIDDEN, "404": NOT_YOURS, "422": INVALID},
    }},
    "/partner-archivals": {
        "get": {"operationId": "partnerArchivals",
                "summary": "The latest archivals of inactive prospects (a manager's own; an admin's: all)",
                "responses": {"200": answer(record({"items": {"type": "array", "items": ref("PartnerArchival")}}),
                                            "Newest first."),
                              "401": UNAUTHORIZED, "403": FORBIDDEN}},
        "post": {"operationId": "archiveInactiveProspects",
                 "summary": "Archive the prospects with no deal, activity or change for `months` months",
                 "description": "Only the prospects the caller may archive one by one (a manager: their teams' "
                                "and unowned ones). `dry_run` lists them and changes nothing.",
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "required": ["months"], "additionalProperties": False,
                     "properties": {"months": {"type": "integer", "minimum": 1, "maximum": 120},
                                    "dry_run": {"type": "boolean", "default": False}}}}}},
                 "responses": {"200": answer(ref("ArchivalReport"), "A dry run, or nothing to archive."),
                               "201": answer(ref("ArchivalReport"), "Archived."),
                               "401": UNAUTHORIZED, "403": FORBIDDEN, "422": INVALID}},
    },
    "/partner-archivals/{archival_id}/undo": {"post": {
        "operationId": "undoArchival", "summary": "Restore the partners an archival archived (those still archived by it)",
        "parameters": [ARCHIVAL_ID],
        "responses": {"200": answer(ref("ArchivalReport"), "Undone."), "401": UNAUTHORIZED, "403": FORBIDDEN,
                      "404": NOT_YOURS, "409": error("Undone already.")},
    }},
    "/partners/{partner_id}": {"delete": {
        "operationId": "deletePartner",
        "summary": "Delete a partner for good, with its contacts and history (admins only)",
        "parameters": [path_id("partner_id")],
        "responses": {"200": answer(record({"id": {"type": "integer"}, "name": {"type": "string"}}), "Deleted."),
                      "401": UNAUTHORIZED, "403": FORBIDDEN, "404": NOT_YOURS,
                      "409": error("It has deals or activities: archive it instead.")},
    }},
}
