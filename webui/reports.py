"""Blueprint 'reports': the lost-deal report (M13) as a page — filters, where deals
died and why per methodology, bars in plain HTML and CSS, each deal with the work
done before — and as a CSV download. The façade decides who sees which deals
(403 for reps)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request
from flask_login import current_user, login_required

from engine.errors import FormError

from webui.app_engine import engine_of

bp = Blueprint("reports", __name__)

FILTERS = {"from": "since", "to": "until", "methodology": "methodology", "segment": "segment", "rep": "rep"}


def _filters() -> dict:
    """The query string's filters, by the façade's names; empty ones left out."""
    return {name: request.args[arg].strip() for arg, name in FILTERS.items() if request.args.get(arg, "").strip()}


@bp.get("/reports/lost")
@login_required
def lost():
    engine = engine_of(current_app)
    values = {arg: request.args.get(arg, "") for arg in FILTERS}
    # A methodology is shown by its name (the filter still sends its id), as the
    # pipeline and segment pages show it; an id no longer deployed shows as itself.
    names = engine.methodology_names()
    methodologies = sorted(names.items(), key=lambda pair: pair[1].casefold())
    try:
        report = engine.lost_report(viewer=current_user.username, **_filters())
    except FormError as err:
        engine.lost_report(viewer=current_user.username)  # a rep is refused (403) before seeing the form
        return render_template("reports_lost.html", report=None, errors=err.fields, values=values,
                               methodologies=methodologies, names=names), 422
    return render_template("reports_lost.html", report=report, errors={}, values=values,
                           methodologies=methodologies, names=names)


@bp.get("/reports/lost.csv")
@login_required
def lost_csv():
    text = engine_of(current_app).lost_report_csv(viewer=current_user.username, **_filters())
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="lost-deals.csv"'})
