"""Call and mailing lists, the archival of inactive prospects and deleting a partner
(M11). Documented in webui/api/openapi/partner_lists.py.

Another user's list is a 404; a caller who may not keep lists or archive is a 403;
deleting a partner with deals or activities is a 409 (archive it instead)."""

from __future__ import annotations

from flask import Response, jsonify, request, url_for

from engine.views.partner_lists import ArchivalReport, ArchivalView, SavedListView

from webui.api.blueprint import bp, facade, username
from webui.api.parsing import json_object, no_nulls, only, refuse
from webui.api.shapes import when


@bp.get("/partner-lists")
def partner_lists():
    return jsonify(items=[list_json(s) for s in facade().partner_lists(viewer=username())])


@bp.post("/partner-lists")
def save_partner_list():
    body = only(json_object(), ("name", "purpose", "criteria"))
    no_nulls(body)
    criteria = body.get("criteria", {})
    if not isinstance(criteria, dict) or not all(isinstance(value, str) for value in criteria.values()):
        refuse({"criteria": "send an object of the partner list's filters as text, e.g. {\"territory\": \"north\"}"})
    saved = facade().save_partner_list(name=body.get("name"), purpose=body.get("purpose", "call"),
                                       criteria=criteria, actor=username())
    response = jsonify(list_json(saved))
    response.status_code = 201
    response.headers["Location"] = url_for("api.show_partner_list", list_id=saved.id)
    return response


@bp.get("/partner-lists/<int:list_id>")
def show_partner_list(list_id: int):
    page = facade().partner_list(list_id, viewer=username())
    return jsonify(list=list_json(page.list), total=page.total,
                   entries=[{"partner_id": e.partner_id, "partner": e.partner, "tax_id": e.tax_id, "city": e.city,
                             "contact": e.contact, "function": e.function, "phone": e.phone, "email": e.email,
                             "owner": e.owner} for e in page.entries])


@bp.patch("/partner-lists/<int:list_id>")
def rename_partner_list(list_id: int):
    body = only(json_object(), ("name",))
    no_nulls(body)
    return jsonify(list_json(facade().rename_partner_list(list_id, name=body.get("name"), actor=username())))


@bp.delete("/partner-lists/<int:list_id>")
def delete_partner_list(list_id: int):
    facade().delete_partner_list(list_id, actor=username())
    return Response(status=204)


@bp.get("/partner-lists/<int:list_id>/export")
def export_partner_list(list_id: int):
    refuse({name: "unknown parameter; use format" for name in request.args if name != "format"})
    exported = facade().export_partner_list(list_id, format=request.args.get("format", "csv"), viewer=username())
    return Response(exported.content, mimetype=exported.content_type.split(";")[0],
                    headers={"Content-Disposition": f'attachment; filename="{exported.file_name}"'})


@bp.get("/partner-archivals")
def partner_archivals():
    return jsonify(items=[archival_json(a) for a in facade().partner_archivals(viewer=username())])


@bp.post("/partner-archivals")
def archive_inactive_prospects():
    body = only(json_object(), ("months", "dry_run"))
    no_nulls(body)
    dry_run = body.get("dry_run", False)
    if not isinstance(dry_run, bool):
        refuse({"dry_run": "send true or false"})
    months = body.get("months")
    if not isinstance(months, int) or isinstance(months, bool):
        refuse({"months": "send a whole number of months from 1 to 120"})
    report = facade().archive_inactive_prospects(months=months, actor=username(), dry_run=dry_run)
    response = jsonify(report_json(report))
    if report.archival_id is not None:
        response.status_code = 201
    return response


@bp.post("/partner-archivals/<int:archival_id>/undo")
def undo_archival(archival_id: int):
    return jsonify(report_json(facade().undo_archival(archival_id, actor=username())))


@bp.delete("/partners/<int:partner_id>")
def delete_partner(partner_id: int):
    deleted = facade().delete_partner(partner_id, actor=username())
    return jsonify(id=deleted.id, name=deleted.name)


def list_json(s: SavedListView) -> dict:
    """The SavedPartnerList schema."""
    return {"id": s.id, "name": s.name, "purpose": s.purpose, "criteria": s.criteria, "owner": s.owner,
            "created_at": when(s.created_at), "may_change": s.may_change}


def archival_json(a: ArchivalView) -> dict:
    """The PartnerArchival schema."""
    return {"id": a.id, "at": when(a.at), "by": a.by, "months": a.months, "count": a.count,
            "undone_at": when(a.undone_at), "undone_by": a.undone_by}


def report_json(r: ArchivalReport) -> dict:
    """The ArchivalReport schema."""
    return {"archival_id": r.archival_id, "dry_run": r.dry_run, "undone": r.undone, "months": r.months,
            "cutoff": when(r.cutoff), "count": r.count, "skipped": r.skipped,
            "partners": [{"id": p.id, "name": p.name, "city": p.city, "owner": p.owner,
                          "created_at": when(p.created_at)} for p in r.partners]}
