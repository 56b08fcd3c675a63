"""Blueprint 'sales_assistant': what the opportunity page's Sales Assistant panel
posts — answers to a stage questionnaire, the manager's probability override and
its reset — closing a deal as lost by hand (with a confirmation step) and
recording why a deal the process lost was lost. Each parses the form, calls one façade method and goes back to the
opportunity page; a mistake in the form comes back on that page, with what was
entered and a message per field (422)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine.errors import ConflictError, FormError
from engine.views.sales import score_text

from webui.app_engine import engine_of
from webui.auth import _safe_next
from webui.opportunities import page

bp = Blueprint("sales_assistant", __name__)


@bp.post("/opportunities/<int:opportunity_id>/questionnaires/<questionnaire_id>")
@login_required
def answer(opportunity_id: int, questionnaire_id: str):
    engine = engine_of(current_app)
    answers = {key.removeprefix("q-"): value for key, value in request.form.items() if key.startswith("q-")}
    try:
        deal = engine.answer_questionnaire(opportunity_id, questionnaire_id, answers, actor=current_user.username)
    except FormError as err:
        return page(opportunity_id, status=422, questionnaire_errors={questionnaire_id: err.fields},
                    questionnaire_values={questionnaire_id: answers})
    except ConflictError as err:
        flash(str(err), "error")
        return redirect(url_for("opportunities.show", opportunity_id=opportunity_id), 303)
    flash(f"Answers saved: the deal scores {score_text(deal.score_exact)} (class {deal.score_class}); "
          f"probability {deal.probability} %.", "success")
    return redirect(url_for("opportunities.show", opportunity_id=opportunity_id, _anchor="sales-assistant"), 303)


@bp.post("/opportunities/<int:opportunity_id>/probability")
@login_required
def override(opportunity_id: int):
    engine = engine_of(current_app)
    value, reason = request.form.get("probability", ""), request.form.get("reason", "")
    try:
        deal = engine.override_probability(opportunity_id, value, actor=current_user.username, reason=reason)
    except FormError as err:
        return page(opportunity_id, status=422, override_errors=err.fields,
                    override_values={"probability": value, "reason": reason})
    except ConflictError as err:
        flash(str(err), "error")
        return redirect(url_for("opportunities.show", opportunity_id=opportunity_id), 303)
    flash(f"Probability set to {deal.probability} % by hand; it stays until you reset it.", "success")
    return redirect(url_for("opportunities.show", opportunity_id=opportunity_id, _anchor="sales-assistant"), 303)


@bp.post("/opportunities/<int:opportunity_id>/probability/reset")
@login_required
def reset(opportunity_id: int):
    try:
        deal = engine_of(current_app).reset_probability(opportunity_id, actor=current_user.username)
    except ConflictError as err:
        flash(str(err), "error")
    else:
        flash(f"Probability back to automatic: {deal.probability} %.", "success")
    return redirect(url_for("opportunities.show", opportunity_id=opportunity_id, _anchor="sales-assistant"), 303)


@bp.post("/opportunities/<int:opportunity_id>/lose")
@login_required
def lose(opportunity_id: int):
    """Two steps, as closing is final: the deal page's form comes here first and gets
    the confirmation page (nothing changed yet); that page posts again with
    ``confirmed=yes``, which closes the deal."""
    engine = engine_of(current_app)
    values = {"reason_code": request.form.get("reason_code") or None, "reason": request.form.get("reason", ""),
              "stage": request.form.get("stage") or None}
    # where the form was (the pipeline board): the confirmation goes back there
    back = _safe_next(request.form.get("next")) if request.form.get("next") else None
    try:
        if request.form.get("confirmed") != "yes":
            preview = engine.preview_loss(opportunity_id, actor=current_user.username, **values)
            return render_template("lose_confirm.html", preview=preview, values=values, back=back)
        deal = engine.close_as_lost(opportunity_id, actor=current_user.username, **values)
    except FormError as err:
        return page(opportunity_id, status=422, lose_errors=err.fields, lose_values=values)
    except ConflictError as err:
        flash(str(err), "error")
        return redirect(back or url_for("opportunities.show", opportunity_id=opportunity_id), 303)
    flash(f"{deal.title} is closed as lost ({deal.stage_name}: {deal.lost_reason_label}); "
          "its open tasks were withdrawn.", "success")
    return redirect(back or url_for("opportunities.show", opportunity_id=opportunity_id), 303)


@bp.post("/opportunities/<int:opportunity_id>/lost-reason")
@login_required
def record_lost_reason(opportunity_id: int):
    """Say why a deal the process lost was lost (or correct the reason)."""
    engine = engine_of(current_app)
    values = {"reason_code": request.form.get("reason_code") or None, "reason": request.form.get("reason", "")}
    try:
        deal = engine.record_lost_reason(opportunity_id, actor=current_user.username, **values)
    except FormError as err:
        return page(opportunity_id, status=422, reason_errors=err.fields, reason_values=values)
    except ConflictError as err:
        flash(str(err), "error")
        return redirect(url_for("opportunities.show", opportunity_id=opportunity_id), 303)
    flash(f"Recorded: {deal.title} was lost because of {deal.lost_reason_label}.", "success")
    return redirect(url_for("opportunities.show", opportunity_id=opportunity_id), 303)
