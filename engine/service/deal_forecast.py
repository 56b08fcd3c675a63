"""Use cases of one deal's place in the forecast (M15): moving its expected close
date and the rep's override of its forecast category. Each locks the deal,
re-checks inside the lock that it is still open, and records an event with the
values before and after (``close_date_changed``, ``forecast_category_overridden``,
``forecast_category_cleared``) — the audit trail the deal page and the early
warnings ("close date slipping again") read.

Who: the deal's owner, its manager or an admin (``policy.may_set_forecast``)."""

from __future__ import annotations

from engine.errors import ConflictError
from engine.rules import close_dates, forecast_categories, policy
from engine.service import organisation, unit_of_work, visibility
from engine.service.context import ServiceContext
from engine.service.opportunities import show_opportunity
from engine.service.unit_of_work import Session
from engine.store.events import record_event
from engine.store.models import Opportunity, User
from engine.views import OpportunityView


def set_close_date(ctx: ServiceContext, opportunity_id: int, close_date: object, *,
                   actor: str) -> OpportunityView:
    now = ctx.now()

    def work(session: Session) -> None:
        actor_row, opportunity = _open_deal_for(session, actor, opportunity_id, "move the expected close date of")
        day = close_dates.parse(close_date, organisation.company_day_of(session, opportunity.opened_at))
        if day == opportunity.expected_close_date:
            raise ConflictError(f"opportunity {opportunity_id} is already expected to close on {day.isoformat()}")
        move_close_date(session, opportunity, day, actor_row.id, now)

    unit_of_work.run(ctx, work)
    return show_opportunity(ctx, opportunity_id)


def move_close_date(session: Session, opportunity: Opportunity, day, actor_id: int | None, now,
                    **context: object) -> bool:
    """Set the locked, open deal's expected close date to ``day`` (already parsed
    with close_dates.parse) and audit it as ``close_date_changed``; whether it moved.
    Shared by set_close_date, the deal edit and a form field a stage maps to it
    (engine.service.deal_edit); ``context`` joins the event (the task it came from)."""
    before = opportunity.expected_close_date
    if day == before:
        return False
    opportunity.expected_close_date = day
    record_event(session, opportunity, "close_date_changed", actor_id, now,
                 before=before.isoformat() if before else None, after=day.isoformat(), **context)
    return True


def set_forecast_category(ctx: ServiceContext, opportunity_id: int, category: object, *,
                          actor: str) -> OpportunityView:
    """``category``: commit, best_case, pipeline or omitted; None, empty or ``none``
    clears the override (the ranges decide again)."""
    override = forecast_categories.parse_override(category)
    now = ctx.now()

    def work(session: Session) -> None:
        actor_row, opportunity = _open_deal_for(session, actor, opportunity_id, "override the forecast category of")
        before = opportunity.forecast_category_override
        if override == before:
            raise ConflictError(f"opportunity {opportunity_id} has no forecast category override to clear"
                                if override is None else
                                f"opportunity {opportunity_id} is already overridden to {override}")
        _, methodology = ctx.catalog.version(session, opportunity.methodology_version_id)
        ranges = methodology.forecast
        in_force_before = forecast_categories.category_of(opportunity.probability, before, ranges)
        opportunity.forecast_category_override = override
        opportunity.forecast_override_by_id = actor_row.id if override else None
        opportunity.forecast_override_at = now if override else None
        record_event(session, opportunity, "forecast_category_overridden" if override else "forecast_category_cleared",
                     actor_row.id, now, override_before=before, override=override, category_before=in_force_before,
                     category=forecast_categories.category_of(opportunity.probability, override, ranges),
                     derived=forecast_categories.derived(opportunity.probability, ranges),
                     probability=opportunity.probability)

    unit_of_work.run(ctx, work)
    return show_opportunity(ctx, opportunity_id)


def _open_deal_for(session: Session, actor: str, opportunity_id: int, doing: str) -> tuple[User, Opportunity]:
    """The actor and the locked deal, once the actor may do this and the deal, as
    stored once the lock is held, is still open."""
    actor_row, opportunity = visibility.visible_opportunity(session, actor, opportunity_id, lock=True)
    policy.require(policy.may_set_forecast(visibility.actor_of(session, actor_row), visibility.deal_of(opportunity)),
                   f"only the deal's owner, its manager or an admin may {doing} opportunity {opportunity_id}; "
                   f"'{actor}' may not")
    if opportunity.status != "open":
        raise ConflictError(f"opportunity {opportunity_id} is {opportunity.status}; its forecast is settled")
    return actor_row, opportunity

