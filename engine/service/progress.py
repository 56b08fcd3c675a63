"""Applying what one workflow step did to a deal's rows: the stages it entered with
their history and probability, closing won or lost deals (a won deal's partner
becomes a customer: ``partner_deals.deal_won``), the inbox rows of the
tasks that became ready and of the stages' suggested activities, the next timer
and next action, and an error as visible state. The decisions are
engine.rules.progress's, the reads engine.store's; runs inside the caller's
transaction."""

from __future__ import annotations

from datetime import datetime
from itertools import chain

from engine.methodology.model import LaneRole, Methodology, Stage
from engine.rules import progress
from engine.runtime.step import OutsideWaits, StepResult
from engine.service import external_rows, message_rows, partner_deals, step_errors
from engine.service.unit_of_work import Session
from engine.store import inbox, opportunities, step_writes
from engine.store.events import record_event
from engine.store.inbox import Assigner
from engine.store.models import InboxTask, Opportunity


def refresh_probability(opportunity: Opportunity, methodology: Methodology) -> None:
    """Recompute the deal's probability and expected revenue (rules.progress.probability)."""
    decided = progress.probability(methodology, opportunity.stage_id, opportunity.scores,
                                   opportunity.probability_override, opportunity.amount)
    opportunity.probability_auto = decided.automatic
    opportunity.probability = decided.in_force
    opportunity.expected_revenue = decided.expected_revenue


def apply_step(session: Session, opportunity: Opportunity, methodology: Methodology,
               lanes: dict[str, LaneRole], state: str, result: StepResult,
               actor_id: int | None, now: datetime, rows: list[InboxTask] | None = None,
               waits: OutsideWaits | None = None, step: dict | None = None) -> None:
    """Make the opportunity's rows reflect ``result``; ``state`` is the new workflow
    state; ``step``: what ran, in ``failed_step``'s shape (kept for ``retry`` if it
    failed; engine.service.step_errors decides what becomes of the deal's error);
    ``rows``: the deal's ``inbox.step_rows`` if the caller read them already;
    ``waits``: the process's ``runner.outside_waits()`` when the deal has been on its
    version since its last synced step — a kind it lacks is not read (else both are).
    A deal that had an error syncs both kinds whatever ``waits`` says: a retry on a
    newer version that failed again left the old version's rows unsynced."""
    waits = synced_waits(opportunity, waits)
    if result.error is not None:
        # The runner kept the state from before the step: nothing half-applied.
        step_errors.note_failure(session, opportunity, step, result, actor_id, now)
        return
    opportunity.workflow_state = state
    for firing in result.fired:  # a cycle overdue several times may fire several times in one step
        record_event(session, opportunity, "timer_fired", None, now, node=firing.node_id,
                     due=firing.due.isoformat())
    assign = Assigner(session, lanes)
    timer_dues = [t.due for t in result.timers]
    with session.no_autoflush:  # one flush, below, not one per query (each UPDATEs the deal again)
        rows = inbox.step_rows(session, opportunity.id, stored=rows)  # the activities this step suggests join it
        for stage in progress.stages_entered(methodology, opportunity.stage_id, result.reached):
            change_stage(session, opportunity, methodology, stage.id, actor_id, now, assign, rows)
        ready_rows, new_rows = _sync_inbox(session, opportunity, methodology, result, assign, now, rows)
        if opportunity.status == "lost":
            # A lost deal's process stops, as closing it by hand stops it: what a parallel
            # branch still waits for (a chase its timer started) is withdrawn, no timer fires.
            for row in ready_rows:
                row.status = "cancelled"
            ready_rows, new_rows, timer_dues = [], [], []
        # Another branch's step keeps a failed step that can still be retried (and its error).
        held = step_errors.settle(opportunity, step, result, now)
        due = progress.next_due(timer_dues, chain((row.due_at for row in ready_rows), inbox.open_activity_dues(rows)),
                                held=held)
        opportunity.next_timer_at, opportunity.next_action_at = due.timer, due.action
    # The opportunity's UPDATE checks its version counter: flushing it before the new
    # inbox rows are added makes a concurrent step on the same deal fail on that,
    # not on a task id both steps would insert.
    step_writes.write_step(session, opportunity, rows)  # Core UPDATEs, cheaper than the ORM's flush
    inbox.note_new_rows(session, opportunity, new_rows)  # written with the step's events, one INSERT
    if waits is None or waits.external or result.external:
        external_rows.sync_rows(session, opportunity, result, getattr(lanes, "topics", {}), now)
    if waits is None or waits.messages or result.messages or result.thrown:
        message_rows.sync_rows(session, opportunity, result, now)
    if result.finished:
        record_event(session, opportunity, "process_finished", actor_id, now, ended_at=list(result.ended_at))


def synced_waits(opportunity: Opportunity, waits: OutsideWaits | None) -> OutsideWaits | None:
    """``waits`` for a step of a deal whose rows were synced by its last step; None (read
    both kinds) for a deal with an error: the step that failed returned before syncing,
    and after ``retry(upgrade=True)`` its rows may be an older version's, which the new
    version's ``outside_waits`` says nothing about."""
    return None if opportunity.error_message is not None else waits


def change_stage(session: Session, opportunity: Opportunity, methodology: Methodology, stage_id: str,
                 actor_id: int | None, now: datetime, assign: Assigner | None = None,
                 rows: list[InboxTask] | None = None) -> None:
    """Move the deal into a stage: history, probability, closing on a won or lost
    stage, and the stage's suggested activities (routed by ``assign``; without it
    they go to the owner). ``rows``: the deal's ``inbox.step_rows`` when the caller
    read them already (the new activity rows are appended to it)."""
    stage = next(s for s in methodology.stages if s.id == stage_id)
    previous = opportunity.stage_id
    opportunity.stage_id = stage.id
    opportunity.stage_entered_at = now
    refresh_probability(opportunity, methodology)
    opportunities.add_stage_change(session, opportunity, previous, actor_id, now)
    record_event(session, opportunity, "stage_changed", actor_id, now,
                 from_stage=previous, to_stage=stage.id, probability=opportunity.probability)
    outcome = progress.closing_outcome(stage, opportunity.status)
    if outcome is not None:
        opportunity.status = outcome
        opportunity.closed_at = now
        opportunity.closed_by_id = actor_id
        record_event(session, opportunity, "closed", actor_id, now, outcome=outcome, stage=stage.id)
        if outcome == "won":
            partner_deals.deal_won(session, opportunity, actor_id, now)  # a prospect becomes a customer
    _enter_activities(session, opportunity, stage, assign or Assigner(session, {}), now,
                      inbox.step_rows(session, opportunity.id) if rows is None else rows)


def _enter_activities(session: Session, opportunity: Opportunity, stage: Stage, assign: Assigner,
                      now: datetime, rows: list[InboxTask]) -> None:
    """Withdraw what earlier stages suggested and still waits (required ones were
    done, or the deal could not have left), then suggest what this stage has and
    the deal was not given before (added to the session and to ``rows``)."""
    activities = inbox.activity_rows(rows)
    for row in activities:
        if row.status == "ready" and row.stage_id != stage.id:
            row.status = "cancelled"
    if opportunity.status != "open":
        return
    given = {row.node_id for row in activities if row.status != "cancelled"}
    added = [InboxTask(**values) for values in inbox.activity_values(opportunity, stage, assign, now, given)]
    session.add_all(added)
    rows.extend(added)


def _sync_inbox(session: Session, opportunity: Opportunity, methodology: Methodology, result: StepResult,
                assign: Assigner, now: datetime, rows: list[InboxTask]) -> tuple[list[InboxTask], list[dict]]:
    """Inbox rows for exactly the READY tasks of ``result`` (``rows``: the deal's
    ``inbox.step_rows``): cancels the others and returns (every ready row — the new
    ones as objects outside the session, for their due dates —, the new ones' column
    values, for the caller to write)."""
    ready_ids = {t.task_id for t in result.ready}
    existing = {row.id: row for row in inbox.ready_workflow_rows(rows)}
    ready_rows, new_rows = [], []
    for task_id, row in existing.items():
        if task_id not in ready_ids:
            # A boundary event or a gateway took the token elsewhere.
            row.status = "cancelled"
        else:
            ready_rows.append(row)
    for task in result.ready:
        if task.task_id not in existing:
            values = inbox.workflow_task_values(opportunity, methodology, task, assign, now)
            row = InboxTask(**values)
            unresolved = assign.unresolved(methodology, task)
            if unresolved is not None:  # visible on the deal: the task went to its lane's role
                record_event(session, opportunity, "assignment_unresolved", None, now, node=task.node_id,
                             problem=unresolved)
            ready_rows.append(row)
            new_rows.append(values)
    return ready_rows, new_rows
