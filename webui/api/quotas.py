"""Quotas (M14) and the fiscal calendar: the split sheet, setting a quota from
above, a manager's split saved as a draft or committed, committing a draft.
Documented in webui/api/openapi/quotas.py; the JSON is engine.views.quota_json's,
the same as ``dealflow quota show --format json``."""

from __future__ import annotations

from flask import jsonify, request

from engine.views.quota_json import sheet_json, split_json

from webui.api.blueprint import bp, facade, username
from webui.api.parsing import json_object, no_nulls, only, refuse
from webui.errors import HttpError

SHEET_PARAMS = ("period", "manager")


def _created(view) -> tuple:
    return jsonify(split_json(view)), 201


@bp.get("/fiscal-calendar")
def fiscal_calendar():
    return jsonify(start_month=facade().fiscal_year_start())


@bp.put("/fiscal-calendar")
def set_fiscal_calendar():
    body = only(json_object(), ("start_month",))
    no_nulls(body)
    if not isinstance(body.get("start_month"), int) or isinstance(body.get("start_month"), bool):
        refuse({"start_month": "send the fiscal year's first month as a whole number from 1 to 12"})
    return jsonify(start_month=facade().set_fiscal_year_start(body["start_month"], actor=username()))


@bp.get("/quotas")
def quota_sheet():
    unknown = {name: "unknown parameter; use " + ", ".join(SHEET_PARAMS)
               for name in request.args if name not in SHEET_PARAMS}
    if unknown:
        raise HttpError(400, "bad query parameters; see fields", unknown)
    return jsonify(sheet_json(facade().quota_sheet(viewer=username(), period=request.args.get("period"),
                                                   manager=request.args.get("manager") or None)))


def _texts(body: dict, names: tuple[str, ...]) -> None:
    refuse({name: "send text" for name in names if name in body and not isinstance(body[name], str)})


@bp.post("/quotas/set")
def set_quota():
    body = only(json_object(), ("user", "period", "amount", "currency", "note"))
    no_nulls(body)
    _texts(body, ("user", "period", "amount", "currency", "note"))
    refuse({name: "this field is required" for name in ("user", "period", "amount") if name not in body})
    return _created(facade().set_quota(body["user"], body["period"], body["amount"], actor=username(),
                                       currency=body.get("currency"), note=body.get("note", "")))


@bp.post("/quotas/splits")
def split_quota():
    body = only(json_object(), ("manager", "period", "parts", "currency", "note", "commit"))
    no_nulls(body)
    _texts(body, ("manager", "period", "currency", "note"))
    parts = body.get("parts")
    problems = {name: "this field is required" for name in ("manager", "period", "parts") if name not in body}
    if parts is not None and (not isinstance(parts, dict) or not all(isinstance(v, str) for v in parts.values())):
        problems["parts"] = 'send an object of username -> amount as text, e.g. {"rep1": "50000.00"}'
    if "commit" in body and not isinstance(body["commit"], bool):
        problems["commit"] = "send true or false"
    refuse(problems)
    return _created(facade().split_quota(body["manager"], body["period"], parts, actor=username(),
                                         currency=body.get("currency"), commit=body.get("commit", False),
                                         note=body.get("note", "")))


@bp.post("/quotas/splits/commit")
def commit_split():
    body = only(json_object(), ("manager", "period", "note"))
    no_nulls(body)
    _texts(body, ("manager", "period", "note"))
    refuse({name: "this field is required" for name in ("manager", "period") if name not in body})
    return _created(facade().split_quota(body["manager"], body["period"], None, actor=username(), commit=True,
                                         note=body.get("note", "")))
