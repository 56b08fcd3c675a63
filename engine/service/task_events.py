"""The person doing a user task ends it through one of its error boundary events
("Customer withdrew"), or raises an escalation through one of its escalation boundary
events ("Discount above my limit": the manager gets a task; a non-interrupting one
leaves the offer open) — as Camunda's task forms do (camForm's bpmnError, escalation).

Like completing the task: the deal is locked, the task re-read and checked (still
ready, the deal not lost, the actor may work it) inside the lock, and the step runs
in the same transaction. Two people acting on one task meet there: one wins, the
other gets a ConflictError ("no longer ready").
"""

from __future__ import annotations

from typing import Mapping

from engine.errors import ConflictError, FormError, TaskNotReadyError
from engine.rules import inputs, policy
from engine.service import closing, inbox, opportunities, unit_of_work, visibility
from engine.service.context import ServiceContext
from engine.service.external_tasks import _plain_variables as plain_variables
from engine.service.messages import _check_variables as check_variables
from engine.service.messages import _known_variables as known_variables
from engine.service.progress import apply_step
from engine.service.tasks import _check_workable, _locked_task
from engine.service.unit_of_work import Session
from engine.store import people
from engine.store.events import record_event
from engine.views import OpportunityView
from engine.views.task_events import TaskEventView

KINDS = ("error", "escalation")


def task_events(ctx: ServiceContext, task_id: str, *, viewer: str) -> tuple[TaskEventView, ...]:
    """The error and escalation boundary events ``viewer`` may take on the task now:
    none unless the task is ready, its deal not lost, and the viewer may work it (404
    if they may not even see it)."""
    with unit_of_work.read(ctx) as session:
        actor = people.user(session, viewer)
        row, opportunity = inbox.visible_task(session, actor, task_id)
        if row.kind != "workflow" or row.status != "ready" or opportunity.status == "lost" or not policy.may_work(
                visibility.actor_of(session, actor), visibility.task_of(row), visibility.deal_of(opportunity)):
            return ()
        version, _ = ctx.catalog.version(session, opportunity.methodology_version_id)
        return tuple(TaskEventView(e.boundary_id, e.name, e.kind, e.code, e.interrupting)
                     for e in ctx.catalog.runner(session, version.id).task_events(row.node_id))


def raise_task_event(ctx: ServiceContext, task_id: str, *, kind: str, code: object, actor: str,
                     message: object = "", variables: Mapping[str, object] | None = None,
                     view: bool = True) -> OpportunityView | None:
    """End the ready user task ``task_id`` through its boundary event catching the
    error (``kind`` "error") or escalation with ``code`` — or, for a non-interrupting
    escalation, start its branch and leave the task open. ``variables`` become the
    branch's data (names the process reads or declares); ``message`` is kept in the
    deal's history. FormError when no boundary event of the task catches it."""
    if kind not in KINDS:
        raise FormError({"kind": "error or escalation"})
    field = "errorCode" if kind == "error" else "escalationCode"
    if not isinstance(code, str):
        raise FormError({field: "text: the code of one of the task's boundary events ('' for one catching any)"})
    code = inputs.storable(code.strip(), field)[:200]
    if not isinstance(message, str):
        raise FormError({"errorMessage": "text"})
    message = inputs.storable(message.strip(), "errorMessage")[:4000]
    variables = plain_variables(variables or {})
    now = ctx.now()

    def work(session: Session) -> int:
        task, opportunity, reads = _locked_task(session, task_id, for_step=True)
        actor_row, who = people.user_as_actor(session, actor)
        if task.kind != "workflow":
            raise ConflictError(f"task '{task_id}' is not a step of the process; it has no boundary events")
        _check_workable(task, opportunity)
        policy.require(policy.may_work(who, visibility.task_of(task), visibility.deal_of(opportunity)),
                       f"user '{actor}' may not complete task '{task_id}'")
        version, methodology = ctx.catalog.version(session, opportunity.methodology_version_id)
        runner = ctx.catalog.runner(session, version.id)
        offered = [e for e in runner.task_events(task.node_id) if e.kind == kind]
        if variables:
            check_variables(known_variables(methodology, []), variables)
        lanes = ctx.catalog.lanes(session, methodology.id, reads.routing_id)
        try:
            got = runner.raise_task_event(opportunity.workflow_state, task.id, kind, code, dict(variables), now,
                                          user=actor_row.username)
        except TaskNotReadyError as err:
            raise ConflictError(str(err)) from None
        if got is None:
            if any(e.code == code for e in offered):  # SpiffWorkflow fires a non-interrupting boundary once
                raise ConflictError(f"“{next(e.name for e in offered if e.code == code)}” was already raised on "
                                    f"'{task.name}'; it is raised once while the task is open")
            codes = ", ".join(f"'{e.code}' ({e.name})" for e in offered) or "none"
            raise FormError({field: f"no {kind} boundary event of '{task.name}' catches '{code}'; it offers: {codes}"})
        state, result = got
        caught = next((e for e in offered if e.boundary_id in result.reached), None) if result.error is None else None
        if caught is not None:
            if caught.interrupting:  # the task ended this way: it is done, as a completion is
                task.status, task.completed_by_id, task.completed_at = "completed", actor_row.id, now
            record_event(session, opportunity, f"task_{kind}", actor_row.id, now, task=task.id, node=task.node_id,
                         name=task.name, boundary=caught.boundary_id, boundary_name=caught.name, code=code,
                         message=message or None, data=variables, interrupting=caught.interrupting)
        # A failed step keeps nothing (apply_step records the error on the deal); the task
        # stays ready, so its holder may report it again once the methodology is fixed.
        was = opportunity.status
        apply_step(session, opportunity, methodology, lanes, state, result, actor_row.id, now,
                   reads.rows, runner.outside_waits())
        if was != "lost" and opportunity.status == "lost":
            closing.note_process_loss(session, opportunity, methodology, variables, actor_row.id, now)
        return opportunity.id

    opportunity_id = unit_of_work.run(ctx, work, duplicate="someone else completed this task at the same time")
    return opportunities.show_opportunity(ctx, opportunity_id) if view else None
