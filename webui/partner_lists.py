"""Blueprint 'partner_lists': the Lists page (M11) — saved call and mailing lists with
their downloads, saving a new one from the partner list's filters, renaming and
deleting; and, for managers and admins, archiving inactive prospects (a dry-run
preview first, then a confirm) with the archivals so far and their undo.

    GET  /lists                          the page
    POST /lists                          save a list (name, purpose, the filters)
    GET  /lists/<id>                     a list's lines as they are now
    GET  /lists/<id>/export.<csv|xlsx>   its download
    POST /lists/<id>/rename, /delete
    POST /lists/archive/preview          the dry run
    POST /lists/archive                  archive (the confirm form of the preview)
    POST /lists/archivals/<id>/undo

The façade decides who may (a designer: 403; another's list: 404)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine.errors import DealflowError, FormError, NotFoundError, PermissionDeniedError

from webui.app_engine import engine_of

bp = Blueprint("partner_lists", __name__)

FILTERS = ("text", "kind", "territory", "channel", "industry", "owner", "source", "status")
KINDS = ("prospect", "customer", "reseller", "supplier")


def _page(status: int = 200, *, form: dict | None = None, errors: dict | None = None, preview=None,
          months: str = "12"):
    engine = engine_of(current_app)
    viewer = current_user.username
    lists = engine.partner_lists(viewer=viewer)  # 403 for designers
    archivals = engine.partner_archivals(viewer=viewer) if current_user.view.may_archive_partners else []
    return render_template("partner_lists.html", lists=lists, archivals=archivals, form=form or {},
                           errors=errors or {}, preview=preview, months=months, kinds=KINDS), status


def _refusals():
    """Refusals stay HTTP errors; everything else a user can fix is said on the page."""
    return (PermissionDeniedError, NotFoundError)


@bp.get("/lists")
@login_required
def index():
    return _page()


@bp.post("/lists")
@login_required
def save():
    form = {name: request.form.get(name, "").strip() for name in ("name", "purpose", *FILTERS)}
    criteria = {name: form[name] for name in FILTERS if form[name]}
    try:
        saved = engine_of(current_app).save_partner_list(name=form["name"], purpose=form["purpose"],
                                                         criteria=criteria, actor=current_user.username)
    except _refusals():
        raise
    except FormError as err:
        return _page(422, form=form, errors=err.fields)
    flash(f"List “{saved.name}” saved.", "success")
    return redirect(url_for("partner_lists.show", list_id=saved.id), 303)


@bp.get("/lists/<int:list_id>")
@login_required
def show(list_id: int):
    page = engine_of(current_app).partner_list(list_id, viewer=current_user.username)
    return render_template("partner_list.html", page=page)


@bp.get("/lists/<int:list_id>/export.<kind>")
@login_required
def export(list_id: int, kind: str):
    if kind not in ("csv", "xlsx"):
        raise NotFoundError(f"no export as {kind}")
    exported = engine_of(current_app).export_partner_list(list_id, format=kind, viewer=current_user.username)
    return Response(exported.content, mimetype=exported.content_type.split(";")[0],
                    headers={"Content-Disposition": f'attachment; filename="{exported.file_name}"'})


@bp.post("/lists/<int:list_id>/rename")
@login_required
def rename(list_id: int):
    try:
        saved = engine_of(current_app).rename_partner_list(list_id, name=request.form.get("name", ""),
                                                           actor=current_user.username)
    except _refusals():
        raise
    except FormError as err:
        flash(f"The list keeps its name: {'; '.join(err.fields.values())}", "error")
        return redirect(url_for("partner_lists.index"), 303)
    flash(f"List renamed to “{saved.name}”.", "success")
    return redirect(url_for("partner_lists.index"), 303)


@bp.post("/lists/<int:list_id>/delete")
@login_required
def delete(list_id: int):
    gone = engine_of(current_app).delete_partner_list(list_id, actor=current_user.username)
    flash(f"List “{gone.name}” deleted; its partners stay as they are.", "success")
    return redirect(url_for("partner_lists.index"), 303)


@bp.post("/lists/archive/preview")
@login_required
def archive_preview():
    months = request.form.get("months", "").strip()
    try:
        report = engine_of(current_app).archive_inactive_prospects(months=months, actor=current_user.username,
                                                                   dry_run=True)
    except _refusals():
        raise
    except FormError as err:
        return _page(422, errors=err.fields, months=months)
    return _page(preview=report, months=months)


@bp.post("/lists/archive")
@login_required
def archive():
    months = request.form.get("months", "").strip()
    try:
        report = engine_of(current_app).archive_inactive_prospects(months=months, actor=current_user.username)
    except _refusals():
        raise
    except FormError as err:
        return _page(422, errors=err.fields, months=months)
    if report.archival_id is None:
        flash("No prospect is inactive that long any more: nothing was archived.", "info")
    else:
        flash(f"Archival #{report.archival_id}: {report.count} inactive prospect(s) archived. "
              "Undo it below if that was a mistake.", "success")
    return redirect(url_for("partner_lists.index"), 303)


@bp.post("/lists/archivals/<int:archival_id>/undo")
@login_required
def undo(archival_id: int):
    try:
        report = engine_of(current_app).undo_archival(archival_id, actor=current_user.username)
    except _refusals():
        raise
    except DealflowError as err:
        flash(str(err), "error")  # undone already
        return redirect(url_for("partner_lists.index"), 303)
    skipped = f"; {report.skipped} no longer archived by it left alone" if report.skipped else ""
    flash(f"Archival #{archival_id} undone: {report.count} partner(s) restored{skipped}.", "success")
    return redirect(url_for("partner_lists.index"), 303)
