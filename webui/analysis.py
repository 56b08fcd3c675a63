"""Blueprint 'analysis': the pipeline analysis (M16) and the methodology comparison
as pages — a chart (webui/charts.py, drawn in the browser by vega-embed) beside a
table of the same numbers — and their CSV and XLSX downloads. The façade decides
whose deals are counted (a rep's own, a manager's and their teams', everyone's
for admins and designers)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request
from flask_login import current_user, login_required

from engine.errors import FormError
from engine.views.pipeline_analysis import GROUPS

from webui import charts
from webui.app_engine import engine_of
from webui.vendor import SCRIPTS, vendor_ready

bp = Blueprint("analysis", __name__)


def _page(template: str, status: int = 200, **values):
    return render_template(template, vendor_ready=vendor_ready(), vendor_scripts=SCRIPTS, groups=tuple(GROUPS),
                           **values), status


@bp.get("/reports/pipeline")
@login_required
def pipeline():
    engine = engine_of(current_app)
    group_by = request.args.get("group_by", "")
    try:
        report = engine.pipeline_report(viewer=current_user.username, group_by=group_by)
    except FormError as err:
        return _page("reports_pipeline.html", 422, report=None, errors=err.fields, group_by=group_by)
    return _page("reports_pipeline.html", report=report, errors={}, group_by=report.group_by,
                 specs={"funnel": charts.funnel(report), "by_stage": charts.pipeline_by_stage(report),
                        "trend": charts.trend(report)})


@bp.get("/reports/pipeline.<any(csv, xlsx):fmt>")
@login_required
def pipeline_file(fmt: str):
    file = engine_of(current_app).pipeline_report_file(
        viewer=current_user.username, format=fmt, group_by=request.args.get("group_by"),
        table=request.args.get("table"))
    return _download(file)


@bp.get("/reports/methodologies")
@login_required
def methodologies():
    report = engine_of(current_app).methodology_report(viewer=current_user.username)
    return _page("reports_methodologies.html", report=report, specs={"win_rates": charts.win_rates(report)})


@bp.get("/reports/methodologies.<any(csv, xlsx):fmt>")
@login_required
def methodologies_file(fmt: str):
    return _download(engine_of(current_app).methodology_report_file(
        viewer=current_user.username, format=fmt, table=request.args.get("table")))


def _download(file) -> Response:
    return Response(file.content, mimetype=file.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{file.file_name}"'})
