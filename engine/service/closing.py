"""Closing a deal as lost by hand: a customer walks away whatever the process
says, as any CRM allows."""

from __future__ import annotations

from engine.errors import ConflictError, FormError
from engine.rules import inputs, policy
from engine.service import opportunities, unit_of_work, visibility
from engine.service.context import ServiceContext
from engine.service.progress import change_stage
from engine.service.unit_of_work import Session
from engine.store.events import record_event
from engine.store.inbox import Assigner
from engine.store.opportunities import withdraw_open_tasks
from engine.views import OpportunityView

MAX_REASON = inputs.MAX_REASON


def close_as_lost(ctx: ServiceContext, opportunity_id: int, *, actor: str, reason: str,
                  stage: str | None = None) -> OpportunityView:
    """Close an open deal as lost: its open tasks and suggestions are withdrawn,
    its timers stop, and it enters the methodology's lost stage (``stage``, or the
    first lost stage of the table) with ``reason`` recorded. Never refused for
    exit criteria. The owner, the deal's manager or an admin may do it."""
    reason = inputs.text(reason, "reason", limit=MAX_REASON, required=False)
    if not reason:
        raise FormError({"reason": "say why the deal was lost"})
    now = ctx.now()

    def work(session: Session) -> None:
        actor_row, opportunity = visibility.visible_opportunity(session, actor, opportunity_id, lock=True)
        policy.require(policy.may_close(visibility.actor_of(session, actor_row), visibility.deal_of(opportunity)),
                       f"only the deal's owner, its manager or an admin may close opportunity {opportunity_id}; "
                       f"'{actor}' may not")
        if opportunity.status != "open":
            raise ConflictError(f"opportunity {opportunity_id} is already {opportunity.status}")
        _, methodology = ctx.catalog.version(session, opportunity.methodology_version_id)
        lost = [s for s in methodology.stages if s.outcome == "lost"]
        chosen = next((s for s in lost if s.id == stage), None) if stage else lost[0]
        if chosen is None:
            raise FormError({"stage": "not a lost stage of this methodology; choose one of "
                                      + ", ".join(s.id for s in lost)})
        withdrawn = withdraw_open_tasks(session, opportunity)
        opportunity.next_timer_at = None  # the process stops here: nothing fires any more
        opportunity.next_action_at = None
        opportunity.lost_reason = reason
        opportunity.failed_step = None
        opportunity.error_message = opportunity.error_node = None
        record_event(session, opportunity, "closed_by_hand", actor_row.id, now, stage=chosen.id,
                     reason=reason, withdrawn=withdrawn)
        change_stage(session, opportunity, methodology, chosen.id, actor_row.id, now, Assigner(session, {}))

    unit_of_work.run(ctx, work)
    return opportunities.show_opportunity(ctx, opportunity_id)
