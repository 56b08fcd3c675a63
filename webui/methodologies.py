"""Blueprint 'methodologies': the designer's screens (issue 15). The deployed
methodologies with their versions; validating the folder the server deploys from
(the app's METHODOLOGIES_PATH, the one ``dealflow serve --methodologies`` names) with
every problem as path:line: message; deploying it (the façade's deploy, as
``dealflow deploy``), then what changed; the difference between any two versions.
Changing a methodology in the browser: its draft page (upload a changed file or edit
one in a text box, see every problem beside its file, compare, deploy or discard);
the drafts live beside the methodologies folder (engine.service.drafts says why).
The façade decides who may: designers and admins (403 for everyone else)."""

from __future__ import annotations

import os

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine.errors import (ConflictError, DealflowError, FormError, MethodologyError, NotFoundError,
                           PermissionDeniedError)

from webui.app_engine import engine_of

bp = Blueprint("methodologies", __name__)
MAX_UPLOAD = 512 * 1024  # engine.service.drafts.MAX_FILE_BYTES refuses a larger file by name


@bp.errorhandler(PermissionDeniedError)
def refused(err: PermissionDeniedError):
    """A clear 403 page: whose screens these are (a rep or manager followed a link)."""
    return render_template("error.html", status=403, title="Not allowed",
                           text="The methodology screens are for designers and admins.", message=None), 403


def _folder() -> str:
    return str(current_app.config["METHODOLOGIES_PATH"])


def _drafts() -> str:
    """Where drafts are kept: METHODOLOGY_DRAFTS_PATH, else beside the methodologies folder."""
    configured = current_app.config.get("METHODOLOGY_DRAFTS_PATH")
    return str(configured) if configured else os.path.normpath(os.path.abspath(_folder())) + "-drafts"


def _just_deployed(text: str) -> list[tuple[str, int]]:
    """``key-account:2,meddpicc:1`` -> [(key-account, 2), (meddpicc, 1)]; junk is ignored."""
    pairs = []
    for item in text.split(",")[:20]:
        methodology_id, _, number = item.partition(":")
        if methodology_id and number.isdigit() and 0 < int(number) < 10**6:
            pairs.append((methodology_id, int(number)))
    return pairs


@bp.get("/methodologies")
@login_required
def index():
    engine = engine_of(current_app)
    rows = engine.methodologies_overview(viewer=current_user.username)  # 403 for reps and managers
    diffs, firsts = [], []
    for methodology_id, number in _just_deployed(request.args.get("deployed", "")):
        if number == 1:
            firsts.append(methodology_id)
            continue
        try:
            diffs.append(engine.version_diff(methodology_id, number - 1, number, viewer=current_user.username))
        except NotFoundError:
            pass  # a hand-typed address: nothing to show
    return render_template("methodologies.html", rows=rows, folder=_folder(), report=None, problems=(),
                           diffs=diffs, firsts=firsts)


@bp.get("/methodologies/validate")
@login_required
def validate():
    engine = engine_of(current_app)
    report = engine.validate_methodologies(_folder(), viewer=current_user.username)
    rows = engine.methodologies_overview(viewer=current_user.username)
    return render_template("methodologies.html", rows=rows, folder=_folder(), report=report,
                           problems=report.problems, diffs=[], firsts=[])


@bp.post("/methodologies/deploy")
@login_required
def deploy():
    engine = engine_of(current_app)
    try:
        report = engine.deploy_as(_folder(), actor=current_user.username)
    except MethodologyError as err:  # nothing was stored
        rows = engine.methodologies_overview(viewer=current_user.username)
        return render_template("methodologies.html", rows=rows, folder=_folder(), report=None, deploy_failed=True,
                               problems=tuple(str(p) for p in err.problems), diffs=[], firsts=[]), 400
    new = [v for v in report.versions if v.new]
    if not new:
        flash("Nothing to deploy: every methodology is unchanged"
              + ("; the routing rules are new." if report.routing_changed else "."), "success")
        return redirect(url_for("methodologies.index"), 303)
    flash("Deployed " + ", ".join(f"{v.methodology_id} {v.label} (its version {v.number})" for v in new)
          + ("; new routing rules in force." if report.routing_changed else "."), "success")
    return redirect(url_for("methodologies.index",
                            deployed=",".join(f"{v.methodology_id}:{v.number}" for v in new)), 303)


@bp.get("/methodologies/<methodology_id>/diff")
@login_required
def diff(methodology_id: str):
    engine = engine_of(current_app)
    rows = {row.id: row for row in engine.methodologies_overview(viewer=current_user.username)}
    row = rows.get(methodology_id)
    if row is None:
        raise NotFoundError(f"methodology '{methodology_id}' is not deployed")
    newest = row.versions[0].number
    old = request.args.get("old", type=int) or max(newest - 1, 1)
    new = request.args.get("new", type=int) or newest
    result = engine.version_diff(methodology_id, old, new, viewer=current_user.username)
    return render_template("methodology_diff.html", row=row, diff=result)


def _draft_page(methodology_id: str, *, editing: str | None = None, typed: str | None = None,
                errors: dict[str, str] | None = None, problems: tuple[str, ...] = (), status: int = 200):
    """The draft page; after a refused save, ``typed`` keeps what was typed in the text box."""
    draft = engine_of(current_app).methodology_draft(_drafts(), methodology_id, viewer=current_user.username,
                                                     editing=editing)
    return render_template("methodology_draft.html", draft=draft, typed=typed, errors=errors or {},
                           deploy_problems=problems), status


@bp.get("/methodologies/<methodology_id>/draft")
@login_required
def draft(methodology_id: str):
    return _draft_page(methodology_id, editing=request.args.get("file"))


@bp.post("/methodologies/<methodology_id>/draft/upload")
@login_required
def upload(methodology_id: str):
    sent = request.files.get("file")
    name = sent.filename if sent is not None else ""
    try:
        if not name:
            raise FormError({"file": "choose a file of this methodology to upload"})
        path = engine_of(current_app).save_draft_file(_drafts(), methodology_id, name,
                                                      sent.read(MAX_UPLOAD + 1), actor=current_user.username)
    except FormError as err:
        return _draft_page(methodology_id, errors=err.fields, status=400)
    flash(f"{path} uploaded into the draft; nothing deployed has changed.", "success")
    return redirect(url_for("methodologies.draft", methodology_id=methodology_id, file=path) + "#editor", 303)


@bp.post("/methodologies/<methodology_id>/draft/edit")
@login_required
def edit(methodology_id: str):
    path, text = request.form.get("path", ""), request.form.get("text", "")
    try:
        path = engine_of(current_app).save_draft_file(_drafts(), methodology_id, path, text,
                                                      actor=current_user.username)
    except FormError as err:  # nothing saved: the text box keeps what was typed
        return _draft_page(methodology_id, editing=path, typed=text, errors=err.fields, status=400)
    flash(f"{path} saved in the draft; nothing deployed has changed.", "success")
    return redirect(url_for("methodologies.draft", methodology_id=methodology_id, file=path) + "#editor", 303)


@bp.post("/methodologies/<methodology_id>/draft/deploy")
@login_required
def deploy_draft(methodology_id: str):
    try:
        done = engine_of(current_app).deploy_draft(_drafts(), methodology_id, actor=current_user.username,
                                                   folder=_folder())
    except MethodologyError as err:
        return _draft_page(methodology_id, problems=tuple(str(p) for p in err.problems), status=400)
    except ConflictError as err:
        flash(f"Nothing was deployed: {err}.", "error")
        return redirect(url_for("methodologies.draft", methodology_id=methodology_id), 303)
    if done.new:
        flash(f"Deployed {methodology_id} {done.label} (its version {done.number}); new deals start on it.",
              "success")
        unwritten = sorted(set(done.changed) - set(done.written))
        if unwritten:
            flash(f"The server's methodologies folder holds no writable copy of {', '.join(unwritten)}: copy the "
                  "new text there by hand, or deploying the folder makes its older text current again.", "error")
    else:
        flash(f"The draft equals {methodology_id}'s version {done.number} ({done.label}): new deals start on it "
              f"again.", "success")
    return redirect(url_for("methodologies.index", deployed=f"{methodology_id}:{done.number}"), 303)


@bp.post("/methodologies/<methodology_id>/draft/discard")
@login_required
def discard(methodology_id: str):
    if request.form.get("confirm") != "yes":
        flash("The draft was kept: tick the box to confirm throwing it away.", "error")
        return redirect(url_for("methodologies.draft", methodology_id=methodology_id), 303)
    if engine_of(current_app).discard_draft(_drafts(), methodology_id, actor=current_user.username):
        flash(f"The draft of {methodology_id} was thrown away; the deployed version is unchanged.", "success")
    return redirect(url_for("methodologies.index"), 303)


def _workers_page(secret: str | None = None, status: int = 200):
    tokens = engine_of(current_app).worker_tokens_for(viewer=current_user.username)
    response = current_app.make_response((render_template("worker_tokens.html", tokens=tokens, secret=secret),
                                          status))
    response.headers["Cache-Control"] = "no-store"  # a new token's secret is shown once
    return response


@bp.get("/methodologies/workers")
@login_required
def workers():
    return _workers_page()


@bp.post("/methodologies/workers")
@login_required
def create_worker_token():
    name = request.form.get("name", "").strip()
    topics = [t.strip() for t in request.form.get("topics", "").replace(",", " ").split() if t.strip()]
    try:
        secret = engine_of(current_app).create_worker_token_as(name, topics, actor=current_user.username)
    except PermissionDeniedError:
        raise
    except DealflowError as err:
        flash(str(err) if not isinstance(err, FormError) else "; ".join(err.fields.values()), "error")
        return redirect(url_for("methodologies.workers"), 303)
    flash(f"Worker token for {name} ({', '.join(topics)}) created.", "success")
    return _workers_page(secret)


@bp.post("/methodologies/workers/<name>/revoke")
@login_required
def revoke_worker(name: str):
    if request.form.get("confirm") != "yes":  # the box the form requires (the browser may not have checked it)
        flash(f"The tokens of worker {name} were not revoked: tick the box to confirm.", "error")
        return redirect(url_for("methodologies.workers"), 303)
    count = engine_of(current_app).revoke_worker_tokens(name, actor=current_user.username)
    flash(f"{count} token(s) of worker {name} revoked.", "success")
    return redirect(url_for("methodologies.workers"), 303)
