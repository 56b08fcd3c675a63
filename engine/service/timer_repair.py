"""Re-arming deals whose stored next timer disagrees with their workflow.

A deal's ``next_timer_at`` is what the worker's sweep picks it by, and its
``next_action_at`` counts it (store.opportunities.set_next_action). Both are written
by the step that changes the workflow; a bug before commit 9284ca5 left deals with
``next_timer_at`` empty while a timer of theirs waited and no error held it (a
person's failure that replaced a worker's answer's), and counted held timers in
the next action. Such a deal's timers wait until some step of it succeeds; a
migration cannot re-arm them, since the due dates are in the workflow state.

``rearm_timers`` reads each deal's waiting timers from its state and sets both
columns as a failure or a step would (engine.service.step_errors.next_timer, then
the one next-action rule). Every deal those bugs touched shows an error (a step
that succeeds sets both columns anew), so by default only deals showing an error
are read — cheap enough for every worker's start; ``every_open_deal`` reads them
all. A first pass reads without locks; each deal that needs a change is then
locked in its own transaction and checked again as it stands: a step that ran
meanwhile wins, and what it left is what is compared."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace

from engine.errors import DealflowError
from engine.service import step_errors, unit_of_work
from engine.service.context import ServiceContext
from engine.service.unit_of_work import Session
from engine.store import next_timers
from engine.store import opportunities as opportunity_store
from engine.store.models import Opportunity
from engine.views.timer_repair import RearmedDeal, RearmReport

CHUNK = 200  # deals read with their states at a time (a state is kilobytes)


@dataclass(frozen=True)
class _Plan:
    timer: datetime | None
    action: datetime | None


def rearm_timers(ctx: ServiceContext, *, dry_run: bool = False, every_open_deal: bool = False) -> RearmReport:
    """Find the open deals whose next timer or next action disagrees with their
    workflow's waiting timers and re-arm them (``dry_run``: only say which)."""
    found, unreadable, checked = [], [], 0
    with unit_of_work.read(ctx) as session:
        ids = next_timers.open_deal_ids(session, with_error_only=not every_open_deal)
        for start in range(0, len(ids), CHUNK):
            for deal in next_timers.with_states(session, ids[start:start + CHUNK]):
                checked += 1
                try:
                    plan = _plan(ctx, session, deal)
                except DealflowError as err:
                    unreadable.append((deal.id, str(err)))
                    continue
                if plan is not None:
                    found.append(_change(deal, plan))
            session.expunge_all()  # the states read: not kept for the whole pass
    changed = found if dry_run else [done for c in found if (done := _rearm(ctx, c.opportunity_id)) is not None]
    return RearmReport(checked, tuple(changed), tuple(unreadable), dry_run, every_open_deal)


def _plan(ctx: ServiceContext, session: Session, deal: Opportunity) -> _Plan | None:
    """The deal's next timer and next action as its workflow and error have them, or
    None when the stored ones agree. Changes nothing: the next action is worked out
    by the one rule on a stand-in for the deal."""
    waiting = ctx.catalog.runner(session, deal.methodology_version_id).result(deal.workflow_state).next_due
    stand_in = SimpleNamespace(id=deal.id, next_timer_at=step_errors.next_timer(deal, waiting), next_action_at=None)
    opportunity_store.refresh_next_action(session, stand_in)
    if (stand_in.next_timer_at, stand_in.next_action_at) == (deal.next_timer_at, deal.next_action_at):
        return None
    return _Plan(stand_in.next_timer_at, stand_in.next_action_at)


def _change(deal: Opportunity, plan: _Plan) -> RearmedDeal:
    return RearmedDeal(deal.id, deal.title, deal.next_timer_at, plan.timer, deal.next_action_at, plan.action)


def _rearm(ctx: ServiceContext, opportunity_id: int) -> RearmedDeal | None:
    """Lock the deal, check it again as it stands now, and re-arm it if it still
    disagrees; None when it no longer does (a step or a worker fixed it meanwhile)."""
    def work(session: Session) -> RearmedDeal | None:
        deal = opportunity_store.lock_opportunity(session, opportunity_id)
        if deal.status != "open":
            return None
        try:
            plan = _plan(ctx, session, deal)
        except DealflowError:
            return None  # it no longer reads (a version changed meanwhile): left as it is
        if plan is None:
            return None
        change = _change(deal, plan)
        with session.no_autoflush:  # one UPDATE of the deal, not one per column
            deal.next_timer_at = plan.timer
            opportunity_store.refresh_next_action(session, deal)  # the same rule on the row: plan.action
        return change

    # Still in conflict after the retries (steps on it, one after another): left for the next run.
    return unit_of_work.run(ctx, work, on_conflict=lambda: None)
