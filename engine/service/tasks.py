"""Use cases of one task: listing the READY ones, completing a task (running the
process to its next wait state), marking a suggested activity done, and handing a
task to someone else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Mapping

from engine.errors import ConflictError, DealflowError, FormError, NotFoundError, TaskNotReadyError
from engine.rules import inputs, lost_reasons, policy
from engine.methodology.model import FormField
from engine.rules.forms import validate_form
from engine.service import closing, deal_edit, opportunities, sales, unit_of_work, visibility
from engine.service import notifications
from engine.service.context import ServiceContext
from engine.service.progress import apply_step
from engine.service.unit_of_work import Session
from engine.store import inbox as inbox_store
from engine.store import opportunities as opportunity_store
from engine.store import people
from engine.store.events import record_event
from engine.store.lost_asks import WHY_LOST
from engine.store.models import InboxTask, Opportunity, User
from engine.views import OpportunityView, TaskView


def list_tasks(ctx: ServiceContext, user: str | None = None) -> list[TaskView]:
    """READY tasks: all of them, or those a user may work (assigned to them, queued
    for one of their teams, or on a deal they manage)."""
    with unit_of_work.read(ctx) as session:
        worker = None if user is None else visibility.actor_of(session, people.user(session, user))
        if worker is not None and policy.inbox_scope(worker).everything:
            worker = None  # an admin works every task
        return inbox_store.ready_tasks(session, ctx.catalog, worker)


def complete_task(ctx: ServiceContext, task_id: str, *, actor: str,
                  data: Mapping[str, object], view: bool = True) -> OpportunityView | None:
    """Lock the task's deal; check, as things are under the lock, that the deal is
    not lost (nor closed at all, for a suggested activity), the task still ready,
    the actor may complete it and the data fits its form; then run the workflow to
    its next wait state, all in one transaction.

    If another step of the same opportunity committed first (its version counter
    moved — on SQLite, where nothing is row-locked, that is how two users working
    on one deal meet), the unit of work runs the use case again on what is now
    stored: a different task still completes, the same task is then no longer ready.

    Returns the deal's full view as committed, or None with ``view=False``: a caller
    that does not render the deal (a worker, a redirect) spares the view's reads —
    rebuilding it costs about as much as the step itself."""
    for name, value in data.items():  # no NUL or lone surrogate reaches the stored events
        inputs.storable(str(name), "form")  # not the name as the field: it would carry the NUL back
        inputs.storable_data(value, str(name))
    now = ctx.now()

    def work(session: Session) -> int:
        task, opportunity, step = _locked_task(session, task_id, for_step=True, actor=actor)
        actor_row, who = step.actor
        if task.kind == WHY_LOST:  # a lost deal's "Record why … was lost": its reason, checked as by hand
            closing.answer_ask(ctx, session, task, opportunity, actor_row, data, now)
            return opportunity.id
        _check_workable(task, opportunity)
        policy.require(policy.may_work(who, visibility.task_of(task), visibility.deal_of(opportunity)),
                       f"user '{actor}' may not complete task '{task_id}'")
        fields = tuple(FormField(**f) for f in task.form)
        clean, errors = validate_form(fields, data)
        if errors:
            raise FormError(errors)
        if task.kind == "activity":
            sales.finish_activity(session, opportunity, task, actor_row, clean, now)
        else:
            deal_edit.apply_sets(ctx, session, opportunity, task, actor_row, clean, now)  # a stage's 'sets:'
            run_completion(ctx, session, opportunity, task, actor_row, clean, now, step)
        return opportunity.id

    opportunity_id = unit_of_work.run(ctx, work, duplicate="someone else completed this task at the same time")
    return opportunities.show_opportunity(ctx, opportunity_id) if view else None


@dataclass(frozen=True)
class StepReads:
    """What the lock and the task's read brought along for the workflow step: the
    deal's ``inbox.step_rows`` and the id of the routing rules deployed last."""

    rows: list[InboxTask]
    routing_id: int | None
    actor: tuple[User, object] | None = None  # (row, policy.Actor) of the actor, read with the lock


def _locked_task(session: Session, task_id: str, *, for_step: bool = False, actor: str | None = None):
    """Lock the task's deal, then read the task: what is decided next is decided on
    both as they are once the lock is held, not as they were read before. ``for_step``:
    (task, deal, StepReads) — the task is read with the deal's other live rows, and
    ``actor``'s row and teams with the lock (NotFoundError, once the task is found,
    if there is no such active user)."""
    known = visibility.known_task_id(task_id)
    user_row = team_ids = None
    sent = None
    if for_step:
        sent = inbox_store.step_rows_ahead(session, known)  # the rows' read, sent with the lock (PostgreSQL)
        opportunity, routing_id, user_row, team_ids = opportunity_store.lock_for_step(
            session, known, actor if people.nameable(actor) else None, rows_behind=sent)
    else:
        opportunity, routing_id = opportunity_store.lock_opportunity_of_task(session, known), None
    task = rows = None
    if opportunity is not None and for_step:
        rows = inbox_store.step_rows(session, opportunity.id, task_id=known, sent=sent)
        task = next((row for row in rows if row.id == known), None)  # the lists filter by status in memory
    elif sent is not None:
        sent.drop()  # no such task: its answer is not needed
    elif opportunity is not None:
        task = session.get(InboxTask, known, populate_existing=True)
    if task is None:
        raise NotFoundError(f"no task '{task_id}'")
    if not for_step:
        return task, opportunity
    return task, opportunity, StepReads(rows, routing_id, people.actor_of_row(actor, user_row, team_ids))


def _check_workable(task: InboxTask, opportunity: Opportunity) -> None:
    """The task must still be ready and its deal still running it — not lost (nor
    closed at all, for a suggested activity). A won deal's process may still have work
    (the rollout); a lost one stopped, whatever a row left by a race says."""
    if task.status != "ready":
        raise ConflictError(f"task '{task.id}' is no longer ready (it is {task.status})")
    if task.kind == WHY_LOST:
        return  # the one task of a lost deal: asking for its reason (closing.answer_ask)
    if opportunity.status == "lost" or (task.kind == "activity" and opportunity.status != "open"):
        raise ConflictError(f"opportunity {opportunity.id} is {opportunity.status}")


def complete_activity(ctx: ServiceContext, task_id: str, *, actor: str,
                      note: str | None = None) -> OpportunityView:
    """Mark a suggested activity done (the same as completing it as a task)."""
    return complete_task(ctx, task_id, actor=actor, data={"note": note} if note else {})


def run_completion(ctx: ServiceContext, session: Session, opportunity: Opportunity, task: InboxTask,
                   actor_row: User, clean: dict, now: datetime, reads: StepReads | None = None) -> None:
    """Complete the workflow task ``task`` of the locked ``opportunity`` with the
    form's ``clean`` data and store the step; a step that fails is remembered on the
    deal (``failed_step``) so that ``retry`` can run it again. ``reads``: what
    ``_locked_task`` read with the lock (else read here)."""
    version, methodology = ctx.catalog.version(session, opportunity.methodology_version_id)
    runner = ctx.catalog.runner(session, version.id)
    # Read before anything of the step is written: its query then flushes nothing, and
    # the step's rows go out in apply_step's one flush (the events in one INSERT).
    lanes = ctx.catalog.lanes(session, methodology.id, reads.routing_id if reads else None)
    variables = sales.score_task(session, opportunity, methodology, task, clean, actor_row, now)
    try:
        state, result = runner.complete(opportunity.workflow_state, task.id, {**clean, **variables}, now,
                                        user=actor_row.username)
    except TaskNotReadyError as err:
        raise ConflictError(str(err)) from None
    if result.error is None:
        sales.check_exit(session, opportunity, methodology, result, lambda: {**runner.data(state), **clean})
        if clean.get("lost_reason") and not lost_reasons.from_form(methodology.lost_reasons, clean):
            # A free-text lost_reason field is the note beside the code (engine.rules.lost_reasons).
            opportunity.lost_reason = str(clean["lost_reason"])
        task.status = "completed"
        task.completed_by_id = actor_row.id
        task.completed_at = now
        record_event(session, opportunity, "task_completed", actor_row.id, now,
                     task=task.id, node=task.node_id, name=task.name, data=clean)
    was = opportunity.status
    # A process without external tasks or message catches (a fact of its version,
    # cached with its runner: versions never change once deployed) makes no rows of
    # those kinds, so its step skips reading them. Only with ``reads`` (complete_task):
    # retry, which may have just moved the deal to another version, syncs them all.
    # If it fails, nothing of the step is kept; it is remembered so that retry can run it again.
    apply_step(session, opportunity, methodology, lanes, state, result, actor_row.id, now,
               reads.rows if reads else None, runner.outside_waits() if reads else None,
               step={"kind": "complete", "task": task.id, "actor": actor_row.id, "data": clean})
    if was != "lost" and opportunity.status == "lost":
        closing.note_process_loss(session, opportunity, methodology, clean, actor_row.id, now)


def reassign_task(ctx: ServiceContext, task_id: str, *, to: str, actor: str) -> OpportunityView:
    """Give one open task (also one waiting in a team queue) to a specific user."""
    now = ctx.now()

    def work(session: Session) -> int:
        actor_row = people.user(session, actor)
        task, opportunity = _locked_task(session, task_id)
        visibility.check_manages(session, actor_row, opportunity)
        _check_workable(task, opportunity)
        new_assignee = people.user(session, to)
        people.lock_users(session, [new_assignee.id])  # a role change waits, then counts this task as theirs
        if not policy.may_take_tasks(new_assignee.role):
            raise DealflowError(f"'{to}' is a {new_assignee.role}; tasks go to reps, managers and admins")
        before = people.username(session, task.assignee_id) if task.assignee_id else None
        task.assignee_id, task.candidate_team_id = new_assignee.id, None
        record_event(session, opportunity, "reassigned", actor_row.id, now, task=task_id,
                     name=task.name, from_assignee=before, to_assignee=to)
        notifications.notify(session, new_assignee.id, "task_assigned",
                             f"{actor_row.display_name} handed you the task “{task.name}” on {opportunity.title}.",
                             now, actor_id=actor_row.id, opportunity_id=opportunity.id, task_id=task.id)
        session.flush()
        return opportunity.id

    return opportunities.show_opportunity(ctx, unit_of_work.run(ctx, work))
