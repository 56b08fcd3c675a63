"""Use cases that run a deal's process without a user's step: firing the timers
that are due, and running again a step that failed."""

from __future__ import annotations

from datetime import datetime

from engine.errors import ConflictError, DealflowError, WorkflowError
from engine.rules import failed_steps, policy
from engine.methodology.model import FormField
from engine.rules.forms import validate_form
from engine.service import opportunities, step_errors, task_events, tasks, unit_of_work, visibility
from engine.service.context import ServiceContext
from engine.service.progress import apply_step
from engine.service.unattended import apply_unattended_step
from engine.service.unit_of_work import Session
from engine.store import opportunities as opportunity_store
from engine.store import stage_totals
from engine.store.events import record_event
from engine.store.models import InboxTask, Opportunity, User
from engine.views import OpportunityView

# Due deals fired in one transaction. Each transaction pays a fixed price — BEGIN and
# the durable COMMIT, the pick, the newest routing's id, the kept report totals' upserts
# of the grouping rows every deal shares — so a batch pays it once for all its deals.
# Chosen with bench/timers.py (10,000 timers, 2 workers, PostgreSQL, 2026-12-05 on a
# machine at load 7-15; docs/benchmarks.md): the workers' CPU a timer was 8.3 ms with
# 1 a batch, 6.2 ms with 10, 4.4 ms with 20 and 5.1 ms with 50 (one deal a transaction,
# before batches: 5.9-6.9 ms). 50 saved nothing measurable over 20 and holds its deals
# locked longer (the whole batch), so a rep's step on one of them waits longer.
BATCH = 20


def fire_due_timers(ctx: ServiceContext, limit: int = 100) -> int:
    """Fire the timers that are due on at most ``limit`` opportunities, ``BATCH`` of
    them per transaction; returns how many opportunities moved. Safe with several
    workers on one database: each transaction locks due opportunities no other worker
    holds (and checks each again as it stands once locked), so each timer fires once.
    A batch that fails — one deal's state does not load, the database refuses one
    deal's row, at its commit or before — is rolled back whole and runs again deal by
    deal, each in its own transaction: the failing deal is parked with its error, the
    others fire. What stays in conflict after the unit of work's retries is left for
    the next sweep.

    A batch makes its statements per batch, not per deal, where it can: its deals' inbox
    rows are read in one statement once they are locked, their events and new inbox rows
    written together at the commit; only each deal's version-checked UPDATE is its own
    (one statement for the batch's 20 would save 2-5 % of a timer's CPU at most, and
    would move the deal's UPDATE after its new inbox rows: docs/benchmarks.md, session 11).
    No SAVEPOINT per deal: a failure is rare, and the savepoint's two round trips and
    the writes it would have to hold inside it cost every deal (docs/benchmarks.md)."""
    fired = taken = 0
    while taken < limit:
        size = min(BATCH, limit - taken)
        now = ctx.now()
        picked: list[int] = []

        def work(session: Session) -> tuple[int, int]:
            deals = opportunity_store.due_opportunities(session, now, size)
            picked[:] = [deal.id for deal in deals]  # this try's (a retry picks again)
            lanes: dict[str, object] = {}  # per methodology, read once a batch
            rows = opportunity_store.due_step_rows(session, deals)  # the deals' inbox rows, one read
            moved = 0
            for deal in deals:
                moved += _fire(ctx, session, deal, now, lanes, rows.get(deal.id, []))
            return len(deals), moved

        try:
            count, moved = unit_of_work.run(ctx, work, on_conflict=lambda: (len(picked) or size, 0))
        except DealflowError:
            if not picked:
                raise
            count, moved = len(picked), sum(_fire_alone(ctx, deal_id, now) for deal_id in picked)
        fired += moved
        taken += count
        if count == 0:  # none due any more (a batch smaller than asked for may leave a cycle due again)
            break
    return fired


def _fire(ctx: ServiceContext, session: Session, opportunity: Opportunity, now: datetime,
          lanes: dict[str, object], rows: list[InboxTask] | None = None) -> int:
    """Fire the due timers of a locked, due opportunity (1), or clear a lost one's (0).
    ``rows``: its ``inbox.step_rows``, when the batch read them (else read here)."""
    if opportunity.status == "lost":
        # A lost deal's process stopped: nothing of it fires any more, whatever
        # timer a race left on the row.
        opportunity.next_timer_at = None
        return 0
    if opportunity.error_message is not None and failed_steps.holds_timers(opportunity.failed_step):
        # Its error holds its timers (a failed timer would fail again): only a person's
        # failed step lets the other branches' timers fire. Rows left due before that rule.
        step_errors.hold_timers(session, opportunity)
        return 0
    version, methodology = ctx.catalog.version(session, opportunity.methodology_version_id)
    runner = ctx.catalog.runner(session, version.id)
    state, result = runner.fire_due_timers(opportunity.workflow_state, now)
    if methodology.id not in lanes:
        lanes[methodology.id] = ctx.catalog.lanes(session, methodology.id)
    # Time passes whatever the rep did: never held back by exit criteria (recorded).
    # apply_step records a timer_fired event per firing, or the failure for retry.
    # ``waits``: a process without external tasks or message catches (a fact of its
    # version) makes no such rows, so none are read — as complete_task does; a deal with
    # an error reads them anyway (progress.synced_waits).
    apply_unattended_step(session, opportunity, methodology, lanes[methodology.id],
                          state, result, lambda: runner.data(state), now, step={"kind": failed_steps.TIMERS},
                          rows=rows, waits=runner.outside_waits())
    # A failure holds the timers (step_errors.note_failure): retried by hand, not fired again and again.
    return 1


def _fire_alone(ctx: ServiceContext, opportunity_id: int, now: datetime) -> int:
    """One deal of a batch that failed as a whole, in its own transaction: locked,
    fired if still due, parked if it fails."""
    def work(session: Session) -> int:
        deal = opportunity_store.lock_opportunity(session, opportunity_id)
        if not _still_due(deal, now):
            return 0  # another worker fired it, or someone changed it, meanwhile
        return _fire(ctx, session, deal, now, {})

    def park(session: Session) -> None:
        # Checked again under the lock: between the failed firing's rollback and here,
        # another worker may have picked the deal, failed too and parked it already.
        deal = opportunity_store.lock_opportunity(session, opportunity_id)
        if _still_due(deal, now):
            _park(session, deal, message, now)

    try:
        return unit_of_work.run(ctx, work, on_conflict=lambda: 0)
    except DealflowError as err:
        message = str(err)
    unit_of_work.run(ctx, park)
    return 0


def _still_due(deal: Opportunity, now: datetime) -> bool:
    return deal.next_timer_at is not None and deal.next_timer_at < now


def _park(session: Session, opportunity: Opportunity, message: str, now: datetime) -> None:
    """Record on a locked opportunity that its timers could not be fired: the error,
    shown on the deal, and no timer left to pick until someone retries it. A deal
    keeping a person's failed step keeps showing that one: the timers wait behind it
    (engine.rules.failed_steps) and fire again once it is settled."""
    kept = step_errors.kept_step(opportunity)
    step_errors.hold_timers(session, opportunity)
    if (kept or {}).get("kind") in failed_steps.TASK_KINDS:
        opportunity.failed_step = failed_steps.held_behind(kept)
    else:
        opportunity.error_message = message
        opportunity.failed_step = {"kind": failed_steps.TIMERS}
    record_event(session, opportunity, "error", None, now, message=message)


def retry(ctx: ServiceContext, opportunity_id: int, *, actor: str, upgrade: bool = False) -> OpportunityView:
    """Run the step that failed on an opportunity again — after the data was fixed
    or, with ``upgrade``, on the newest version of its methodology after the
    designer fixed it (the opportunity moves to that version)."""
    now = ctx.now()

    def work(session: Session) -> None:
        # Locked first, then every check on what is stored now: of a retry racing a
        # completion or another retry, the second finds the error gone (409), not a
        # second run of the step. A deal the actor may not see is a 404, as elsewhere.
        actor_row, opportunity = visibility.visible_opportunity(session, actor, opportunity_id, lock=True)
        policy.require(policy.may_retry(visibility.actor_of(session, actor_row), visibility.deal_of(opportunity)),
                       f"user '{actor}' may not retry opportunity {opportunity_id}")
        if opportunity.status == "lost":  # its process stopped; closing it cleared any error
            raise ConflictError(f"opportunity {opportunity_id} is lost; there is nothing to retry")
        if opportunity.error_message is None:
            raise ConflictError(f"opportunity {opportunity_id} has no error to retry")
        if upgrade:
            _upgrade_version(ctx, session, opportunity, actor_row, now)
        record_event(session, opportunity, "retried", actor_row.id, now,
                     step=(opportunity.failed_step or {}).get("kind"))
        step = opportunity.failed_step or {"kind": "engine"}
        if step["kind"] == "complete":
            task = session.get(InboxTask, step["task"])
            if task is None or task.status != "ready":
                raise ConflictError(f"the step that failed completed task '{step['task']}', which is no "
                                    f"longer ready ({task.status if task else 'gone'})")
            fields = tuple(FormField(**f) for f in task.form)
            clean, _ = validate_form(fields, step["data"])  # stored as JSON text: re-type it
            worker = session.get(User, step["actor"])
            tasks.run_completion(ctx, session, opportunity, task, worker, clean, now)
        elif step["kind"] in task_events.STEPS:  # a reported error or escalation: report it again
            task_events.retry_report(ctx, session, opportunity, step, now)
        else:
            version, methodology = ctx.catalog.version(session, opportunity.methodology_version_id)
            runner = ctx.catalog.runner(session, version.id)
            state, result = runner.retry(opportunity.workflow_state, now)
            apply_step(session, opportunity, methodology, ctx.catalog.lanes(session, methodology.id),
                       state, result, actor_row.id, now, step=step)

    unit_of_work.run(ctx, work)
    return opportunities.show_opportunity(ctx, opportunity_id)


def _upgrade_version(ctx: ServiceContext, session: Session, opportunity: Opportunity, actor_row: User,
                     now: datetime) -> None:
    current, methodology = ctx.catalog.version(session, opportunity.methodology_version_id)
    newest, _ = ctx.catalog.newest(session, current.methodology_id)
    if newest.id == current.id:
        raise ConflictError(f"version {current.label} is the newest of '{current.methodology_id}'; "
                            "deploy the fixed methodology first")
    try:  # the new version must read the deal's process where it stopped (WorkflowError: a node it dropped)
        ctx.catalog.runner(session, newest.id).data(opportunity.workflow_state)
    except WorkflowError as err:
        # The deal's state, not the request, is what does not fit: a conflict, said so the
        # manager knows what to do rather than a 422 about a form nobody filled in.
        raise ConflictError(f"opportunity {opportunity.id} cannot move to version {newest.label} of "
                            f"'{current.methodology_id}': {err}. Retry on version {current.label}, or deploy "
                            "a version that keeps those steps") from None
    opportunity.methodology_version_id = newest.id
    stage_totals.mark(session, [opportunity.id])  # history rows without a version now name the new one
    record_event(session, opportunity, "version_changed", actor_row.id, now,
                 from_version=current.id, to_version=newest.id, label=newest.label)

