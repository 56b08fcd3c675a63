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

from dataclasses import dataclass
from datetime import datetime
from typing import Mapping

from engine.errors import ConflictError, DealflowError, FormError, TaskNotReadyError
from engine.rules import inputs, policy
from engine.service import closing, inbox, opportunities, unit_of_work, visibility
from engine.service.context import ServiceContext
from engine.service.external_tasks import _plain_variables as plain_variables
from engine.service.messages import _check_variables as check_variables
from engine.service.messages import _known_variables as known_variables
from engine.service.progress import apply_step
from engine.service.tasks import StepReads, _check_workable, _locked_task
from engine.service.unit_of_work import Session
from engine.store import people
from engine.store.events import record_event
from engine.store.lookup import Lookup
from engine.store.models import InboxTask, Opportunity, User
from engine.views import OpportunityView
from engine.views.task_events import TaskDetailView, TaskEventView

KINDS = ("error", "escalation")
STEPS = tuple(f"task_{kind}" for kind in KINDS)  # a failed report's failed_step kinds


@dataclass(frozen=True)
class Report:
    """What the task's holder reported: an error or an escalation (``kind``), its code,
    a note for the history and the branch's variables — kept as ``failed_step`` when
    the step after the boundary fails, so that ``retry`` makes the same report."""

    kind: str
    code: str
    message: str
    variables: dict

    def failed_step(self, task_id: str, actor_id: int) -> dict:
        return {"kind": f"task_{self.kind}", "task": task_id, "actor": actor_id, "code": self.code,
                "message": self.message, "variables": self.variables}

    @classmethod
    def from_step(cls, step: dict) -> Report:
        return cls(step["kind"].removeprefix("task_"), step["code"], step["message"], step["variables"])


def task_events(ctx: ServiceContext, task_id: str, *, viewer: str) -> tuple[TaskEventView, ...]:
    """The error and escalation boundary events that can still end (or escalate) the
    task: none unless it is a ready step of the process on a deal not lost (404 if
    the viewer may not see it). Who may take them is the task's ``may_work``."""
    return task_detail(ctx, task_id, viewer=viewer).events


def task_detail(ctx: ServiceContext, task_id: str, *, viewer: str) -> TaskDetailView:
    """The task as ``viewer`` sees it (with what they may do) and the boundary events
    that can still catch on it (``task_events``), read together; 404 if they may not
    see it."""
    with unit_of_work.read(ctx) as session:
        actor = people.user(session, viewer)
        row, opportunity = inbox.visible_task(session, actor, task_id)
        task = inbox.with_rights(session, actor, row, opportunity,
                                 Lookup(session, ctx.catalog).task_view(row, opportunity))
        return TaskDetailView(task, _waiting(ctx, session, row, opportunity))


def _waiting(ctx: ServiceContext, session: Session, row: InboxTask,
             opportunity: Opportunity) -> tuple[TaskEventView, ...]:
    if row.kind != "workflow" or row.status != "ready" or opportunity.status == "lost":
        return ()
    version, _ = ctx.catalog.version(session, opportunity.methodology_version_id)
    runner = ctx.catalog.runner(session, version.id)
    offered = runner.task_events(row.node_id)
    if any(not e.interrupting for e in offered):  # only such a boundary can have caught with the task open
        try:
            waiting = runner.waiting_task_events(opportunity.workflow_state, row.id, ctx.now())
        except TaskNotReadyError:  # the row is behind the engine: nothing to offer
            return ()
        offered = tuple(e for e in offered if e.boundary_id in waiting)
    return tuple(TaskEventView(e.boundary_id, e.name, e.kind, e.code, e.interrupting) for e in offered)


def raise_task_event(ctx: ServiceContext, task_id: str, *, kind: str, code: object, actor: str,
                     message: object = "", variables: Mapping[str, object] | None = None,
                     view: bool = True) -> OpportunityView | None:
    """End the ready user task ``task_id`` through its boundary event catching the
    error (``kind`` "error") or escalation with ``code`` — or, for a non-interrupting
    escalation, start its branch and leave the task open. ``variables`` become the
    branch's data (names the process reads or declares); ``message`` is kept in the
    deal's history. FormError when no boundary event of the task catches it.

    A step that fails after the boundary (a script, a gateway) is a report all the
    same, as a failing completion is a completion: nothing of it is kept, the deal
    shows the error, and ``retry`` reports it again (``failed_step``)."""
    report = _report(kind, code, message, variables)
    now = ctx.now()

    def work(session: Session) -> int:
        task, opportunity, reads = _locked_task(session, task_id, for_step=True, actor=actor)
        actor_row, who = reads.actor
        if task.kind != "workflow":
            raise ConflictError(f"task '{task_id}' is not a step of the process; it has no boundary events")
        _check_workable(task, opportunity)
        policy.require(policy.may_work(who, visibility.task_of(task), visibility.deal_of(opportunity)),
                       f"user '{actor}' may not complete task '{task_id}'")
        run_report(ctx, session, opportunity, task, actor_row, report, now, reads)
        return opportunity.id

    opportunity_id = unit_of_work.run(ctx, work, duplicate="someone else completed this task at the same time")
    return opportunities.show_opportunity(ctx, opportunity_id) if view else None


def _report(kind: str, code: object, message: object, variables: Mapping[str, object] | None) -> Report:
    """The report as given, checked field by field before anything is locked."""
    if kind not in KINDS:
        raise FormError({"kind": "error or escalation"})
    field = "errorCode" if kind == "error" else "escalationCode"
    if not isinstance(code, str):
        raise FormError({field: "text: the code of one of the task's boundary events ('' for one catching any)"})
    if not isinstance(message, str):
        raise FormError({"errorMessage": "text"})
    return Report(kind, inputs.storable(code.strip(), field)[:200],
                  inputs.storable(message.strip(), "errorMessage")[:4000], plain_variables(variables or {}))


def run_report(ctx: ServiceContext, session: Session, opportunity: Opportunity, task: InboxTask,
               actor_row: User, report: Report, now: datetime, reads: StepReads | None = None) -> None:
    """Take ``report`` on the workflow task ``task`` of the locked ``opportunity`` (checked
    by the caller) and store the step; a step that fails is remembered on the deal
    (``failed_step``) for ``retry``, as tasks.run_completion does. ``reads``: what
    ``_locked_task`` read with the lock (else read here)."""
    version, methodology = ctx.catalog.version(session, opportunity.methodology_version_id)
    runner = ctx.catalog.runner(session, version.id)
    offered = [e for e in runner.task_events(task.node_id) if e.kind == report.kind]
    if report.variables:
        check_variables(known_variables(methodology, []), report.variables)
    lanes = ctx.catalog.lanes(session, methodology.id, reads.routing_id if reads else None)
    try:
        got = runner.raise_task_event(opportunity.workflow_state, task.id, report.kind, report.code,
                                      dict(report.variables), now, user=actor_row.username)
    except TaskNotReadyError as err:
        raise ConflictError(str(err)) from None
    if got is None:
        raise _not_caught(task, report, offered)
    state, result = got
    if result.error is None:
        caught = next((e for e in offered if e.boundary_id in result.reached), None)
        if caught is not None:
            if caught.interrupting:  # the task ended this way: it is done, as a completion is
                task.status, task.completed_by_id, task.completed_at = "completed", actor_row.id, now
            record_event(session, opportunity, f"task_{report.kind}", actor_row.id, now, task=task.id,
                         node=task.node_id, name=task.name, boundary=caught.boundary_id, boundary_name=caught.name,
                         code=report.code, message=report.message or None, data=report.variables,
                         interrupting=caught.interrupting)
    was = opportunity.status
    # As run_completion: only complete_task's reads skip the kinds of rows the version lacks.
    # If it fails, nothing of it is kept (apply_step records the error on the deal) and the
    # task stays ready; the report is remembered so that retry makes it again.
    apply_step(session, opportunity, methodology, lanes, state, result, actor_row.id, now,
               reads.rows if reads else None, runner.outside_waits() if reads else None,
               step=report.failed_step(task.id, actor_row.id))
    if was != "lost" and opportunity.status == "lost":
        closing.note_process_loss(session, opportunity, methodology, report.variables, actor_row.id, now)


def _not_caught(task: InboxTask, report: Report, offered) -> DealflowError:
    named = next((e for e in offered if e.code == report.code), None)
    if named is not None:  # a non-interrupting boundary that caught already (engine.runtime.task_events)
        return ConflictError(f"“{named.name}” was already raised on '{task.name}'; it is raised once while "
                             "the task is open")
    field = "errorCode" if report.kind == "error" else "escalationCode"
    codes = ", ".join(f"'{e.code}' ({e.name})" for e in offered) or "none"
    return FormError({field: f"no {report.kind} boundary event of '{task.name}' catches '{report.code}'; "
                             f"it offers: {codes}"})


def retry_report(ctx: ServiceContext, session: Session, opportunity: Opportunity, step: dict,
                 now: datetime) -> None:
    """``retry`` of a report whose step failed (``step``: the deal's ``failed_step``),
    on the locked ``opportunity``: the same report by the same person, if the task is
    still ready (its holder may have completed it, or reported again, meanwhile)."""
    task = session.get(InboxTask, step["task"])
    report = Report.from_step(step)
    if task is None or task.status != "ready":
        raise ConflictError(f"the step that failed reported {report.kind} '{report.code}' on task '{step['task']}', "
                            f"which is no longer ready ({task.status if task else 'gone'})")
    run_report(ctx, session, opportunity, task, session.get(User, step["actor"]), report, now)
