"""Recording what one workflow step did: stage changes and their history, closing
won or lost deals, the inbox rows of the tasks that became ready, the next timer,
and an error as visible state. Runs inside the caller's transaction."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import due_dates
from ..methodology.model import LaneRole, Methodology, Stage
from ..routing import explicit_role
from ..scoring import automatic_probability, question_fields
from ..runtime.workflow import StepResult
from ..methodology.model import FormField
from .models import Event, InboxTask, Opportunity, StageChange, Team, User


def record_event(session: Session, opportunity: Opportunity, kind: str, actor_id: int | None,
                 now: datetime, **data) -> None:
    session.add(Event(opportunity_id=opportunity.id, kind=kind, actor_id=actor_id, at=now, data=data))


def expected_revenue(amount: Decimal, probability: int) -> Decimal:
    return (amount * probability / 100).quantize(Decimal("0.01"))


def refresh_probability(opportunity: Opportunity, methodology: Methodology) -> None:
    """Recompute the automatic probability from the stage and the score classes; a
    manager's override stays in force over it until reset — except that winning or
    losing settles the question (100 or 0)."""
    stage = methodology.stage(opportunity.stage_id) if opportunity.stage_id else None
    if stage is None:
        automatic = 0
    elif stage.outcome != "open":
        automatic = stage.probability
    else:
        classes = []
        for record in sorted((opportunity.scores or {}).values(), key=lambda r: r.get("answered_at", "")):
            questionnaire = methodology.questionnaire(record["questionnaire"])
            klass = questionnaire and next((c for c in questionnaire.classes if c.id == record["class"]), None)
            if klass is not None:
                classes.append((klass, record.get("stage") == stage.id))
        automatic = automatic_probability(stage.probability, classes)
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
    for node_id in result.reached:
        stage = methodology.stage_of_node(node_id)
        if stage is not None and stage.id != opportunity.stage_id:
            change_stage(session, opportunity, methodology, stage.id, actor_id, now, lanes)
    with session.no_autoflush:  # one flush, below, not one per query
        ready_rows, new_rows = _sync_inbox(session, opportunity, methodology, result, lanes, now)
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
                 actor_id: int | None, now: datetime, lanes: dict[str, LaneRole] | None = None) -> None:
    """Move the deal into a stage: history, probability, and the stage's suggested
    activities (whose lanes ``lanes`` routes; without it they go to the owner)."""
    stage = next(s for s in methodology.stages if s.id == stage_id)
    previous = opportunity.stage_id
    opportunity.stage_id = stage.id
    opportunity.stage_entered_at = now
    refresh_probability(opportunity, methodology)
    session.add(StageChange(opportunity_id=opportunity.id, from_stage=previous, to_stage=stage.id,
                            probability=opportunity.probability, changed_by_id=actor_id, changed_at=now))
    record_event(session, opportunity, "stage_changed", actor_id, now,
                 from_stage=previous, to_stage=stage.id, probability=opportunity.probability)
    if stage.outcome in ("won", "lost") and opportunity.status == "open":
        opportunity.status = stage.outcome
        opportunity.closed_at = now
        opportunity.closed_by_id = actor_id
        record_event(session, opportunity, "closed", actor_id, now, outcome=stage.outcome, stage=stage.id)
    _enter_activities(session, opportunity, stage, lanes or {}, now)


def refresh_next_action(session: Session, opportunity: Opportunity) -> None:
    """The deal's next action after something outside the process changed (an
    activity done): the earliest of its open tasks' due dates and its next timer."""
    dues = [d for d in session.scalars(select(InboxTask.due_at).where(
        InboxTask.opportunity_id == opportunity.id, InboxTask.status == "ready",
        InboxTask.due_at.is_not(None)))]
    if opportunity.next_timer_at is not None:
        dues.append(opportunity.next_timer_at)
    opportunity.next_action_at = min(dues, default=None)


def _open_activity_dues(session: Session, opportunity: Opportunity) -> list[datetime]:
    """Due dates of the suggested activities still open: they are next actions too.
    Runs without autoflush: rows added or withdrawn in this step are seen in memory."""
    stored = session.scalars(select(InboxTask).where(
        InboxTask.opportunity_id == opportunity.id, InboxTask.kind == "activity",
        InboxTask.status == "ready", InboxTask.due_at.is_not(None)))
    pending = [row for row in session.new if isinstance(row, InboxTask) and row.opportunity_id == opportunity.id]
    return [row.due_at for row in {*stored, *pending}
            if row.kind == "activity" and row.status == "ready" and row.due_at is not None]


def _enter_activities(session: Session, opportunity: Opportunity, stage: Stage,
                      lanes: dict[str, LaneRole], now: datetime) -> None:
    """Cancel what the stages left behind suggested and still waits (required ones
    were done, or the deal could not have left), then suggest this stage's."""
    open_rows = list(session.scalars(select(InboxTask).where(
        InboxTask.opportunity_id == opportunity.id, InboxTask.kind == "activity",
        InboxTask.status == "ready")))
    waiting = {row.node_id for row in open_rows if row.stage_id == stage.id}
    for row in open_rows:
        if row.stage_id != stage.id:
            row.status = "cancelled"
    if opportunity.status != "open":
        return
    for activity in stage.activities:
        node_id = f"{stage.id}/{activity.id}"
        if node_id in waiting:
            continue  # re-entered the stage: its suggestion is still open
        assignee_id, team_id = _assign(session, opportunity, lanes.get(activity.role))
        session.add(InboxTask(
            id=str(uuid.uuid4()), opportunity_id=opportunity.id, node_id=node_id, name=activity.title,
            instructions=activity.guidance, form=[asdict(f) for f in ACTIVITY_FORM], lane=activity.role,
            assignee_id=assignee_id, candidate_team_id=team_id, status="ready",
            due_at=due_dates.due_at(activity.due, now), created_at=now, kind="activity",
            stage_id=stage.id, required=activity.required))


# What a rep fills in when marking an activity done.
ACTIVITY_FORM = (FormField(id="note", label="What happened (optional)", type="string", line=0),)


def _ready_rows(session: Session, opportunity: Opportunity) -> list[InboxTask]:
    return list(session.scalars(select(InboxTask).where(
        InboxTask.opportunity_id == opportunity.id, InboxTask.status == "ready",
        InboxTask.kind == "workflow")))


def _sync_inbox(session: Session, opportunity: Opportunity, methodology: Methodology, result: StepResult,
                lanes: dict[str, LaneRole], now: datetime) -> tuple[list[InboxTask], list[InboxTask]]:
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
        if task.task_id in existing:
            continue
        node = methodology.process.nodes.get(task.node_id)
        # The task's own assignment (camunda:assignee, candidateGroups) wins over its lane's role.
        role = explicit_role(node, getattr(lanes, "groups", {}), getattr(lanes, "users", {}))
        assignee_id, team_id = _assign(session, opportunity, role or lanes.get(task.lane or ""))
        form = task.form
        questionnaire = methodology.questionnaire_for_task(task.node_id)
        if questionnaire is not None:
            # The questionnaire is this task's form, after the BPMN's own fields.
            form = form + question_fields(questionnaire)
        row = InboxTask(
            id=task.task_id, opportunity_id=opportunity.id, node_id=task.node_id, name=task.name,
            instructions=task.instructions, form=[asdict(f) for f in form], lane=task.lane,
            assignee_id=assignee_id, candidate_team_id=team_id, status="ready",
            due_at=due_dates.due_at(node.due_date if node else None, now), created_at=now)
        ready_rows.append(row)
        new_rows.append(row)
    return ready_rows, new_rows


def _assign(session: Session, opportunity: Opportunity, role: LaneRole | None) -> tuple[int | None, int | None]:
    """(assignee, candidate team) for a lane's role; an unmapped lane goes to the owner."""
    if role is None or role.kind == "owner":
        return opportunity.owner_id, None
    if role.kind == "owner_manager":
        return (opportunity.manager_id or opportunity.owner_id), None
    if role.kind == "team_queue":
        return None, opportunity.team_id
    if role.kind == "user":
        user_id = session.scalar(select(User.id).where(User.username == role.name))
        return (user_id or opportunity.owner_id), None
    team_id = session.scalar(select(Team.id).where(Team.name == role.name))
    return (None, team_id) if team_id is not None else (opportunity.owner_id, None)
