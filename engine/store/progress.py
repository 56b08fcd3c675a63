"""Recording what one workflow step did: stage changes and their history, closing
won or lost deals, the inbox rows of the tasks that became ready, the next timer,
and an error as visible state. Runs inside the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.methodology.model import LaneRole, Methodology, Stage
from engine.runtime.workflow import StepResult
from engine.rules.scoring import stage_probability
from engine.store.events import record_event
from engine.store.inbox import Assigner, activity_values, workflow_task_values
from engine.store.models import InboxTask, Opportunity, StageChange


def expected_revenue(amount: Decimal, probability: int) -> Decimal:
    return (amount * probability / 100).quantize(Decimal("0.01"))


def refresh_probability(opportunity: Opportunity, methodology: Methodology) -> None:
    """Recompute the automatic probability from the stage and the score classes; a
    manager's override stays in force over it until reset — except that winning or
    losing settles the question (100 or 0)."""
    stage = methodology.stage(opportunity.stage_id) if opportunity.stage_id else None
    automatic = stage_probability(stage, methodology, opportunity.scores or {})
    opportunity.probability_auto = automatic
    in_force = automatic
    if opportunity.probability_override is not None and (stage is None or stage.outcome == "open"):
        in_force = opportunity.probability_override
    opportunity.probability = in_force
    opportunity.expected_revenue = expected_revenue(opportunity.amount, in_force)


def apply_step(session: Session, opportunity: Opportunity, methodology: Methodology,
               lanes: dict[str, LaneRole], state: str, result: StepResult,
               actor_id: int | None, now: datetime) -> None:
    """Make the opportunity's rows reflect ``result``; ``state`` is the new workflow state."""
    if result.error is not None:
        # The runner kept the state from before the step: nothing half-applied.
        opportunity.error_message = result.error.message
        opportunity.error_node = result.error.node_id
        record_event(session, opportunity, "error", actor_id, now,
                     node=result.error.node_id, message=result.error.message)
        return
    opportunity.workflow_state = state
    opportunity.error_message = None
    opportunity.error_node = None
    assign = Assigner(session, lanes)
    for node_id in result.reached:
        stage = methodology.stage_of_node(node_id)
        if stage is not None and stage.id != opportunity.stage_id:
            change_stage(session, opportunity, methodology, stage.id, actor_id, now, assign)
    with session.no_autoflush:  # one flush, below, not one per query
        ready_rows, new_rows = _sync_inbox(session, opportunity, methodology, result, assign, now)
        opportunity.next_timer_at = min((t.due for t in result.timers), default=None)
        due_dates = [t.due for t in result.timers]
        due_dates += [row.due_at for row in ready_rows if row.due_at is not None]
        due_dates += _open_activity_dues(session, opportunity)
        opportunity.next_action_at = min(due_dates, default=None)
    # The opportunity's UPDATE checks its version counter: flushing it before the new
    # inbox rows are added makes a concurrent step on the same deal fail on that,
    # not on a task id both steps would insert.
    session.flush()
    session.add_all(new_rows)
    if result.finished:
        record_event(session, opportunity, "process_finished", actor_id, now, ended_at=list(result.ended_at))


def change_stage(session: Session, opportunity: Opportunity, methodology: Methodology, stage_id: str,
                 actor_id: int | None, now: datetime, assign: Assigner | None = None) -> None:
    """Move the deal into a stage: history, probability, and the stage's suggested
    activities (routed by ``assign``; without it they go to the owner)."""
    stage = next(s for s in methodology.stages if s.id == stage_id)
    previous = opportunity.stage_id
    opportunity.stage_id = stage.id
    opportunity.stage_entered_at = now
    refresh_probability(opportunity, methodology)
    session.add(StageChange(opportunity_id=opportunity.id, from_stage=previous, to_stage=stage.id,
                            probability=opportunity.probability, changed_by_id=actor_id, changed_at=now,
                            methodology_version_id=opportunity.methodology_version_id))
    record_event(session, opportunity, "stage_changed", actor_id, now,
                 from_stage=previous, to_stage=stage.id, probability=opportunity.probability)
    if stage.outcome in ("won", "lost") and opportunity.status == "open":
        opportunity.status = stage.outcome
        opportunity.closed_at = now
        opportunity.closed_by_id = actor_id
        record_event(session, opportunity, "closed", actor_id, now, outcome=stage.outcome, stage=stage.id)
    _enter_activities(session, opportunity, stage, assign or Assigner(session, {}), now)


def _open_activity_dues(session: Session, opportunity: Opportunity) -> list[datetime]:
    """Due dates of the suggested activities still open: they are next actions too.
    Runs without autoflush: rows added or withdrawn in this step are seen in memory."""
    stored = session.scalars(select(InboxTask).where(
        InboxTask.opportunity_id == opportunity.id, InboxTask.kind == "activity",
        InboxTask.status == "ready", InboxTask.due_at.is_not(None)))
    pending = [row for row in session.new if isinstance(row, InboxTask) and row.opportunity_id == opportunity.id]
    return [row.due_at for row in {*stored, *pending}
            if row.kind == "activity" and row.status == "ready" and row.due_at is not None]


def _enter_activities(session: Session, opportunity: Opportunity, stage: Stage, assign: Assigner,
                      now: datetime) -> None:
    """Withdraw what earlier stages suggested and still waits (required ones were
    done, or the deal could not have left), then suggest what this stage has and
    the deal was not given before."""
    rows = list(session.scalars(select(InboxTask).where(
        InboxTask.opportunity_id == opportunity.id, InboxTask.kind == "activity",
        InboxTask.status.in_(("ready", "completed")))))
    for row in rows:
        if row.status == "ready" and row.stage_id != stage.id:
            row.status = "cancelled"
    if opportunity.status != "open":
        return
    given = {row.node_id for row in rows if row.status != "cancelled"}
    session.add_all(InboxTask(**values) for values in activity_values(opportunity, stage, assign, now, given))


def _ready_rows(session: Session, opportunity: Opportunity) -> list[InboxTask]:
    return list(session.scalars(select(InboxTask).where(
        InboxTask.opportunity_id == opportunity.id, InboxTask.status == "ready",
        InboxTask.kind == "workflow")))


def _sync_inbox(session: Session, opportunity: Opportunity, methodology: Methodology, result: StepResult,
                assign: Assigner, now: datetime) -> tuple[list[InboxTask], list[InboxTask]]:
    """Inbox rows for exactly the READY tasks of ``result``: cancels the others and
    returns (every ready row, the new ones — for the caller to add)."""
    ready_ids = {t.task_id for t in result.ready}
    existing = {row.id: row for row in _ready_rows(session, opportunity)}
    ready_rows, new_rows = [], []
    for task_id, row in existing.items():
        if task_id not in ready_ids:
            # A boundary event or a gateway took the token elsewhere.
            row.status = "cancelled"
        else:
            ready_rows.append(row)
    for task in result.ready:
        if task.task_id not in existing:
            row = InboxTask(**workflow_task_values(opportunity, methodology, task, assign, now))
            ready_rows.append(row)
            new_rows.append(row)
    return ready_rows, new_rows
