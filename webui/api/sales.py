"""The Sales Assistant's routes: the panel's facts (GET .../sales-assistant), answering
a stage questionnaire, the manager's probability override and its reset, and closing
a deal as lost by hand and recording why a lost deal was lost. Documented in
webui/api/openapi/sales.py."""

from __future__ import annotations

from flask import jsonify

from webui.api.blueprint import bp, facade, username
from webui.api.parsing import json_object, no_nulls, refuse, unknown_fields
from webui.api.shapes import opportunity_json, when


@bp.get("/opportunities/<int:opportunity_id>/sales-assistant")
def sales_assistant(opportunity_id: int):
    return jsonify(assistant_json(facade().sales_assistant(opportunity_id, viewer=username())))


@bp.post("/opportunities/<int:opportunity_id>/questionnaires/<questionnaire_id>")
def answer_questionnaire(opportunity_id: int, questionnaire_id: str):
    body = json_object()
    refuse(unknown_fields(body, ("answers",), 'send {"answers": {question: answer}}'))
    answers = body.get("answers")
    if not isinstance(answers, dict):
        refuse({"answers": "send an object of question ids and answer ids"})
    no_nulls(answers)
    deal = facade().answer_questionnaire(opportunity_id, questionnaire_id, answers, actor=username())
    return jsonify(opportunity_json(deal))


@bp.put("/opportunities/<int:opportunity_id>/probability")
def override_probability(opportunity_id: int):
    body = json_object()
    no_nulls(body)
    errors = unknown_fields(body, ("probability", "reason"))
    reason = body.get("reason", "")
    if not isinstance(reason, str):
        errors["reason"] = "send text"
    refuse(errors)
    deal = facade().override_probability(opportunity_id, body.get("probability"), actor=username(),
                                          reason=reason)
    return jsonify(opportunity_json(deal))


@bp.delete("/opportunities/<int:opportunity_id>/probability")
def reset_probability(opportunity_id: int):
    return jsonify(opportunity_json(facade().reset_probability(opportunity_id, actor=username())))


@bp.post("/opportunities/<int:opportunity_id>/lose")
def close_as_lost(opportunity_id: int):
    body = _lost_reason_body(("reason_code", "reason", "stage"))
    deal = facade().close_as_lost(opportunity_id, actor=username(), reason_code=body.get("reason_code"),
                                   reason=body.get("reason") or "", stage=body.get("stage"))
    return jsonify(opportunity_json(deal))


@bp.put("/opportunities/<int:opportunity_id>/lost-reason")
def record_lost_reason(opportunity_id: int):
    body = _lost_reason_body(("reason_code", "reason"))
    deal = facade().record_lost_reason(opportunity_id, actor=username(), reason_code=body.get("reason_code"),
                                       reason=body.get("reason") or "")
    return jsonify(opportunity_json(deal))


def _lost_reason_body(names: tuple[str, ...]) -> dict:
    body = json_object()
    no_nulls(body)
    errors = unknown_fields(body, names)
    for name in names:
        if body.get(name) is not None and not isinstance(body[name], str):
            errors[name] = "send text"
    refuse(errors)
    return body


def assistant_json(a) -> dict:
    """The SalesAssistant schema."""
    return {
        "opportunity_id": a.opportunity_id, "stage_id": a.stage_id, "stage_name": a.stage_name,
        "stage_description": a.stage_description,
        "checklist": [{"kind": c.kind, "name": c.name, "label": c.label, "met": c.met} for c in a.checklist],
        "probability": a.probability, "probability_auto": a.probability_auto,
        "probability_override": a.probability_override, "probability_override_by": a.probability_override_by,
        "probability_override_at": when(a.probability_override_at),
        "questionnaires": [{
            "id": q.id, "name": q.name, "task": q.task, "stage": q.stage, "answerable": q.answerable,
            "questions": [{"id": qid, "text": text, "help": help_text, "group": group,
                           "answers": [{"id": aid, "text": atext} for aid, atext in answers]}
                          for qid, text, help_text, group, answers in q.questions],
            "answers": dict(q.answers),
            "score": None if q.score is None else {
                "score": q.score.score, "class": q.score.class_id, "class_name": q.score.class_name,
                "class_effect": q.score.class_effect, "answered_by": q.score.answered_by,
                "answered_at": when(q.score.answered_at),
                "questions": [{"id": s.id, "answer": s.answer, "points": s.points, "best_points": s.best_points,
                               "weight": s.weight, "contribution": s.contribution, "possible": s.possible}
                              for s in q.score.questions]},
        } for q in a.questionnaires],
    }
