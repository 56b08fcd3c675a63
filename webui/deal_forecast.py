"""Blueprint 'deal_forecast': what the opportunity page's forecast panel posts —
a new expected close date, and the rep's forecast-category override (``none``
clears it). Each parses the form, calls one façade method and goes back to the
page; a mistake comes back on the page with what was entered (422)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_login import current_user, login_required

from engine.errors import ConflictError, FormError

from webui.app_engine import engine_of
from webui.opportunities import page

bp = Blueprint("deal_forecast", __name__)


def _back(opportunity_id: int):
    return redirect(url_for("opportunities.show", opportunity_id=opportunity_id, _anchor="deal-forecast"), 303)


@bp.post("/opportunities/<int:opportunity_id>/close-date")
@login_required
def close_date(opportunity_id: int):
    value = request.form.get("expected_close_date", "")
    try:
        deal = engine_of(current_app).set_close_date(opportunity_id, value, actor=current_user.username)
    except FormError as err:
        return page(opportunity_id, status=422, forecast_errors=err.fields,
                    forecast_values={"expected_close_date": value})
    except ConflictError as err:
        flash(str(err), "error")
        return _back(opportunity_id)
    flash(f"{deal.title} is now expected to close on {deal.expected_close_date.isoformat()}.", "success")
    return _back(opportunity_id)


@bp.post("/opportunities/<int:opportunity_id>/forecast-category")
@login_required
def category(opportunity_id: int):
    value = request.form.get("category", "")
    try:
        deal = engine_of(current_app).set_forecast_category(opportunity_id, value, actor=current_user.username)
    except FormError as err:
        return page(opportunity_id, status=422, forecast_errors=err.fields, forecast_values={"category": value})
    except ConflictError as err:
        flash(str(err), "error")
        return _back(opportunity_id)
    flash(f"{deal.title} counts as {deal.forecast_category.replace('_', ' ')}"
          + (" (set by hand)." if deal.forecast_category_override else ", as its probability gives."), "success")
    return _back(opportunity_id)
