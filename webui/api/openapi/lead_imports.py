"""The document's lead imports (M11): the upload, one import (its progress, counts,
summary, duplicate and matched rows), the revert and the rejects file."""

from __future__ import annotations

from webui.api.openapi.parts import (NOT_YOURS, NULLABLE_DATETIME, UNAUTHORIZED, answer, error, nullable, path_id,
                                     record, ref)

COUNT = {"type": "integer", "minimum": 0}
IMPORT_ID = path_id("import_id")
ROLE = error("Only managers and admins import leads (a rep or a designer is refused).")

SCHEMAS = {
    "LeadImportUpload": {
        "type": "object", "required": ["file"], "additionalProperties": False,
        "properties": {
            "file": {"type": "string", "contentMediaType": "application/octet-stream",
                     "description": "The lead file: CSV (UTF-8, UTF-16 or Windows-1250; the delimiter is found) "
                                    "or XLSX, told apart by its content."},
            "map": {"type": "array", "items": {"type": "string", "pattern": "="},
                    "description": "COLUMN=field overrides (COLUMN=ignore leaves a column out), where a "
                                   "column's name does not say its field. Also accepted in the query."},
            "dry_run": {"type": "string", "enum": ["true", "false", "1", "0"], "default": "false",
                        "description": "Count what would happen; change nothing."},
            "owner": {"type": "string", "description": "The rep new partners go to (one of the caller's "
                                                       "teams; an admin: any rep). Default: unassigned."},
        },
    },
    "LeadMatch": record({
        "row": {"type": "integer", "description": "The file's row number, as a spreadsheet shows it."},
        "outcome": {"type": "string", "enum": ["duplicate", "updated", "unchanged"],
                    "description": "duplicate: a later row of a company the file names twice (not imported); "
                                   "updated/unchanged: the row matched an existing partner."},
        "key": {"type": "string", "enum": ["tax id", "name and city", "e-mail domain"]},
        "value": {"type": "string", "description": "The shared key, e.g. PL5261041147."},
        "kept_row": nullable("integer", description="A duplicate: the row that was imported."),
        "partner_id": nullable("integer", description="The existing partner matched."),
        "partner_name": nullable("string"),
    }, "A row of the file that matched another row or a partner already there."),
    "LeadImportCounts": record({name: COUNT for name in ("created", "updated", "unchanged", "duplicates",
                                                          "rejected")},
                               "What became of each data row; they add up to the rows."),
    "LeadImportRevert": record({name: COUNT for name in ("deleted", "archived", "restored", "kept")},
                               "What a revert did: partners deleted or archived (when a deal or an activity "
                               "uses them), fields emptied again or kept (changed since)."),
    "LeadImport": record({
        "id": {"type": "integer"},
        "file_name": {"type": "string"},
        "status": {"type": "string", "enum": ["running", "interrupted", "done", "failed", "reverted"],
                   "description": "interrupted: running, but not heard of for DEALFLOW_LEAD_IMPORT_STALE_MINUTES "
                                  "(its worker died); it may be reverted, or resumed on its page."},
        "dry_run": {"type": "boolean"},
        "total_rows": nullable("integer", description="Data rows; null until the file was read through."),
        "processed_rows": COUNT,
        "counts": ref("LeadImportCounts"),
        "summary": {"type": "string",
                    "examples": ["created 12, updated 0, unchanged 0, duplicates 3, rejected 5 "
                                 "(rejects: lead-import-7-rejects.csv)"]},
        "rejects_file": nullable("string", description="The rejects file's name (GET .../rejects); null when "
                                                       "no row was refused."),
        "matches": {"type": "array", "items": ref("LeadMatch"), "description": "The first 1,000."},
        "more_matches": COUNT,
        "error": nullable("string", description="Why a failed import stopped."),
        "started_at": {"type": "string", "format": "date-time"},
        "finished_at": NULLABLE_DATETIME,
        "actor": nullable("string"),
        "reverted_at": NULLABLE_DATETIME,
        "reverted_by": nullable("string"),
        "may_revert": {"type": "boolean"},
        "revert": {"oneOf": [ref("LeadImportRevert"), {"type": "null"}]},
    }, "One lead import or dry run."),
}

PATHS = {
    "/lead-imports": {
        "post": {
            "operationId": "importLeads",
            "summary": "Import a lead file (or dry-run it)",
            "description": "Runs the import and answers it. New companies become prospects; a row matching a "
                           "partner (tax id, name and city, e-mail domain) fills its empty fields only; "
                           "refused rows go to the rejects file. The body may be up to 64 MiB (the server's "
                           "DEALFLOW_MAX_LEAD_UPLOAD).",
            "parameters": [{"name": "map", "in": "query", "required": False,
                            "schema": {"type": "array", "items": {"type": "string"}},
                            "style": "form", "explode": True, "description": "COLUMN=field, repeatable."}],
            "requestBody": {"required": True, "content": {"multipart/form-data": {
                "schema": ref("LeadImportUpload"),
                "encoding": {"file": {"contentType": "application/octet-stream"}}}}},
            "responses": {
                "201": answer(ref("LeadImport"), "Imported (or counted, for a dry run)."),
                "401": UNAUTHORIZED,
                "403": ROLE,
                "404": error("The owner named is no user."),
                "413": error("The file is larger than the server accepts."),
                "422": error("The file cannot be read, a map is wrong (fields: file, map, or the column), or "
                             "the file has more rows than allowed."),
            },
        },
        "get": {
            "operationId": "listLeadImports",
            "summary": "The caller's lead imports (an admin's: everyone's), newest first",
            "responses": {
                "200": answer({"type": "array", "items": ref("LeadImport")}, "The imports."),
                "401": UNAUTHORIZED,
                "403": ROLE,
            },
        },
    },
    "/lead-imports/{import_id}": {"get": {
        "operationId": "showLeadImport",
        "summary": "One lead import: poll it for its progress while it runs",
        "parameters": [IMPORT_ID],
        "responses": {
            "200": answer(ref("LeadImport"), "The import."),
            "401": UNAUTHORIZED,
            "403": ROLE,
            "404": NOT_YOURS,
        },
    }},
    "/lead-imports/{import_id}/revert": {"post": {
        "operationId": "revertLeadImport",
        "summary": "Undo a lead import",
        "description": "Partners it created are deleted, or archived when a deal, an activity or a buying "
                       "center uses them; fields it filled are emptied unless changed since. Once.",
        "parameters": [IMPORT_ID],
        "responses": {
            "200": answer(ref("LeadImport"), "Reverted."),
            "401": UNAUTHORIZED,
            "403": ROLE,
            "404": NOT_YOURS,
            "409": error("Reverted already, still running, or a dry run."),
            "422": error("A body was sent; the request takes none."),
        },
    }},
    "/lead-imports/{import_id}/rejects": {"get": {
        "operationId": "leadImportRejects",
        "summary": "The rejects file: row, column, reason, then the row's values as they were",
        "parameters": [IMPORT_ID],
        "responses": {
            "200": {"description": "The CSV file (UTF-8 with a byte-order mark, the lead file's delimiter).",
                    "content": {"text/csv": {"schema": {"type": "string"}}}},
            "401": UNAUTHORIZED,
            "403": ROLE,
            "404": error("No such import the caller may see, or it refused no row."),
        },
    }},
}
