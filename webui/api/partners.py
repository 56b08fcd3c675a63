"""Business partners' routes (M10): the partner list with its filters, a partner's
card, opening and changing one, its contact persons, archiving and restoring.
Documented in webui/api/openapi/partners.py.

Who may see and change which partner is the façade's to say: a partner the caller
may not see is a 404 saying nothing of it, before anything is said of the body; one
they see but may not change is a 403. Money travels as strings ("30000.00")."""

from __future__ import annotations

from flask import jsonify, request, url_for

from engine import PARTNER_CONTACT_FIELDS, PARTNER_FIELDS, PARTNER_FILTERS, PARTNER_KINDS
from engine.views.partners import PartnerContactView, PartnerListPage, PartnerSummary, PartnerView

from webui.api.blueprint import bp, facade, username
from webui.api.parsing import json_object, no_nulls, only, refuse
from webui.api.shapes import money, plain, when

# Fields that may be sent as null: empty (an optional text), no limit (credit_limit).
REQUIRED_CARD_FIELDS = ("name", "kind", "currency", "balance")
NULLABLE_CARD_FIELDS = tuple(name for name in PARTNER_FIELDS if name not in REQUIRED_CARD_FIELDS)
NULLABLE_CONTACT_FIELDS = ("function", "email", "phone")
LIST_PARAMETERS = PARTNER_FILTERS + ("q", "page", "per_page")
# The list's parameters the document gives as an enum: exactly one of these, or a 400.
LIST_CHOICES = {"kind": PARTNER_KINDS, "status": ("active", "archived", "all")}


@bp.get("/partners")
def list_partners():
    refuse({name: "unknown parameter; use " + ", ".join(LIST_PARAMETERS)
            for name in request.args if name not in LIST_PARAMETERS})
    refuse({name: "one of " + ", ".join(choices) for name, choices in LIST_CHOICES.items()
            if name in request.args and request.args[name] not in choices})
    criteria = {name: request.args[name] for name in PARTNER_FILTERS + ("q",) if name in request.args}
    page = _whole(request.args.get("page", "1"), "page", 1_000_000)
    per_page = _whole(request.args.get("per_page", "25"), "per_page", 500)
    return jsonify(list_json(facade().partners(username(), criteria, page=page, per_page=per_page)))


def _whole(text: str, name: str, largest: int) -> int:
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= largest:
        refuse({name: f"a whole number from 1 to {largest}"})
    return int(text)


@bp.post("/partners")
def create_partner():
    body = only(json_object(), PARTNER_FIELDS + ("owner",))
    no_nulls(body, NULLABLE_CARD_FIELDS + ("owner",))
    created = facade().create_partner(actor=username(), **body)
    response = jsonify(partner_json(created))
    response.status_code = 201
    response.headers["Location"] = url_for("api.show_partner", partner_id=created.id)
    return response


@bp.get("/partners/<int:partner_id>")
def show_partner(partner_id: int):
    return jsonify(partner_json(facade().partner(partner_id, viewer=username())))


@bp.patch("/partners/<int:partner_id>")
def update_partner(partner_id: int):
    facade().partner(partner_id, viewer=username())  # 404 before anything is said of the body
    body = only(json_object(), PARTNER_FIELDS)
    no_nulls(body, NULLABLE_CARD_FIELDS)
    return jsonify(partner_json(facade().update_partner(partner_id, actor=username(), **body)))


@bp.post("/partners/<int:partner_id>/archive")
def archive_partner(partner_id: int):
    return jsonify(partner_json(facade().archive_partner(partner_id, actor=username())))


@bp.post("/partners/<int:partner_id>/restore")
def restore_partner(partner_id: int):
    return jsonify(partner_json(facade().restore_partner(partner_id, actor=username())))


@bp.post("/partners/<int:partner_id>/contacts")
def add_partner_contact(partner_id: int):
    facade().partner(partner_id, viewer=username())
    body = only(json_object(), PARTNER_CONTACT_FIELDS)
    no_nulls(body, NULLABLE_CONTACT_FIELDS)
    body.setdefault("name", None)  # the engine says it is required
    added = facade().add_partner_contact(partner_id, actor=username(), **body)
    return jsonify(contact_json(added)), 201


@bp.patch("/partner-contacts/<int:contact_id>")
def update_partner_contact(contact_id: int):
    facade().partner_contact(contact_id, viewer=username())  # 404 before anything is said of the body
    body = only(json_object(), PARTNER_CONTACT_FIELDS + ("active",))
    no_nulls(body, NULLABLE_CONTACT_FIELDS)
    return jsonify(contact_json(facade().update_partner_contact(contact_id, actor=username(), **body)))


# --- JSON out -------------------------------------------------------------------------

def contact_json(c: PartnerContactView) -> dict:
    return {"id": c.id, "partner_id": c.partner_id, "name": c.name, "function": c.function, "email": c.email,
            "phone": c.phone, "active": c.active, "created_at": when(c.created_at),
            "updated_at": when(c.updated_at)}


def _optional_money(value):
    return None if value is None else money(value)


def partner_json(p: PartnerView) -> dict:
    """The Partner schema."""
    deal = lambda d: {"id": d.id, "title": d.title, "stage_name": d.stage_name, "status": d.status,  # noqa: E731
                      "amount": money(d.amount), "currency": d.currency, "probability": d.probability,
                      "owner": d.owner, "closed_at": when(d.closed_at), "lost_reason": d.lost_reason}
    c = p.credit
    return {
        "id": p.id, "kind": p.kind, "name": p.name, "tax_id": p.tax_id, "regon": p.regon, "email": p.email,
        "phone": p.phone, "website": p.website, "street": p.street, "postal_code": p.postal_code, "city": p.city,
        "country": p.country, "addresses": plain(list(p.addresses)), "territory": p.territory,
        "channel": p.channel, "industry": p.industry, "source": p.source, "campaign": p.campaign,
        "owner": p.owner, "owner_name": p.owner_name, "balance": money(p.balance),
        "credit_limit": _optional_money(p.credit_limit), "currency": p.currency, "status": p.status,
        "archived_at": when(p.archived_at), "notes": p.notes, "created_at": when(p.created_at),
        "became_customer_at": when(p.became_customer_at), "became_customer_by": p.became_customer_by,
        "became_customer_opportunity_id": p.became_customer_opportunity_id,
        "credit": {"limit": _optional_money(c.limit), "currency": c.currency, "balance": money(c.balance),
                   "open_amount": money(c.open_amount), "exposure": money(c.exposure), "over": c.over,
                   "other_currencies": list(c.other_currencies), "warning": c.warning},
        "contacts": [contact_json(x) for x in p.contacts],
        "open_deals": [deal(d) for d in p.open_deals], "closed_deals": [deal(d) for d in p.closed_deals],
        "history": [{"kind": e.kind, "at": when(e.at), "actor": e.actor, "opportunity_id": e.opportunity_id,
                     "data": plain(e.data), "text": e.text} for e in p.history],
        "may_edit": p.may_edit, "may_hand_over": p.may_hand_over,
    }


def summary_json(s: PartnerSummary) -> dict:
    return {"id": s.id, "kind": s.kind, "name": s.name, "tax_id": s.tax_id, "email": s.email, "phone": s.phone,
            "city": s.city, "country": s.country, "territory": s.territory, "channel": s.channel,
            "industry": s.industry, "source": s.source, "owner": s.owner, "owner_name": s.owner_name,
            "status": s.status, "open_deals": s.open_deals, "created_at": when(s.created_at)}


def list_json(page: PartnerListPage) -> dict:
    """The PartnerList schema."""
    choices = page.choices
    return {"items": [summary_json(s) for s in page.items], "total": page.total, "page": page.page,
            "per_page": page.per_page, "pages": page.pages, "filters": dict(page.filters),
            "choices": {"kinds": list(choices.kinds), "territories": list(choices.territories),
                        "channels": list(choices.channels), "industries": list(choices.industries),
                        "sources": list(choices.sources),
                        "owners": [{"username": u, "display_name": d} for u, d in choices.owners]}}
