"""Blueprint 'segments': a manager's page of the segments with the methodology each
follows, a swap form (a dry-run preview first, then confirm) and the swap history
with a button to reverse the latest swap. The façade decides who may: managers and
admins (403 for everyone else)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine import parse_stage_map
from engine.errors import DealflowError, PermissionDeniedError

from webui.app_engine import engine_of

bp = Blueprint("segments", __name__)


def _page(report=None, form=None, status: int = 200):
    engine = engine_of(current_app)
    segments = engine.list_segments(viewer=current_user.username)  # 403 for reps and designers
    choices = engine.methodology_choices()
    return render_template("segments.html", segments=segments, swaps=engine.list_swaps(), choices=choices,
                           methodologies=sorted({c.split("@")[0] for c in choices}), report=report,
                           form=form or {}), status


def _swap_input() -> dict:
    return {"segment": request.form.get("segment", "").strip(),
            "methodology": request.form.get("methodology", "").strip(),
            "map": request.form.get("map", "")}


def _swap(form: dict, *, dry_run: bool):
    name, _, version = form["methodology"].partition("@")
    lines = [item for line in form["map"].replace(",", "\n").splitlines() if (item := line.strip())]
    return engine_of(current_app).swap_segment(
        form["segment"], name, version=version or None, stage_map=parse_stage_map(lines), dry_run=dry_run,
        actor=current_user.username)


@bp.get("/segments")
@login_required
def index():
    return _page()


@bp.post("/segments/preview")
@login_required
def preview():
    form = _swap_input()
    try:
        report = _swap(form, dry_run=True)
    except PermissionDeniedError:
        raise
    except DealflowError as err:
        flash(str(err), "error")  # e.g. a stage name in the map that does not exist
        return _page(form=form, status=400)
    return _page(report=report, form=form)


@bp.post("/segments/swap")
@login_required
def swap():
    form = _swap_input()
    try:
        report = _swap(form, dry_run=False)
    except PermissionDeniedError:
        raise
    except DealflowError as err:
        flash(str(err), "error")
        return _page(form=form, status=400)
    flash(f"Swap #{report.swap_id}: {report.segment_id} now follows {report.to_methodology}; "
          f"{report.moved} open deal(s) moved, {report.not_moved_count} could not.", "success")
    return redirect(url_for("segments.index"), 303)


@bp.post("/segments/swaps/<int:swap_id>/reverse")
@login_required
def reverse(swap_id: int):
    if request.form.get("confirm") != "yes":  # the box the form requires (the browser may not have checked it)
        engine_of(current_app).list_segments(viewer=current_user.username)  # 403 for reps and designers
        flash(f"Swap #{swap_id} was not reversed: tick the box to confirm.", "error")
        return redirect(url_for("segments.index"), 303)
    try:
        report = engine_of(current_app).reverse_swap(swap_id, actor=current_user.username)
    except PermissionDeniedError:
        raise
    except DealflowError as err:
        flash(str(err), "error")  # e.g. already reversed, or not the latest swap
        return redirect(url_for("segments.index"), 303)
    flash(f"Swap #{swap_id} reversed (swap #{report.swap_id}): {report.segment_id} follows "
          f"{report.to_methodology} again; {report.moved} deal(s) moved back, "
          f"{report.not_moved_count} could not.", "success")
    return redirect(url_for("segments.index"), 303)
