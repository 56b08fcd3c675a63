"""Blueprint 'lead_import': a manager's lead import on a page (M11).

    GET  /leads/import                   the upload form and the imports so far
    POST /leads/import                   upload a CSV or XLSX file -> its preview
    GET  /leads/import/files/<token>     the preview: first rows, a field per column
    POST /leads/import/files/<token>     check the mapping again, or start a dry run / the import
    GET  /leads/import/<id>              progress while it runs, then the result
    GET  /leads/import/<id>/status       the progress as JSON (static/lead_import.js polls it)
    GET  /leads/import/<id>/rejects      the rejects file
    GET  /leads/import/<id>/revert       what a revert does, and its confirm button
    POST /leads/import/<id>/revert       revert it
    POST /leads/import/<id>/resume       go on with an interrupted import (its worker died)

The upload is saved where the engine says (``Engine.lead_upload_path``: a folder of
the server's, a random name); the browser only ever holds a random token that this
user's session maps to that file, never a path. The import runs in a thread of the
web process (webui/lead_runs.py) and the page follows it. Lead files are larger than
any form: this blueprint's uploads may be LEAD_UPLOAD_MAX_BYTES (default
DEALFLOW_MAX_LEAD_UPLOAD, else 64 MiB) instead of the app's MAX_CONTENT_LENGTH.

Who may: managers and admins (the façade decides; 403 for everyone else).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import (Blueprint, Flask, current_app, flash, jsonify, redirect, render_template, request, send_file,
                   session, url_for)
from flask_login import current_user, login_required
from werkzeug.exceptions import Forbidden, NotFound, RequestEntityTooLarge
from werkzeug.routing import BuildError

from engine.errors import DealflowError, FormError, NotFoundError, PermissionDeniedError

from webui.app_engine import engine_of
from webui.errors import answer
from webui.lead_runs import runner_of

bp = Blueprint("lead_import", __name__)

UPLOADS = "lead_uploads"       # session key: token -> {"path", "name"}
KEPT_UPLOADS = 5               # tokens a session remembers
ACTIONS = ("check", "dry_run", "import")
NOT_IMPORTED = ""              # a column left as the file has it (unknown: not imported)
IGNORE = "ignore"
DEFAULT_UPLOAD_LIMIT = 64 * 1024 * 1024


def init_app(app: Flask) -> None:
    """The upload's own body limit, set before anything reads the form (the CSRF
    check does): register before ``pages.init_app``."""
    app.config.setdefault("LEAD_UPLOAD_MAX_BYTES",
                          int(os.environ.get("DEALFLOW_MAX_LEAD_UPLOAD") or DEFAULT_UPLOAD_LIMIT))

    @app.before_request
    def lead_upload_limit():
        if request.endpoint == "lead_import.upload":
            request.max_content_length = app.config["LEAD_UPLOAD_MAX_BYTES"]


def _megabytes(limit: int) -> str:
    return f"{limit / (1024 * 1024):.0f} MB"


def _index(status: int = 200, error: str | None = None):
    imports = engine_of(current_app).lead_imports(viewer=current_user.username)  # 403 for reps and designers
    return render_template("lead_import.html", imports=imports, error=error,
                           limit=_megabytes(current_app.config["LEAD_UPLOAD_MAX_BYTES"])), status


@bp.context_processor
def links():
    def partner_link(partner_id: int) -> str | None:
        """The partner's page, once the partner pages are there (partner-web's blueprint)."""
        try:
            return url_for("partners.show", partner_id=partner_id)
        except BuildError:
            return None
    return {"partner_link": partner_link}


@bp.get("/leads/import")
@login_required
def index():
    return _index()


@bp.errorhandler(RequestEntityTooLarge)
def too_large(err):
    if not current_user.is_authenticated:
        return answer(err)
    limit = _megabytes(current_app.config["LEAD_UPLOAD_MAX_BYTES"])
    return _index(413, f"The file is larger than {limit}, the most this site takes. Split it into smaller "
                       "files, or import it with 'dealflow import leads' on the server.")


@bp.post("/leads/import")
@login_required
def upload():
    if not current_user.view.may_import_leads:
        raise Forbidden()  # before anything is saved
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        return _index(422, "Choose a CSV or XLSX file to import.")
    path = engine_of(current_app).lead_upload_path(sent.filename)
    sent.save(path)
    token = secrets.token_urlsafe(16)
    uploads = dict(session.get(UPLOADS) or {})
    for old in list(uploads)[:-(KEPT_UPLOADS - 1)]:
        uploads.pop(old)
    uploads[token] = {"path": str(path), "name": Path(sent.filename).name[:300]}
    session[UPLOADS] = uploads
    return redirect(url_for("lead_import.preview", token=token), 303)


def _upload(token: str) -> tuple[Path, str]:
    """The uploaded file of this session's ``token``; 404 for any other token."""
    found = (session.get(UPLOADS) or {}).get(token)
    if not found or not Path(found["path"]).is_file():
        raise NotFound("no such upload: upload the file again")
    return Path(found["path"]), found["name"]


def _preview_page(token: str, maps: list[str], status: int = 200, errors: dict | None = None):
    path, name = _upload(token)
    engine = engine_of(current_app)
    preview = engine.preview_leads(path, maps=maps, actor=current_user.username, file_name=name)
    owners = [u for u in engine.list_users() if u.may_own_deals]
    status = status if preview.kind is not None else 422
    return render_template("lead_preview.html", preview=preview, token=token, maps=maps, owners=owners,
                           owner=request.form.get("owner", ""), errors=errors or {},
                           column_problems={p.about: p.message for p in preview.problems},
                           column_names={c.name for c in preview.columns}), status


@bp.get("/leads/import/files/<token>")
@login_required
def preview(token: str):
    return _preview_page(token, request.args.getlist("map"))


@bp.post("/leads/import/files/<token>")
@login_required
def run(token: str):
    path, name = _upload(token)
    engine = engine_of(current_app)
    base = engine.preview_leads(path, maps=(), actor=current_user.username, file_name=name)
    maps = _maps(base.columns)
    action = request.form.get("action", "check")
    if action not in ACTIONS or action == "check":
        return redirect(url_for("lead_import.preview", token=token, map=maps), 303)
    try:
        import_id = engine.start_lead_import(path, file_name=name, maps=maps, actor=current_user.username,
                                             dry_run=action == "dry_run", owner=request.form.get("owner") or None)
    except PermissionDeniedError:
        raise
    except FormError as err:
        return _preview_page(token, maps, 422, errors=err.fields)
    except DealflowError as err:
        flash(str(err), "error")
        return _preview_page(token, maps, 422)
    dry_run = action == "dry_run"
    if not dry_run:  # the file is the import's now; a dry run leaves it for the real one
        uploads = dict(session.get(UPLOADS) or {})
        uploads.pop(token, None)
        session[UPLOADS] = uploads
    runner_of(current_app).start(import_id, remove_after=None if dry_run else path)
    return redirect(url_for("lead_import.show", import_id=import_id), 303)


def _maps(columns) -> list[str]:
    """COLUMN=field for each column the form names a field (or "ignore") for; a
    column left as "not imported" keeps no map (it stays unknown)."""
    maps = []
    for column in columns:
        chosen = request.form.get(f"col-{column.index}", NOT_IMPORTED)
        if chosen != NOT_IMPORTED and column.name.strip():
            maps.append(f"{column.name.strip()}={chosen}")
    return maps


@bp.get("/leads/import/<int:import_id>")
@login_required
def show(import_id: int):
    engine = engine_of(current_app)
    job = engine.lead_import(import_id, viewer=current_user.username)
    return render_template("lead_result.html", job=job, imports=engine.lead_imports(viewer=current_user.username))


@bp.get("/leads/import/<int:import_id>/status")
@login_required
def status(import_id: int):
    job = engine_of(current_app).lead_import(import_id, viewer=current_user.username)
    return jsonify(id=job.id, status=job.status, running=job.status == "running", percent=job.percent,
                   processed_rows=job.processed_rows, total_rows=job.total_rows, summary=job.summary)


@bp.get("/leads/import/<int:import_id>/rejects")
@login_required
def rejects(import_id: int):
    engine = engine_of(current_app)
    path = engine.lead_rejects_file(import_id, viewer=current_user.username)
    job = engine.lead_import(import_id, viewer=current_user.username)
    return send_file(path, mimetype="text/csv", as_attachment=True,
                     download_name=job.rejects_file or f"lead-import-{import_id}-rejects.csv")


@bp.post("/leads/import/<int:import_id>/resume")
@login_required
def resume(import_id: int):
    try:
        engine_of(current_app).resume_lead_import(import_id, actor=current_user.username)
    except (PermissionDeniedError, NotFoundError):
        raise
    except DealflowError as err:
        flash(str(err), "error")  # e.g. not interrupted, or its file is gone
        return redirect(url_for("lead_import.show", import_id=import_id), 303)
    runner_of(current_app).start(import_id)
    flash(f"Import #{import_id} resumed after row {_done(import_id)}.", "success")
    return redirect(url_for("lead_import.show", import_id=import_id), 303)


def _done(import_id: int) -> int:
    return engine_of(current_app).lead_import(import_id, viewer=current_user.username).processed_rows


@bp.get("/leads/import/<int:import_id>/revert")
@login_required
def confirm_revert(import_id: int):
    job = engine_of(current_app).lead_import(import_id, viewer=current_user.username)
    return render_template("lead_revert.html", job=job)


@bp.post("/leads/import/<int:import_id>/revert")
@login_required
def revert(import_id: int):
    try:
        job = engine_of(current_app).revert_lead_import(import_id, actor=current_user.username)
    except (PermissionDeniedError, NotFoundError):
        raise
    except DealflowError as err:
        flash(str(err), "error")  # e.g. reverted already, or still running
        return redirect(url_for("lead_import.show", import_id=import_id), 303)
    done = job.revert or {}
    flash(f"Import #{import_id} reverted: {done.get('deleted', 0)} partner(s) deleted, "
          f"{done.get('archived', 0)} archived (in use), {done.get('restored', 0)} restored, "
          f"{done.get('kept', 0)} kept (changed since).", "success")
    return redirect(url_for("lead_import.show", import_id=import_id), 303)
