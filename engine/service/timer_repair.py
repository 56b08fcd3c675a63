"""Re-arming deals whose stored next timer disagrees with their workflow.

A deal's ``next_timer_at`` is what the worker's sweep picks it by, and its
``next_action_at`` counts it (store.opportunities.set_next_action). Both are written
by the step that changes the workflow; a bug before commit 9284ca5 left deals with
``next_timer_at`` empty while a timer of theirs waited and no error held it (a
person's failure that replaced a worker's answer's), and counted held timers in
the next action. Such a deal's timers wait until some step of it succeeds; a
migration cannot re-arm them, since the due dates are in the workflow state.

``rearm_timers`` reads each deal's waiting timers from its state and works both
columns out by the rule a step applies (engine.rules.progress.next_due: no next timer
while its error holds the timers). Deals whose process may still run are checked:
the open ones and the won ones (winning ends one branch; the others, and their
timers, go on), not the lost (engine.store.next_timers). Every deal those bugs
touched shows an error (a step that succeeds sets both columns anew), so by default
only deals showing an error are read — cheap enough for every worker's start;
``every_deal`` reads them all.

Why not every deal by default: reading a workflow's waiting timers means loading its
state, about a millisecond of CPU a deal (bench/rearm_timers.py, docs/benchmarks.md),
and no stored column tells a wrong next timer from a right one. A stored timer
earlier than the workflow's heals by itself: the sweep picks the deal at that time,
fires nothing, and the step stores the workflow's own. Only one later than the
workflow's, or none, keeps a timer waiting, and a legitimately late timer looks the
same in the row; so that check stays ``every_deal``'s.

A first pass reads without locks; each deal that needs a change is then locked in its
own transaction and checked again as it stands: a step that ran
meanwhile wins, and what it left is what is compared."""

from __future__ import annotations

from engine.errors import DealflowError
from engine.rules import progress
from engine.service import step_errors, unit_of_work
from engine.service.context import ServiceContext
from engine.service.unit_of_work import Session
from engine.store import next_timers
from engine.store import opportunities as opportunity_store
from engine.store.models import Opportunity
from engine.views.timer_repair import RearmedDeal, RearmReport

CHUNK = 200  # deals read with their states at a time (a state is kilobytes)


def rearm_timers(ctx: ServiceContext, *, dry_run: bool = False, every_deal: bool = False) -> RearmReport:
    """Find the open or won deals whose next timer or next action disagrees with their
    workflow's waiting timers and re-arm them (``dry_run``: only say which)."""
    found, unreadable, checked = [], [], 0
    with unit_of_work.read(ctx) as session:
        ids = next_timers.live_deal_ids(session, with_error_only=not every_deal)
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
    return RearmReport(checked, tuple(changed), tuple(unreadable), dry_run, every_deal)


def _plan(ctx: ServiceContext, session: Session, deal: Opportunity) -> progress.NextDue | None:
    """The deal's next timer and next action as its workflow, error and open tasks
    have them (the step's rule, engine.rules.progress.next_due), or None when the
    stored ones agree. Changes nothing."""
    waiting = ctx.catalog.runner(session, deal.methodology_version_id).result(deal.workflow_state).next_due
    due = progress.next_due((waiting,), opportunity_store.open_task_dues(session, deal.id),
                            held=step_errors.timers_held(deal))
    return None if (due.timer, due.action) == (deal.next_timer_at, deal.next_action_at) else due


def _change(deal: Opportunity, plan: progress.NextDue) -> RearmedDeal:
    return RearmedDeal(deal.id, deal.title, deal.next_timer_at, plan.timer, deal.next_action_at, plan.action)


def _rearm(ctx: ServiceContext, opportunity_id: int) -> RearmedDeal | None:
    """Lock the deal, check it again as it stands now, and re-arm it if it still
    disagrees; None when it no longer does (a step or a worker fixed it meanwhile)."""
    def work(session: Session) -> RearmedDeal | None:
        deal = opportunity_store.lock_opportunity(session, opportunity_id)
        if deal.status == "lost":  # lost meanwhile: its process stopped, nothing of it fires
            return None
        try:
            plan = _plan(ctx, session, deal)
        except DealflowError:
            return None  # it no longer reads (a version changed meanwhile): left as it is
        if plan is None:
            return None
        change = _change(deal, plan)
        deal.next_timer_at, deal.next_action_at = plan.timer, plan.action
        return change

    # Still in conflict after the retries (steps on it, one after another): left for the next run.
    return unit_of_work.run(ctx, work, on_conflict=lambda: None)
