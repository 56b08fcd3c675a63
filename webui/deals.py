"""Blueprint 'deals': the deals lists (/deals, /deals?scope=team: search, filters, sort,
pages, sums per currency) and editing a deal's title, partner, amount, currency and close
date (/deals/<id>/edit). Each route parses the form, calls one façade method and
renders; a form that does not fit comes back with status 422, what was typed kept,
the message beside its field and the error summary first (webui/error_summary.py)."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine.errors import ConflictError, DealflowError, FormError, PermissionDeniedError

from webui import error_summary
from webui.app_engine import engine_of
from webui.forms import controls, sent
from webui.people import person

bp = Blueprint("deals", __name__)

EDIT_FIELDS = ("title", "partner", "amount", "currency", "expected_close_date")
PARTNER_CHOICES = 200  # names offered as you type; any other visible partner may still be typed


@bp.get("/deals/<int:opportunity_id>/edit")
@login_required
def edit(opportunity_id: int):
    return _edit_page(opportunity_id)


@bp.post("/deals/<int:opportunity_id>/edit")
@login_required
def save(opportunity_id: int):
    engine = engine_of(current_app)
    deal = engine.opportunity_for(opportunity_id, viewer=current_user.username)  # 404 unless visible
    typed = sent(EDIT_FIELDS, request.form)
    # Only what changed: an edit of the amount alone must not refuse an unchanged title.
    before = {"title": deal.title, "partner": deal.partner_name, "amount": f"{deal.amount:.2f}",
              "currency": deal.currency, "expected_close_date": (deal.expected_close_date.isoformat()
                                                                 if deal.expected_close_date else "")}
    changes = {name: value for name, value in typed.items() if value.strip() != before[name]}
    if not changes:
        flash("Nothing changed.", "info")
        return redirect(url_for("opportunities.show", opportunity_id=opportunity_id), 303)
    try:
        edited = engine.edit_deal(opportunity_id, changes, actor=current_user.username,
                                  row_version=_row_version(request.form.get("row_version")))
    except FormError as err:
        return _edit_page(opportunity_id, status=422, values=typed, errors=err.fields)
    except ConflictError as err:
        return _edit_page(opportunity_id, status=409, values=typed, errors={"form": str(err)})
    flash(f"Saved: {edited.title}, {edited.amount:,.2f} {edited.currency}, expected to close on "
          f"{edited.expected_close_date}.".replace(",", "\u202f"), "success")
    return redirect(url_for("opportunities.show", opportunity_id=opportunity_id), 303)


def _edit_page(opportunity_id: int, *, status: int = 200, values: dict | None = None, errors: dict | None = None):
    engine = engine_of(current_app)
    viewer = current_user.username
    deal = engine.opportunity_for(opportunity_id, viewer=viewer)  # 404 unless visible
    if not deal.may_edit or deal.status != "open":
        raise PermissionDeniedError(f"only an open deal's owner, a manager of it or an admin may edit "
                                    f"opportunity {opportunity_id}")
    names = ()
    if current_user.view.may_see_partners:
        names = tuple(p.name for p in engine.partners(viewer, {"status": "active"}, per_page=PARTNER_CHOICES).items)
    return render_template("deal_edit.html", deal=deal, partner_names=names,
                           form_state={"form": "deal-edit", "values": values or {}, "errors": errors or {}},
                           error_summary=error_summary.summary([("deal-edit-form", "the deal", errors)]),
                           summary_url=url_for("deals.edit", opportunity_id=opportunity_id)), status


def _row_version(value: str | None):
    return int(value) if value and value.isdigit() else None


FILTERS = ("q", "scope", "status", "stage", "methodology", "owner", "segment", "close_from", "close_to",
           "amount_min", "amount_max", "sort", "page", "per_page")


@bp.get("/deals")
@login_required
def index():
    params = {name: request.args[name] for name in FILTERS if name in request.args}
    engine = engine_of(current_app)
    try:
        listing = engine.deals(current_user.username, params)
    except FormError as err:
        kept = {k: v for k, v in params.items() if k not in err.fields}
        return render_template("deals.html", listing=engine.deals(current_user.username, kept), errors=err.fields,
                               typed=params), 400
    return render_template("deals.html", listing=listing, errors={}, typed=params)


NEW_FIELDS = ("title", "partner", "amount", "currency", "expected_close_date")
ROUTING_ATTRIBUTES = ("channel", "territory", "industry", "source")  # what the shipped routing reads


@bp.get("/deals/new")
@login_required
def new():
    _require_may_create()
    return _new_page({"currency": "PLN"}, {})


@bp.post("/deals/new")
@login_required
def create():
    """Two steps: ``preview`` shows what routing decides (nothing is saved); ``open``
    opens the deal with the same values and goes to its page."""
    _require_may_create()
    engine = engine_of(current_app)
    typed = sent(NEW_FIELDS + ROUTING_ATTRIBUTES, request.form)
    values = dict(title=typed.get("title", ""), amount=typed.get("amount", ""),
                  currency=(typed.get("currency") or "PLN").strip().upper(),
                  partner=typed.get("partner", ""), expected_close_date=typed.get("expected_close_date") or None,
                  attributes={k: typed[k].strip() for k in ROUTING_ATTRIBUTES if typed.get(k, "").strip()})
    start = {key.removeprefix(START): value for key, value in request.form.items() if key.startswith(START)}
    try:
        if request.form.get("step") == "open":
            opened = engine.create_opportunity(actor=current_user.username, start_form=start, **values)
            flash(f"Opened {opened.title}: {opened.segment_id}, {opened.methodology_label}, owner {person(opened.owner)}.",
                  "success")
            return redirect(url_for("opportunities.show", opportunity_id=opened.id), 303)
        preview = engine.preview_opportunity(actor=current_user.username, **values)
    except FormError as err:
        # A start form's answer refused: the preview (which opens nothing) shows the form again.
        preview = engine.preview_opportunity(actor=current_user.username, **values) \
            if any(key.startswith(START) for key in err.fields) else None
        return _new_page({**typed, **_prefixed(start)}, err.fields, status=422, preview=preview)
    except DealflowError as err:  # routing found no segment, or no owner
        return _new_page(typed, {"form": str(err)}, status=422)
    return _new_page({**typed, **_prefixed(start)}, {}, preview=preview)


START = "start_form."  # the start form's answers: start_form.FIELD, as the façade names its errors


def _prefixed(answers: dict) -> dict:
    return {START + key: value for key, value in answers.items()}


def _require_may_create() -> None:
    if not current_user.view.may_create_deals:
        raise PermissionDeniedError("only managers and admins open deals")


def _new_page(values: dict, errors: dict, *, status: int = 200, preview=None):
    names = tuple(p.name for p in engine_of(current_app).partners(
        current_user.username, {"status": "active"}, per_page=PARTNER_CHOICES).items)
    start = tuple(replace(f, id=START + f.id) for f in preview.start_form) if preview is not None else ()
    return render_template("deal_new.html", preview=preview, partner_names=names, attributes=ROUTING_ATTRIBUTES,
                           start_controls=controls(start, values, errors),
                           form_state={"form": "deal-new", "values": values, "errors": errors}), status
