"""Blueprint 'opportunities': one deal — its figures, stage history, tasks, event
log and its BPMN diagram with the current position."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_login import current_user, login_required
from markupsafe import Markup

from webui.app_engine import engine_of

bp = Blueprint("opportunities", __name__)


@bp.get("/opportunities/<int:opportunity_id>")
@login_required
def show(opportunity_id: int):
    return page(opportunity_id)


def page(opportunity_id: int, *, status: int = 200, **extra):
    """The opportunity page; ``extra`` carries a form's entries and errors back to it."""
    engine = engine_of(current_app)
    deal = engine.opportunity_for(opportunity_id, viewer=current_user.username)  # 404 unless visible
    manages = deal.may_reassign
    users = engine.list_users() if manages else []
    reps = [u for u in users if u.may_own_deals and u.username != deal.owner]
    workers = [u for u in users if u.may_take_tasks]
    return render_template("opportunity.html", deal=deal, now=engine.now(), manages=manages, reps=reps,
                           workers=workers, diagram=_diagram(engine, deal),
                           assistant=engine.sales_assistant(opportunity_id, viewer=current_user.username),
                           buying_center=engine.buying_center(opportunity_id, viewer=current_user.username),
                           **extra), status


def _diagram(engine, deal) -> Markup | None:
    """The deal's BPMN diagram as inline SVG (engine.drawing.bpmn_diagram escapes every name from
    the file and writes no scripts), or None when it cannot be drawn."""
    svg = engine.diagram_for(deal.id, viewer=current_user.username)
    return Markup(svg) if svg else None
