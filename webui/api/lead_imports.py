"""Lead imports (M11): upload a file, see an import, revert it, download its rejects.

    POST /lead-imports                 multipart/form-data: ``file``; ``map`` (repeatable
                                       COLUMN=field, in the form or the query), ``dry_run``,
                                       ``owner``; runs the import and answers it (201)
    GET  /lead-imports                 the caller's imports (an admin's: all), newest first
    GET  /lead-imports/{id}            one import; while it runs, its progress
    POST /lead-imports/{id}/revert     undo it
    GET  /lead-imports/{id}/rejects    the rejects file (text/csv)

The upload is saved under a name the server picks (``Engine.lead_upload_path``) and
removed after the run. A lead file may be far larger than the 1 MiB every other
request may carry: this route alone takes up to LEAD_UPLOAD_MAX_BYTES (config), else
DEALFLOW_MAX_LEAD_UPLOAD, else 64 MiB (≈ 300,000 rows of a typical CSV); larger is 413.
Documented in webui/api/openapi/lead_imports.py.
"""

from __future__ import annotations

import os

from flask import current_app, jsonify, request, send_file

from webui.api.blueprint import bp, facade, username
from webui.api.parsing import refuse
from webui.api.shapes import when
from webui.errors import HttpError

DEFAULT_UPLOAD_MAX = 64 * 1024 * 1024
FORM_FIELDS = ("file", "map", "dry_run", "owner")
TRUE, FALSE = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


def lead_upload_limit() -> int:
    """The largest lead file (request body) accepted, in bytes."""
    configured = current_app.config.get("LEAD_UPLOAD_MAX_BYTES") or os.environ.get("DEALFLOW_MAX_LEAD_UPLOAD")
    return int(configured or DEFAULT_UPLOAD_MAX)


@bp.post("/lead-imports")
def create_lead_import():
    request.max_content_length = lead_upload_limit()  # before the body is read (Flask >= 3.1)
    errors = {name: f"unknown field; use {', '.join(FORM_FIELDS)}"
              for name in (*request.form, *request.files) if name not in FORM_FIELDS}
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        errors["file"] = "send the lead file (CSV or XLSX) as the multipart field 'file'"
    dry_run = (request.form.get("dry_run") or request.args.get("dry_run") or "").strip().lower()
    if dry_run not in TRUE + FALSE:
        errors["dry_run"] = "send true or false"
    refuse(errors)
    maps = [*request.args.getlist("map"), *request.form.getlist("map")]
    owner = request.form.get("owner") or None
    engine = facade()
    path = engine.lead_upload_path(upload.filename)
    try:
        upload.save(path)
        upload.close()  # werkzeug's spooled copy: closed now, not whenever it is collected
        view = engine.import_leads(path, maps=maps, actor=username(), dry_run=dry_run in TRUE,
                                   file_name=upload.filename, owner=owner)
    finally:
        path.unlink(missing_ok=True)
    return jsonify(lead_import_json(view)), 201


@bp.get("/lead-imports")
def list_lead_imports():
    return jsonify([lead_import_json(view) for view in facade().lead_imports(viewer=username())])


@bp.get("/lead-imports/<int:import_id>")
def show_lead_import(import_id: int):
    return jsonify(lead_import_json(facade().lead_import(import_id, viewer=username())))


@bp.post("/lead-imports/<int:import_id>/revert")
def revert_lead_import(import_id: int):
    if request.get_data(cache=False).strip():
        raise HttpError(422, "send no body", {"body": "this request takes no body"})
    return jsonify(lead_import_json(facade().revert_lead_import(import_id, actor=username())))


@bp.get("/lead-imports/<int:import_id>/rejects")
def lead_import_rejects(import_id: int):
    path = facade().lead_rejects_file(import_id, viewer=username())
    return send_file(path, mimetype="text/csv", as_attachment=True, download_name=path.name, max_age=0)


def lead_import_json(view) -> dict:
    """The LeadImport schema."""
    return {
        "id": view.id, "file_name": view.file_name, "status": view.status, "dry_run": view.dry_run,
        "total_rows": view.total_rows, "processed_rows": view.processed_rows,
        "counts": {"created": view.created, "updated": view.updated, "unchanged": view.unchanged,
                   "duplicates": view.duplicates, "rejected": view.rejected},
        "summary": view.summary, "rejects_file": view.rejects_file,
        "matches": [{"row": m.row, "outcome": m.outcome, "key": m.key, "value": m.value, "kept_row": m.kept_row,
                     "partner_id": m.partner_id, "partner_name": m.partner_name} for m in view.matches],
        "more_matches": view.more_matches, "error": view.error, "started_at": when(view.started_at),
        "finished_at": when(view.finished_at), "actor": view.actor, "reverted_at": when(view.reverted_at),
        "reverted_by": view.reverted_by, "may_revert": view.may_revert,
        "revert": ({name: int(view.revert.get(name, 0)) for name in ("deleted", "archived", "restored", "kept")}
                   if view.revert else None),
    }
