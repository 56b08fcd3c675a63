"""The deal's context on a task page (issue 15, as Camunda Tasklist shows a process's
variables beside its form): customer, amount, stage, earlier answers, buying center."""

from __future__ import annotations

from engine.service import inbox, unit_of_work
from engine.service.context import ServiceContext
from engine.store import people
from engine.store import task_context as context_store
from engine.views.inbox import TaskContext


def task_context(ctx: ServiceContext, task_id: str, *, viewer: str) -> TaskContext:
    """The deal around the task, if the viewer may see the task (404 otherwise)."""
    with unit_of_work.quick_read(ctx) as session:
        _, deal = inbox.visible_task(session, people.user(session, viewer), task_id)
        _, methodology = ctx.catalog.version(session, deal.methodology_version_id)
        names = context_store.display_names

        stage = next((s.name for s in methodology.stages if s.id == deal.stage_id), deal.stage_id)
        return TaskContext(
            opportunity_id=deal.id, title=deal.title, partner_name=deal.partner_name, partner_id=deal.partner_id,
            amount=deal.amount, currency=deal.currency, stage_name=stage, probability=deal.probability,
            owner=names(session, [deal.owner_id]).get(deal.owner_id, ""), status=deal.status,
            expected_close_date=deal.expected_close_date,
            earlier=context_store.earlier_steps(session, deal.id),
            buying_center=context_store.buying_center(session, deal.id, methodology.buying_center_roles))
