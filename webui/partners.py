"""Blueprint 'partners': the partner list (search, filters, paging, a new partner),
the partner page (its card and the form to change it, contact persons, open and
closed deals, activities, history, the credit warning), and the two-step forms that
archive, restore and hand a partner over (M10, M12).

Views parse the form, call one façade method and render; the façade decides who may
(a partner the viewer may not see is a 404, one they see but may not change a 403).
A form that does not fit shows the page again with status 422, the values sent kept
and a message beside each field. An irreversible act is never one click: the
hand-over first shows what would move (a dry run) and asks to confirm; archiving
and restoring ask too. No inline script: CSP forbids it, and none is needed.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine import PARTNER_CONTACT_FIELDS as CONTACT_FIELDS
from engine import PARTNER_FIELDS as CARD_FIELDS
from engine import PARTNER_KINDS as KINDS
from engine.errors import ConflictError, FormError
from webui.code_labels import code_label

from webui import error_summary
from webui.app_engine import engine_of
from webui.forms import sent

bp = Blueprint("partners", __name__)

PER_PAGE = 25
FILTERS = ("q", "kind", "territory", "channel", "industry", "owner", "source", "status")
NEW_FIELDS = ("kind", "name", "tax_id", "email", "phone", "city", "country", "territory", "channel", "industry",
              "source", "owner")
EDIT_FIELDS = tuple(name for name in CARD_FIELDS if name != "addresses")  # further addresses: rows of their own
ADDRESS_PARTS = ("kind", "street", "postal_code", "city", "country")
HAND_OVER_FLAGS = {"open_deals": True, "others_open_deals": False, "activities": True}


@bp.app_template_filter()
def zip_pairs(values) -> list[tuple[str, str]]:
    """Each value as a (value, text) choice of a select."""
    return [(value, value) for value in values]


@bp.app_template_filter()
def zip_labels(values) -> list[tuple[str, str]]:
    """Each code as a (code, readable label) choice of a select: the filter still sends the code."""
    return [(value, code_label(value)) for value in values]


bp.add_app_template_filter(code_label)


# --- the list ------------------------------------------------------------------------

@bp.get("/partners")
@login_required
def index():
    if any(value == "" for value in request.args.values()):  # the filter form sends every field
        return redirect(url_for("partners.index", **{k: v for k, v in request.args.items() if v}), 303)
    return _list_page()


@bp.post("/partners")
@login_required
def create():
    values = sent(NEW_FIELDS, request.form)
    owner = values.pop("owner", "") or None
    try:
        created = engine_of(current_app).create_partner(actor=current_user.username, owner=owner, **values)
    except FormError as err:
        return _list_page(status=422, form_state={"form": "new-partner", "values": values | {"owner": owner or ""},
                                                  "errors": err.fields},
                          summary=error_summary.summary([("new-partner", "the new partner", err.fields)]))
    flash(f"{created.name} is a new {created.kind}.", "success")
    return redirect(url_for("partners.show", partner_id=created.id), 303)


def _list_page(status: int = 200, form_state: dict | None = None, summary: list | None = None):
    engine = engine_of(current_app)
    criteria = {name: request.args[name] for name in FILTERS if request.args.get(name)}
    page_number = _int_arg("page", 1, 1, 100_000)
    filter_errors = {}
    try:
        page = engine.partners(current_user.username, criteria, page=page_number, per_page=PER_PAGE)
    except FormError as err:  # a kind or status that is none: say so, show the list unfiltered
        filter_errors, status = err.fields, 422
        page = engine.partners(current_user.username, {}, page=1, per_page=PER_PAGE)
    owners = ([(u.username, f"{u.display_name} ({u.username})") for u in engine.list_users() if u.may_own_deals]
              if current_user.view.may_create_partners else [])
    return render_template("partners.html", page=page, criteria=criteria, filter_errors=filter_errors,
                           owners=owners, kinds=KINDS, form_state=form_state or {}, error_summary=summary,
                           summary_url=url_for("partners.index", **criteria)), status


# --- one partner ---------------------------------------------------------------------

@bp.get("/partners/<int:partner_id>")
@login_required
def show(partner_id: int):
    return page(partner_id)


def page(partner_id: int, *, status: int = 200, **extra):
    """The partner page; ``extra`` carries a form's state back to it."""
    engine = engine_of(current_app)
    viewer = current_user.username
    partner = engine.partner(partner_id, viewer=viewer)  # 404 unless the viewer may see it
    reps = ([u for u in engine.list_users() if u.may_own_deals and u.username != partner.owner]
            if partner.may_hand_over and partner.status == "active" else [])
    extra.setdefault("form_state", {})
    return render_template("partner.html", partner=partner, reps=reps, now=engine.now(), kinds=KINDS,
                           activities=engine.activities_for_partner(partner_id, viewer=viewer),
                           deals=partner.open_deals + partner.closed_deals, **extra), status


@bp.post("/partners/<int:partner_id>")
@login_required
def update(partner_id: int):
    values: dict[str, object] = sent(EDIT_FIELDS, request.form)
    if "addresses_rows" in request.form:  # the card form's further addresses (a form without them keeps them)
        values["addresses"] = _addresses_sent()
    try:
        changed = engine_of(current_app).update_partner(partner_id, actor=current_user.username, **values)
    except FormError as err:
        return _again(partner_id, "edit-card", values, err)
    flash(f"{changed.name}: saved.", "success")
    return _back(partner_id)


@bp.post("/partners/<int:partner_id>/contacts")
@login_required
def add_contact(partner_id: int):
    values = {"name": None} | sent(CONTACT_FIELDS, request.form)
    try:
        added = engine_of(current_app).add_partner_contact(partner_id, actor=current_user.username, **values)
    except FormError as err:
        return _again(partner_id, "add-contact", values, err)
    flash(f"{added.name} is now a contact person.", "success")
    return _back(partner_id, "contacts")


@bp.post("/partners/<int:partner_id>/contacts/<int:contact_id>")
@login_required
def update_contact(partner_id: int, contact_id: int):
    values: dict[str, object] = sent(CONTACT_FIELDS, request.form)
    if "active" in request.form or "form" in request.form:  # the edit form: an unticked box sends nothing
        values["active"] = request.form.get("active") == "1"
    try:
        changed = engine_of(current_app).update_partner_contact(contact_id, actor=current_user.username, **values)
    except FormError as err:
        return _again(partner_id, f"edit-contact-{contact_id}", values, err)
    flash(f"{changed.name}: saved.", "success")
    return _back(changed.partner_id, "contacts")


# --- archiving and restoring: asked first -----------------------------------------------

@bp.route("/partners/<int:partner_id>/archive", methods=["GET", "POST"])
@login_required
def archive(partner_id: int):
    return _status_change(partner_id, "archive")


@bp.route("/partners/<int:partner_id>/restore", methods=["GET", "POST"])
@login_required
def restore(partner_id: int):
    return _status_change(partner_id, "restore")


def _status_change(partner_id: int, act: str):
    engine = engine_of(current_app)
    if request.method == "GET":
        partner = engine.partner(partner_id, viewer=current_user.username)  # 404 unless visible
        if not partner.may_edit:
            abort(403)
        return render_template("partner_confirm.html", partner=partner, act=act)
    use_case = engine.archive_partner if act == "archive" else engine.restore_partner
    try:
        done = use_case(partner_id, actor=current_user.username)
    except ConflictError as err:  # archived or restored meanwhile
        flash(str(err), "error")
    else:
        flash(f"{done.name} is archived: it leaves the partner list; its deals and history stay."
              if act == "archive" else f"{done.name} is active again.", "success")
    return _back(partner_id)


# --- handing over: what would move, then confirm ------------------------------------------

@bp.route("/partners/<int:partner_id>/hand-over", methods=["GET", "POST"])
@login_required
def hand_over(partner_id: int):
    source = request.args if request.method == "GET" else request.form
    to = source.get("to", "").strip()
    options = {"closed_deals": source.get("closed_deals") or "stay"}
    for name, default in HAND_OVER_FLAGS.items():
        options[name] = source.get(name) == "1" if "form" in source else default
    engine = engine_of(current_app)
    try:
        report = engine.hand_over_partner(partner_id, to=to, actor=current_user.username,
                                          dry_run=request.method == "GET", **options)
    except FormError as err:
        return _again(partner_id, "hand-over", {"to": to, **options}, err)
    except ConflictError as err:  # already that rep's, archived, or changed meanwhile
        flash(str(err), "error")
        return _back(partner_id, "hand-over")
    if report.dry_run:
        partner = engine.partner(partner_id, viewer=current_user.username)
        titles = {d.id: d.title for d in partner.open_deals + partner.closed_deals}
        return render_template("partner_hand_over.html", partner=partner, report=report, options=options,
                               titles=titles, names=_display_names(engine))
    names = _display_names(engine)
    flash(f"{report.partner_name} now belongs to {names.get(report.to_owner, report.to_owner)} ({report.to_owner}): "
          f"open deals {len(report.open_deals_moved)}, tasks {report.tasks_moved}, "
          f"planned activities {report.activities_moved} moved; "
          f"closed deals {'moved' if report.closed_deals == 'move' else 'stayed'}. The history stays as it was.",
          "success")
    return _back(partner_id)


# --- shared ------------------------------------------------------------------------------

def _addresses_sent() -> list[dict[str, str]]:
    """The further addresses of the card form: rows ``address-<n>-<part>``; a row
    ticked for removal, or left wholly empty (the spare row for a new one), is none."""
    rows = []
    for n in range(_int_form("addresses_rows", 0, 0, 100)):
        if request.form.get(f"address-{n}-remove") == "1":
            continue
        row = {part: request.form.get(f"address-{n}-{part}", "") for part in ADDRESS_PARTS}
        if any(value.strip() for value in row.values()):
            rows.append(row)
    return rows


def _int_form(name: str, default: int, low: int, high: int) -> int:
    try:
        return min(max(int(request.form.get(name, default)), low), high)
    except ValueError:
        return default


def _display_names(engine) -> dict[str, str]:
    return {u.username: u.display_name for u in engine.list_users()}


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    try:
        return min(max(int(request.args.get(name, default)), low), high)
    except ValueError:
        return default


# Where each form of the partner page is, and what the error summary calls it.
_FORM_PLACES = {"edit-card": ("edit-card-form", "the partner's card"), "add-contact": ("add-contact-form",
                "the new contact person"), "hand-over": ("hand-over-form", "the hand-over")}


def _again(partner_id: int, form: str, values: dict, err: FormError):
    """The partner page again after a refused post, the error summary first (issue 15)."""
    anchor, what = _FORM_PLACES.get(form, (form, "the contact person"))
    return page(partner_id, status=422, form_state={"form": form, "values": values, "errors": err.fields},
                error_summary=error_summary.summary([(anchor, what, err.fields)]),
                summary_url=url_for("partners.show", partner_id=partner_id))


@bp.get("/partners/<int:partner_id>/contacts")
@bp.get("/partners/<int:partner_id>/contacts/<int:contact_id>")
@login_required
def form_address(partner_id: int, contact_id: int | None = None):
    """A contact form's address opened directly (bookmarked, or reloaded after a refused
    post) leads to the partner's page, not to a 405."""
    engine_of(current_app).partner(partner_id, viewer=current_user.username)  # 404 unless visible
    return redirect(url_for("partners.show", partner_id=partner_id, _anchor="contacts"), 303)


def _back(partner_id: int, anchor: str | None = None):
    return redirect(url_for("partners.show", partner_id=partner_id, _anchor=anchor), 303)
