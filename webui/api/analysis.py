"""GET /reports/pipeline and GET /reports/methodologies: the pipeline analysis (M16)
and the methodology comparison as JSON — the numbers the pages chart, serialised by
engine.views.report_json (the same as ``dealflow report … --format json``). Documented
in webui/api/openapi/analysis.py."""

from __future__ import annotations

from flask import jsonify, request

from engine.views.report_json import methodology_report_json, pipeline_report_json

from webui.api.blueprint import bp, facade, username
from webui.errors import HttpError


def _only(*names: str) -> None:
    unknown = {name: "unknown parameter" + (f"; use {', '.join(names)}" if names else "; this report takes none")
               for name in request.args if name not in names}
    if unknown:
        raise HttpError(400, "bad query parameters; see fields", unknown)


@bp.get("/reports/pipeline")
def pipeline_report():
    _only("group_by")
    if request.args.get("group_by") == "":  # the page's empty picker means the default; the API's document does not
        raise HttpError(400, "bad query parameters; see fields", {"group_by": "give a grouping or leave the parameter out"})
    return jsonify(pipeline_report_json(facade().pipeline_report(viewer=username(),
                                                                group_by=request.args.get("group_by"))))


@bp.get("/reports/methodologies")
def methodology_report():
    _only()
    return jsonify(methodology_report_json(facade().methodology_report(viewer=username())))
