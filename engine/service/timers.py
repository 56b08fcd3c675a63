"""Use cases that run a deal's process without a user's step: firing the timers
that are due, and running again a step that failed."""

from __future__ import annotations

from datetime import datetime

from engine.errors import ConflictError, DealflowError
from engine.rules import policy
from engine.methodology.model import FormField
from engine.rules.forms import validate_form
from engine.service import opportunities, tasks, unit_of_work, visibility
from engine.service.context import ServiceContext
from engine.service.progress import apply_step
from engine.service.unattended import apply_unattended_step
from engine.service.unit_of_work import Session
from engine.store import opportunities as opportunity_store
from engine.store import people, stage_totals
from engine.store.events import record_event
from engine.store.models import InboxTask, Opportunity, User
from engine.views import OpportunityView

_NONE_DUE, _FIRED, _TAKEN = "none due", "fired", "taken"


def fire_due_timers(ctx: ServiceContext, limit: int = 100) -> int:
    """Fire the timers that are due, one opportunity per transaction; returns how
    many opportunities moved. Safe with several workers on one database: each
    picks a due opportunity no other worker holds, and the version counter
    catches the rest (the unit of work then picks again; what others keep busy
    is left for the next sweep)."""
    fired = 0
    for _ in range(limit):
        now = ctx.now()
        picked: list[int] = []

        def work(session: Session) -> str:
            opportunity = opportunity_store.next_due_opportunity(session, now)
            if opportunity is None:
                return _NONE_DUE
            picked.append(opportunity.id)
            if opportunity.status == "lost":
                # A lost deal's process stopped: nothing of it fires any more, whatever
                # timer a race left on the row.
                opportunity.next_timer_at = None
                return _TAKEN
            version, methodology = ctx.catalog.version(session, opportunity.methodology_version_id)
            runner = ctx.catalog.runner(session, version.id)
            state, result = runner.fire_due_timers(opportunity.workflow_state, now)
            if result.error is None:  # apply_step records a timer_fired event per firing
                opportunity.failed_step = None
            else:
                opportunity.failed_step = {"kind": "timers"}
            # Time passes whatever the rep did: never held back by exit criteria (recorded).
            apply_unattended_step(session, opportunity, methodology, ctx.catalog.lanes(session, methodology.id),
                                  state, result, lambda: runner.data(state), now)
            if result.error is not None:
                opportunity.next_timer_at = None  # retried by hand, not fired again and again
            return _FIRED

        try:
            outcome = unit_of_work.run(ctx, work, on_conflict=lambda: _TAKEN)
        except DealflowError as err:
            if not picked:
                raise
            # This opportunity cannot be run at all (e.g. its stored state does not
            # load): park it with the error, so the sweep goes on with the others.
            _park(ctx, picked[-1], err, now)
            continue
        if outcome == _NONE_DUE:
            break
        if outcome == _FIRED:
            fired += 1
    return fired


def _park(ctx: ServiceContext, opportunity_id: int, err: DealflowError, now: datetime) -> None:
    def work(session: Session) -> None:
        opportunity = opportunity_store.lock_opportunity(session, opportunity_id)
        opportunity.error_message = str(err)
        opportunity.next_timer_at = None
        opportunity.failed_step = {"kind": "timers"}
        record_event(session, opportunity, "error", None, now, message=str(err))

    unit_of_work.run(ctx, work)


def retry(ctx: ServiceContext, opportunity_id: int, *, actor: str, upgrade: bool = False) -> OpportunityView:
    """Run the step that failed on an opportunity again — after the data was fixed
    or, with ``upgrade``, on the newest version of its methodology after the
    designer fixed it (the opportunity moves to that version)."""
    now = ctx.now()

    def work(session: Session) -> None:
        actor_row = people.user(session, actor)
        opportunity = opportunity_store.lock_opportunity(
            session, visibility.known_id(opportunity_id, f"no opportunity {opportunity_id}"))
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
        else:
            version, methodology = ctx.catalog.version(session, opportunity.methodology_version_id)
            runner = ctx.catalog.runner(session, version.id)
            state, result = runner.retry(opportunity.workflow_state, now)
            opportunity.failed_step = None if result.error is None else step
            apply_step(session, opportunity, methodology, ctx.catalog.lanes(session, methodology.id),
                       state, result, actor_row.id, now)

    unit_of_work.run(ctx, work)
    return opportunities.show_opportunity(ctx, opportunity_id)


def _upgrade_version(ctx: ServiceContext, session: Session, opportunity: Opportunity, actor_row: User,
                     now: datetime) -> None:
    current, methodology = ctx.catalog.version(session, opportunity.methodology_version_id)
    newest, _ = ctx.catalog.newest(session, current.methodology_id)
    if newest.id == current.id:
        raise ConflictError(f"version {current.label} is the newest of '{current.methodology_id}'; "
                            "deploy the fixed methodology first")
    opportunity.methodology_version_id = newest.id
    stage_totals.mark(session, [opportunity.id])  # history rows without a version now name the new one
    record_event(session, opportunity, "version_changed", actor_row.id, now,
                 from_version=current.id, to_version=newest.id, label=newest.label)

