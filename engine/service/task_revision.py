"""Revising the answers of a completed task until its stage is left (issue 15; the
rule and what a revision re-evaluates: engine.rules.revision).

``revise_task`` locks the task's deal, then decides — under the lock, on the deal and
its events as they are now — whether the answers may still be revised: a step that
took the deal out of the stage and committed first makes the revision a conflict;
a revision that committed first is what that step then reads (the process data, the
deal's fields, the score). It is audited as a ``task_revised`` event with each
field's old and new answer."""

from __future__ import annotations

from typing import Mapping

from engine.errors import ConflictError, FormError, NotFoundError
from engine.methodology.model import FormField
from engine.rules import inputs, policy, revision
from engine.rules.forms import validate_form
from engine.service import deal_edit, opportunities, sales, unit_of_work, visibility
from engine.service.context import ServiceContext
from engine.service.unit_of_work import Session
from engine.store import opportunities as opportunity_store
from engine.store import people
from engine.store.events import record_event
from engine.store.models import InboxTask, Opportunity
from engine.store.task_answers import answer_events
from engine.views import OpportunityView
from engine.views.inbox import TaskRevisionView

NOT_YOURS = "only whoever completed the task revises its answers"


def task_revision(ctx: ServiceContext, task_id: str, *, viewer: str) -> TaskRevisionView:
    """The task's answers as last given and whether ``viewer`` may revise them now; a
    task the viewer may not see is not found."""
    with unit_of_work.read(ctx) as session:
        user = people.user(session, viewer)
        task, opportunity = _task(session, task_id)
        if not visibility.may_see_task(session, user, task, opportunity):
            raise NotFoundError(f"no task '{task_id}'")
        answers, why = _decide(session, user, task, opportunity)
        return TaskRevisionView(task.id, opportunity.id, answers, why is None, why, not_yours=why == NOT_YOURS,
                                currency=opportunity.currency)


def revisable_task_ids(tasks, opportunity: Opportunity, events: list[tuple[int, str, dict]],
                       actor: policy.Actor) -> frozenset[str]:
    """Of the deal's ``tasks`` (rows), those whose answers ``actor`` may revise now,
    from the deal's ``events`` (id, kind, data) already read (the deal page's)."""
    latest = revision.latest(events)
    leaving = revision.last_leaving((i, k) for i, k, _ in events)
    return frozenset(
        t.id for t in tasks
        if policy.may_revise_answers(actor, visibility.task_of(t))
        and revision.refusal(_facts(t, opportunity, latest, leaving)) is None)


def revise_task(ctx: ServiceContext, task_id: str, *, actor: str, data: Mapping[str, object]) -> OpportunityView:
    """Replace the answers of completed task ``task_id`` with ``data`` (its whole form,
    as completing it takes it), if ``actor`` completed it and its stage has not been
    left. Every field's problem at once as a FormError; answers equal to the current
    ones are a FormError too (nothing to revise)."""
    for name, value in data.items():  # no NUL or lone surrogate reaches the stored events
        inputs.storable(str(name), "form")
        inputs.storable_data(value, str(name))
    now = ctx.now()

    def work(session: Session) -> int:
        actor_row = people.user(session, actor)
        known = visibility.known_task_id(task_id)
        opportunity = opportunity_store.lock_opportunity_of_task(session, known)
        task = session.get(InboxTask, known, populate_existing=True) if opportunity is not None else None
        if task is None or not visibility.may_see_task(session, actor_row, task, opportunity):
            raise NotFoundError(f"no task '{task_id}'")
        before, why = _decide(session, actor_row, task, opportunity)
        if why == NOT_YOURS:
            policy.require(False, f"{NOT_YOURS}; '{actor}' did not complete task '{task_id}'")
        if why is not None:
            raise ConflictError(why[:1].upper() + why[1:])
        fields = tuple(FormField(**f) for f in task.form)
        clean, errors = validate_form(fields, data)
        if errors:
            raise FormError(errors)
        changed = revision.changes([f.id for f in fields], before, clean)
        if not changed:
            raise FormError({"form": "these are the answers already given; change one to revise them"})
        _, methodology = ctx.catalog.version(session, opportunity.methodology_version_id)
        # What depends on the answers, re-evaluated as completing the task did: the
        # deal fields the stage maps, the questionnaire's score (and the probability).
        deal_edit.apply_sets(ctx, session, opportunity, task, actor_row, clean, now, source="revision")
        variables = sales.score_task(session, opportunity, methodology, task, clean, actor_row, now)
        # The process data later steps read (gateways, exit criteria): a cleared answer
        # is None there, not the old one.
        runner = ctx.catalog.runner(session, opportunity.methodology_version_id)
        opportunity.workflow_state = runner.with_data(
            opportunity.workflow_state, {**{f.id: clean.get(f.id) for f in fields}, **variables})
        record_event(session, opportunity, "task_revised", actor_row.id, now, task=task.id, node=task.node_id,
                     name=task.name, data=clean, changes=changed)
        return opportunity.id

    opportunity_id = unit_of_work.run(ctx, work, changed="the deal changed while the answers were revised; "
                                                         "look at it again")
    return opportunities.show_opportunity(ctx, opportunity_id)


def _task(session: Session, task_id: str) -> tuple[InboxTask, Opportunity]:
    task = session.get(InboxTask, visibility.known_task_id(task_id))
    opportunity = session.get(Opportunity, task.opportunity_id) if task is not None else None
    if task is None or opportunity is None:
        raise NotFoundError(f"no task '{task_id}'")
    return task, opportunity


def _decide(session: Session, user, task: InboxTask, opportunity: Opportunity) -> tuple[dict, str | None]:
    """(the task's answers as last given, why they may not be revised or None)."""
    events = answer_events(session, opportunity.id)
    latest = revision.latest(events)
    answers = latest.get(task.id, (None, {}))[1]
    settled = task.kind == "workflow" and task.status == "completed"  # else the rule says why not, for anyone
    if settled and not policy.may_revise_answers(visibility.actor_of(session, user), visibility.task_of(task)):
        return answers, NOT_YOURS
    facts = _facts(task, opportunity, latest, revision.last_leaving((i, k) for i, k, _ in events))
    return answers, revision.refusal(facts)


def _facts(task: InboxTask, opportunity: Opportunity, latest: dict, leaving: int | None) -> revision.Facts:
    return revision.Facts(kind=task.kind, status=task.status, deal_status=opportunity.status,
                          step_failed=bool(opportunity.failed_step or opportunity.error_message),
                          answered_at_event=latest.get(task.id, (None,))[0], last_leaving_event=leaving)
