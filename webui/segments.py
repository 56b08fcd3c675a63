"""Blueprint 'segments': a manager's page of the segments with the methodology each
follows, a swap in three steps (choose the segment and the new methodology; map each
stage of the current methodology to a stage of the new one by name and preview the
deals that move — a dry run, so a GET: its address shows the preview again on reload
and can be bookmarked, nothing is resubmitted; then swap) and the swap history with a
button to reverse the latest swap. The façade decides who may: managers and admins (403 for everyone else)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine.errors import DealflowError, PermissionDeniedError

from webui import error_summary
from webui.app_engine import engine_of

bp = Blueprint("segments", __name__)

MAP_PREFIX = "map-"  # one select per stage of the current methodology: map-<old stage id> = new stage id


def _page(form: dict, *, report=None, status: int = 200, refused: str | None = None):
    engine = engine_of(current_app)
    segments = engine.list_segments(viewer=current_user.username)  # 403 for reps and designers
    choices = engine.methodology_choices()
    options = None
    if form["segment"] and form["methodology"]:
        try:
            options = engine.swap_options(form["segment"], form["methodology"], viewer=current_user.username)
        except PermissionDeniedError:
            raise
        except DealflowError as err:
            flash(str(err), "error")  # e.g. a segment or methodology that does not exist
            status = max(status, 400)
    chosen = _chosen(options, form["map"]) if options else {}
    # The preview's rows, by name (SwapOptions.preview): (moving, staying).
    moving, staying = options.preview(report) if options and report else ((), ())
    # After a refused preview or swap: the error summary first, and the address of the
    # page as it is (segment, methodology, mapping) instead of the form's (issue 15).
    summary = error_summary.summary([("swap-map-form", "the swap", {"form": refused})]) if refused else None
    return render_template("segments.html", segments=segments, swaps=engine.list_swaps(), choices=choices,
                           names=engine.methodology_names(),
                           error_summary=summary, summary_url=_address(form),
                           methodologies=sorted({c.split("@")[0] for c in choices}), report=report,
                           form=form, options=options, chosen=chosen, moving=moving, staying=staying), status


def _chosen(options, posted: dict) -> dict:
    """Old stage id -> the new stage id its select shows: what was chosen, else what the
    façade suggests (engine.rules.swap_plan.suggested_targets; '' is "choose…"). A stage
    sent empty (left at "choose…", e.g. a reloaded preview's address) gets the
    suggestion again rather than staying empty."""
    return {stage.id: posted.get(stage.id) or options.suggested.get(stage.id, "") for stage in options.from_stages}


def _form(source) -> dict:
    return {"segment": source.get("segment", "").strip(), "methodology": source.get("methodology", "").strip(),
            "map": {key[len(MAP_PREFIX):]: value.strip() for key, value in source.items()
                    if key.startswith(MAP_PREFIX) and len(key) > len(MAP_PREFIX)}}


def _swap(form: dict, *, dry_run: bool):
    stage_map = {old: new for old, new in form["map"].items() if new and new != old}  # the same id is the default
    name, _, version = form["methodology"].partition("@")
    return engine_of(current_app).swap_segment(
        form["segment"], name, version=version or None, stage_map=stage_map, dry_run=dry_run,
        actor=current_user.username)


@bp.get("/segments")
@login_required
def index():
    """The page; with ``preview=1`` (the stage map's Preview button) also the dry run
    of the swap the address describes."""
    form = _form(request.args)
    if not request.args.get("preview"):
        return _page(form)
    try:
        report = _swap(form, dry_run=True)
    except PermissionDeniedError:
        raise
    except DealflowError as err:
        return _page(form, status=400, refused=str(err))
    return _page(form, report=report)


@bp.get("/segments/preview")
@bp.get("/segments/swap")
@login_required
def form_address():
    """The preview's or the swap's address opened directly (bookmarked, or reloaded
    after a refused post): the page with what the address carries, not a 405."""
    engine_of(current_app).list_segments(viewer=current_user.username)  # 403 for reps and designers
    return redirect(_address(_form(request.args)), 303)


def _address(form: dict, *, preview: bool = False) -> str:
    """The page's own address for a chosen segment, methodology and mapping (and its
    preview's, with ``preview``)."""
    mapping = {f"{MAP_PREFIX}{old}": new for old, new in form["map"].items() if new}
    chosen = {k: v for k, v in (("segment", form["segment"]), ("methodology", form["methodology"])) if v}
    extra = {"preview": "1", "_anchor": "swap-preview-result"} if preview else {}
    return url_for("segments.index", **chosen, **mapping, **extra)


@bp.post("/segments/preview")
@login_required
def preview():
    """A preview posted (the page's own form is a GET now; this keeps older pages and
    scripts working): checked as the GET checks it, then Post/Redirect/Get to the
    preview's address, so a reload shows the preview again instead of posting it."""
    form = _form(request.form)
    try:
        _swap(form, dry_run=True)
    except PermissionDeniedError:
        raise
    except DealflowError as err:
        return _page(form, status=400, refused=str(err))
    return redirect(_address(form, preview=True), 303)


@bp.post("/segments/swap")
@login_required
def swap():
    form = _form(request.form)
    try:
        report = _swap(form, dry_run=False)
    except PermissionDeniedError:
        raise
    except DealflowError as err:
        return _page(form, status=400, refused=str(err))
    flash(f"Swap #{report.swap_id}: {report.segment_id} now follows {_named(report.to_methodology)}; "
          f"{report.moved} open deal(s) moved, {report.not_moved_count} could not.", "success")
    _flash_not_moved(report)
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
          f"{_named(report.to_methodology)} again; {report.moved} deal(s) moved back, "
          f"{report.not_moved_count} could not.", "success")
    _flash_not_moved(report)
    return redirect(url_for("segments.index"), 303)


def _flash_not_moved(report) -> None:
    """Why the deals a swap or a reversal left where they are stayed, one message a
    reason, said with names as the preview says it (NotMoved.explanation)."""
    for n in report.not_moved:
        count = len(n.opportunity_ids)
        flash(f"Not moved ({count} deal{'' if count == 1 else 's'}): {n.explanation or n.reason}", "warning")


def _named(choice: str) -> str:
    """'key-account@1.0' as 'Key account 1.0' (the methodology's name and version)."""
    methodology_id, _, label = choice.partition("@")
    name = engine_of(current_app).methodology_names().get(methodology_id, methodology_id)
    return f"{name} {label}".strip()
