"""Blueprint 'buying_center': the forms of the buying-center panel on the opportunity
page (templates/_buying_center.html) — add, change and remove people, add and remove
relationships. The façade decides who may (whoever may see the deal; 404 otherwise)
and whether the deal is still open (409 once won or lost).

A change that fits redirects to the deal's page (303) with a message. One that does
not shows the deal's page again with status 422, the submitted values kept and the
message beside each field; the panel finds them in ``buying_center_form``."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, request, url_for
from flask_login import current_user, login_required

from engine import CONTACT_FIELDS, RELATIONSHIP_FIELDS
from engine.errors import FormError

from webui import opportunities
from webui.app_engine import engine_of
from webui.forms import sent

bp = Blueprint("buying_center", __name__)


@bp.app_context_processor
def _form_state():
    return {"buying_center_form": g.get("buying_center_form")}


@bp.post("/opportunities/<int:opportunity_id>/contacts")
@login_required
def add_contact(opportunity_id: int):
    values = {"name": None} | sent(CONTACT_FIELDS, request.form)  # a form without a name: the engine says it is required
    try:
        added = engine_of(current_app).add_contact(opportunity_id, actor=current_user.username, **values)
    except FormError as err:
        return _again(opportunity_id, "add-contact", values, err)
    flash(f"{added.name} is now in the buying center.", "success")
    return _back(opportunity_id)


@bp.post("/contacts/<int:contact_id>")
@login_required
def update_contact(contact_id: int):
    engine = engine_of(current_app)
    values = sent(CONTACT_FIELDS, request.form)
    try:
        changed = engine.update_contact(contact_id, actor=current_user.username, **values)
    except FormError as err:
        contact = engine.contact(contact_id, viewer=current_user.username)
        return _again(contact.opportunity_id, f"edit-{contact_id}", values, err)
    flash(f"{changed.name}: saved.", "success")
    return _back(changed.opportunity_id)


@bp.post("/contacts/<int:contact_id>/remove")
@login_required
def remove_contact(contact_id: int):
    engine = engine_of(current_app)
    if request.form.get("confirm") != "yes":  # the box the form requires (the browser may not have checked it)
        contact = engine.contact(contact_id, viewer=current_user.username)  # 404 unless the viewer may see it
        flash(f"{contact.name} was not removed: tick the box to confirm that their relationships go too.", "error")
        return _back(contact.opportunity_id)
    gone = engine.remove_contact(contact_id, actor=current_user.username)
    flash(f"{gone.name} is no longer in the buying center; their relationships went with them.", "success")
    return _back(gone.opportunity_id)


@bp.post("/opportunities/<int:opportunity_id>/relationships")
@login_required
def add_relationship(opportunity_id: int):
    values = dict.fromkeys(("from_contact", "to_contact", "kind")) | sent(RELATIONSHIP_FIELDS, request.form)
    try:
        added = engine_of(current_app).add_relationship(opportunity_id, actor=current_user.username, **values)
    except FormError as err:
        return _again(opportunity_id, "add-relationship", values, err)
    flash(f"Recorded: {added.from_name} {added.kind_label} {added.to_name}.", "success")
    return _back(opportunity_id)


@bp.post("/relationships/<int:relationship_id>/remove")
@login_required
def remove_relationship(relationship_id: int):
    gone = engine_of(current_app).remove_relationship(relationship_id, actor=current_user.username)
    flash(f"Removed: {gone.from_name} {gone.kind_label} {gone.to_name}.", "success")
    return _back(gone.opportunity_id)


def _again(opportunity_id: int, form: str, values: dict, err: FormError):
    g.buying_center_form = {"form": form, "values": values, "errors": err.fields}
    return opportunities.page(opportunity_id, status=422)  # with the error summary at the top


def _back(opportunity_id: int):
    return redirect(url_for("opportunities.show", opportunity_id=opportunity_id, _anchor="buying-center"), 303)
