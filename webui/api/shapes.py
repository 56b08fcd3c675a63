"""The JSON the API answers for the façade's views shared by several routes: times,
money, free-form data, a form field, a task, an opportunity. Each shape is a schema
of webui/api/openapi/ (FormField, Task, Opportunity...); the tests hold them together."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from engine.views import FieldView, OpportunityView, TaskView
from engine.views.json_text import money, when  # noqa: F401 (shared by the routes)

CENT = Decimal("0.01")


def plain(value):
    """Free-form data (attributes, event details) as JSON: Decimals as strings, dates ISO."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return when(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def field_json(f: FieldView) -> dict:
    return {"id": f.id, "label": f.label, "type": f.type, "required": f.required, "default": f.default,
            "minimum": f.minimum, "maximum": f.maximum, "help": f.help,
            "choices": [{"id": choice_id, "label": label} for choice_id, label in f.choices]}


def task_json(t: TaskView, form: list | None = None) -> dict:
    """The Task schema; ``form``: its form's JSON when the caller has it already."""
    return {"id": t.id, "opportunity_id": t.opportunity_id, "opportunity_title": t.opportunity_title,
            "node_id": t.node_id, "name": t.name, "instructions": t.instructions, "lane": t.lane,
            "assignee": t.assignee, "candidate_team": t.candidate_team, "claimable": t.claimable,
            "status": t.status, "due_at": when(t.due_at), "created_at": when(t.created_at),
            "stage_id": t.stage_id, "stage_name": t.stage_name, "methodology_id": t.methodology_id,
            "completed_by": t.completed_by, "completed_at": when(t.completed_at),
            "form": [field_json(f) for f in t.form] if form is None else form, "kind": t.kind, "required": t.required,
            "partner_name": t.partner_name, "follow_up_at": when(t.follow_up_at)}


def opportunity_json(o: OpportunityView) -> dict:
    return {
        "id": o.id, "title": o.title, "partner_id": o.partner_id, "partner_name": o.partner_name,
        "credit_warning": o.credit_warning, "amount": money(o.amount),
        "currency": o.currency, "attributes": plain(o.attributes), "segment_id": o.segment_id,
        "team": o.team, "owner": o.owner, "manager": o.manager, "methodology_id": o.methodology_id,
        "methodology_label": o.methodology_label, "stage_id": o.stage_id, "stage_name": o.stage_name,
        "stage_entered_at": when(o.stage_entered_at), "probability": o.probability,
        "probability_auto": o.probability_auto, "probability_override": o.probability_override,
        "score": o.score, "score_class": o.score_class,
        "expected_revenue": money(o.expected_revenue), "next_action_at": when(o.next_action_at),
        "status": o.status, "lost_reason": o.lost_reason, "lost_reason_code": o.lost_reason_code,
        "lost_reason_label": o.lost_reason_label, "lost_reason_missing": o.lost_reason_missing,
        "error_message": o.error_message,
        "failed_step": None if o.error_message is None else {"kind": o.failed_step_kind,
                                                             "task_id": o.failed_task_id},
        "timers_held": o.timers_held,
        "error_note": o.error_note,
        "opened_by": o.opened_by, "opened_at": when(o.opened_at), "closed_by": o.closed_by,
        "closed_at": when(o.closed_at),
        "expected_close_date": o.expected_close_date.isoformat() if o.expected_close_date else None,
        "forecast_category": o.forecast_category, "forecast_category_derived": o.forecast_category_derived,
        "forecast_category_override": o.forecast_category_override,
        "forecast_override_by": o.forecast_override_by, "forecast_override_at": when(o.forecast_override_at),
        "open_tasks": [task_json(t) for t in o.open_tasks],
        "completed_tasks": [task_json(t) for t in o.completed_tasks],
        "stage_history": [{"from_stage": s.from_stage, "to_stage": s.to_stage, "to_stage_name": s.to_stage_name,
                           "probability": s.probability, "changed_by": s.changed_by,
                           "changed_at": when(s.changed_at)} for s in o.stage_history],
        "events": [{"kind": e.kind, "actor": e.actor, "at": when(e.at), "data": plain(e.data)}
                   for e in o.events],
        "may_edit": o.may_edit, "may_retry": o.may_retry, "newer_version": o.newer_version,
        "row_version": o.row_version,
    }


def deal_list_json(page) -> dict:
    """A page of the deals list (engine.views.deals.DealListPage)."""
    return {
        "items": [{"id": r.id, "title": r.title, "partner_id": r.partner_id, "partner_name": r.partner_name,
                   "amount": money(r.amount), "currency": r.currency, "stage_id": r.stage_id,
                   "stage_name": r.stage_name, "methodology_id": r.methodology_id, "owner": r.owner,
                   "segment_id": r.segment_id, "status": r.status, "waiting": r.waiting,
                   "probability": r.probability,
                   "expected_close_date": r.expected_close_date.isoformat() if r.expected_close_date else None,
                   "next_action_at": when(r.next_action_at)} for r in page.rows],
        "total": page.total, "page": page.page, "per_page": page.per_page, "pages": page.pages,
        "scope": page.scope, "sort": ("-" if page.descending else "") + page.sort,
        "totals": [{"currency": t.currency, "count": t.count, "amount": money(t.amount)} for t in page.totals],
    }
