"""Blueprint 'forecast': the forecast page (M15) — a period picker, each person's
figures per currency with a progress bar against quota, the rollup, a manager's
adjustment form for each direct report, and submitting the forecast.

    GET  /forecast?period=&user=      the page
    GET  /forecast.csv|xlsx           the forecast against quota (the chart's table)
    POST /forecast/adjust             a manager's adjustment, with a note
    POST /forecast/submit             submit the viewer's forecast (a snapshot)

The façade decides who may (a designer: 403; someone else's forecast: 404)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine.errors import FormError
from engine.views.forecast_table import currencies, forecast_vs_quota, on_page

from webui import charts
from webui.app_engine import engine_of
from webui.vendor import SCRIPTS, vendor_ready

bp = Blueprint("forecast", __name__)


def _view(period: str | None, user: str | None):
    return engine_of(current_app).forecast(viewer=current_user.username, period=period or None, user=user or None)


def _page(period: str | None, user: str | None, *, status: int = 200, errors: dict | None = None,
          form: dict | None = None):
    try:
        view = _view(period, user)
    except FormError as err:  # a period that is not one: the current one, and say why
        view, errors, status = _view(None, user), {**err.fields, **(errors or {})}, 422
    table = forecast_vs_quota(view)
    specs = {currency: charts.forecast_vs_quota(table, currency) for currency in currencies(table)}
    return render_template("forecast.html", view=view, errors=errors or {}, form=form or {}, chart_table=on_page(table),
                           chart_specs=specs, vendor_ready=vendor_ready(), vendor_scripts=SCRIPTS), status


@bp.get("/forecast")
@login_required
def index():
    return _page(request.args.get("period", "").strip(), request.args.get("user", "").strip())


@bp.get("/forecast.<any(csv, xlsx):fmt>")
@login_required
def download(fmt: str):
    file = engine_of(current_app).forecast_file(viewer=current_user.username, format=fmt,
                                                period=request.args.get("period") or None,
                                                user=request.args.get("user") or None)
    return Response(file.content, mimetype=file.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{file.file_name}"'})


@bp.post("/forecast/adjust")
@login_required
def adjust():
    form = {name: request.form.get(name, "") for name in ("period", "user", "view_user", "category", "amount",
                                                          "currency", "note")}
    try:
        engine_of(current_app).adjust_forecast(actor=current_user.username, user=form["user"], period=form["period"],
                                               category=form["category"], amount=form["amount"],
                                               note=form["note"], currency=form["currency"] or "PLN")
    except FormError as err:
        return _page(form["period"], form["view_user"], status=422, errors=err.fields, form=form)
    flash(f"{form['user']}'s {form['category'].replace('_', ' ')} adjusted; the computed figure stays beside it.",
          "success")
    return redirect(url_for("forecast.index", period=form["period"], user=form["view_user"]), 303)


@bp.post("/forecast/submit")
@login_required
def submit():
    period = request.form.get("period", "")
    done = engine_of(current_app).submit_forecast(actor=current_user.username, period=period)
    flash(f"Forecast submitted: snapshot #{done.id}, kept as it is now.", "success")
    return redirect(url_for("forecast.index", period=period), 303)
