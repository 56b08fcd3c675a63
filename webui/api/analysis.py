"""GET /reports/pipeline (with ``as_of``: the open pipeline of a past day, from the
daily snapshots), GET /reports/changes (what moved since a day) and GET
/reports/methodologies: the pipeline analysis (M16), the deal changes (M17) and the
methodology comparison as JSON — the numbers the pages chart, serialised by
engine.views.report_json and engine.views.snapshot_json (the same as ``dealflow
report … --format json``). Documented in webui/api/openapi/analysis.py."""

from __future__ import annotations

from flask import jsonify, request

from engine.views.report_json import methodology_report_json, pipeline_report_json
from engine.views.snapshot_json import as_of_json, deal_changes_json

from webui.api.blueprint import bp, facade, username
from webui.errors import HttpError


def _only(*names: str) -> None:
    unknown = {name: "unknown parameter" + (f"; use {', '.join(names)}" if names else "; this report takes none")
               for name in request.args if name not in names}
    if unknown:
        raise HttpError(400, "bad query parameters; see fields", unknown)


@bp.get("/reports/pipeline")
def pipeline_report():
    _only("group_by", "as_of")
    if request.args.get("group_by") == "":  # the page's empty picker means the default; the API's document does not
        raise HttpError(400, "bad query parameters; see fields", {"group_by": "give a grouping or leave the parameter out"})
    if "as_of" in request.args:
        return jsonify(as_of_json(facade().pipeline_report_as_of(
            viewer=username(), as_of=request.args["as_of"], group_by=request.args.get("group_by"))))
    return jsonify(pipeline_report_json(facade().pipeline_report(viewer=username(),
                                                                group_by=request.args.get("group_by"))))


@bp.get("/reports/changes")
def deal_changes():
    _only("since", "as_of", "period")
    empty = {name: "give a value or leave the parameter out" for name in ("since", "as_of", "period")
             if request.args.get(name) == ""}
    if empty:
        raise HttpError(400, "bad query parameters; see fields", empty)
    return jsonify(deal_changes_json(facade().deal_changes(
        viewer=username(), since=request.args.get("since"), as_of=request.args.get("as_of"),
        period=request.args.get("period"))))


@bp.get("/reports/methodologies")
def methodology_report():
    _only()
    return jsonify(methodology_report_json(facade().methodology_report(viewer=username())))
