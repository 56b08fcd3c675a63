"""Blueprint 'analysis': the pipeline analysis (M16) — also as of a past day, from
the daily snapshots — the deal changes since a day (M17) and the methodology
comparison as pages — a chart (webui/charts.py, drawn in the browser by vega-embed) beside a
table of the same numbers — and their CSV and XLSX downloads. The façade decides
whose deals are counted (a rep's own, a manager's and their teams', everyone's
for admins and designers)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request
from flask_login import current_user, login_required

from engine.errors import FormError
from engine.views.pipeline_analysis import GROUPS
from engine.views.snapshot_reports import AS_OF_GROUPS

from webui import charts
from webui.app_engine import engine_of
from webui.vendor import SCRIPTS, vendor_ready

bp = Blueprint("analysis", __name__)


def _page(template: str, status: int = 200, **values):
    return render_template(template, vendor_ready=vendor_ready(), vendor_scripts=SCRIPTS, groups=tuple(GROUPS),
                           as_of_groups=tuple(AS_OF_GROUPS), today=engine_of(current_app).company_today(),
                           **values), status


@bp.get("/reports/pipeline")
@login_required
def pipeline():
    engine = engine_of(current_app)
    group_by, as_of = request.args.get("group_by", ""), request.args.get("as_of", "")
    try:
        if as_of:
            report = engine.pipeline_report_as_of(viewer=current_user.username, as_of=as_of, group_by=group_by)
            return _page("reports_pipeline.html", report=None, past=report, errors={}, group_by=report.group_by,
                         as_of=as_of, specs={"as_of": charts.as_of_groups(report)})
        report = engine.pipeline_report(viewer=current_user.username, group_by=group_by)
    except FormError as err:
        return _page("reports_pipeline.html", 422, report=None, past=None, errors=err.fields, group_by=group_by,
                     as_of=as_of)
    names = engine.methodology_names()
    return _page("reports_pipeline.html", report=report, past=None, errors={}, group_by=report.group_by, as_of="",
                 methodology_names=names,
                 specs={"funnel": charts.funnel(report, names), "by_stage": charts.pipeline_by_stage(report, names),
                        "trend": charts.trend(report)})


@bp.get("/reports/pipeline.<any(csv, xlsx):fmt>")
@login_required
def pipeline_file(fmt: str):
    engine, args = engine_of(current_app), request.args
    if args.get("as_of"):
        return _download(engine.pipeline_as_of_file(viewer=current_user.username, as_of=args["as_of"], format=fmt,
                                                    group_by=args.get("group_by"), table=args.get("table")))
    return _download(engine.pipeline_report_file(viewer=current_user.username, format=fmt,
                                                 group_by=args.get("group_by"), table=args.get("table")))


@bp.get("/reports/changes")
@login_required
def changes():
    asked = {name: request.args.get(name, "") for name in ("since", "as_of", "period")}
    try:
        report = engine_of(current_app).deal_changes(viewer=current_user.username, **asked)
    except FormError as err:
        return _page("reports_changes.html", 422, report=None, errors=err.fields, asked=asked)
    currencies = sorted({w.currency for w in report.waterfall})
    return _page("reports_changes.html", report=report, errors={}, asked=asked,
                 specs={c: charts.waterfall(report, c) for c in currencies})


@bp.get("/reports/changes.<any(csv, xlsx):fmt>")
@login_required
def changes_file(fmt: str):
    args = request.args
    return _download(engine_of(current_app).deal_changes_file(
        viewer=current_user.username, format=fmt, since=args.get("since"), as_of=args.get("as_of"),
        period=args.get("period"), table=args.get("table")))


@bp.get("/reports/methodologies")
@login_required
def methodologies():
    engine = engine_of(current_app)
    report, names = engine.methodology_report(viewer=current_user.username), engine.methodology_names()
    return _page("reports_methodologies.html", report=report, methodology_names=names,
                 specs={"win_rates": charts.win_rates(report, names)})


@bp.get("/reports/methodologies.<any(csv, xlsx):fmt>")
@login_required
def methodologies_file(fmt: str):
    return _download(engine_of(current_app).methodology_report_file(
        viewer=current_user.username, format=fmt, table=request.args.get("table")))


def _download(file) -> Response:
    return Response(file.content, mimetype=file.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{file.file_name}"'})
