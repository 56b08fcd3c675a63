"""Blueprint 'win_model': the learned win probability (issue 13) — a page with the
model in force and its backtest against the stage table and Odoo's naive Bayes
(or why it is disabled), and ``deal_win_probability(id)`` for the deal page's
partial (_win_probability.html), so that the deal page's own view stays as it is."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_login import current_user, login_required

from engine.errors import NotFoundError
from engine.views.win_model import ESTIMATE_LABELS, ESTIMATES

from webui.app_engine import engine_of

bp = Blueprint("win_model", __name__)


@bp.get("/win-model")
@login_required
def show():
    model = engine_of(current_app).win_model(viewer=current_user.username)
    return render_template("win_model.html", model=model, estimates=ESTIMATES, labels=ESTIMATE_LABELS)


@bp.app_context_processor
def win_probability_partial():
    def deal_win_probability(opportunity_id: int):
        if not current_user.is_authenticated:
            return None
        try:
            return engine_of(current_app).win_probability(opportunity_id, viewer=current_user.username)
        except NotFoundError:
            return None

    return {"deal_win_probability": deal_win_probability}
