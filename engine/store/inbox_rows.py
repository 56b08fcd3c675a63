"""The inbox rows a deal gets — a READY user task of its process, or the suggested
activities of a stage it enters — and who each goes to. Shared by the step that
runs one deal (progress) and the swap that moves thousands (service_segments), so a
task looks the same however the deal arrived at it."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import datetime
from typing import Iterable, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.methodology import due_dates
from engine.methodology.model import FormField, LaneRole, Methodology, Stage
from engine.rules.routing import explicit_role
from engine.runtime.workflow import ReadyTask
from engine.rules.scoring import question_fields
from engine.store.models import Team, User

# What a rep fills in when marking an activity done.
ACTIVITY_FORM = (FormField(id="note", label="What happened (optional)", type="string", line=0),)


class Deal(Protocol):
    id: int
    owner_id: int
    manager_id: int | None
    team_id: int | None


class Assigner:
    """(assignee, candidate team) for a role, with the users and teams roles name
    looked up once; an unmapped lane, user or team falls back to the deal's owner."""

    def __init__(self, session: Session, lanes):
        self._session = session
        self.lanes = lanes  # lane -> LaneRole; may carry .groups and .users (assignment attributes)
        self._users: dict[str, int | None] = {}
        self._teams: dict[str, int | None] = {}

    def role_of_task(self, methodology: Methodology, task: ReadyTask) -> LaneRole | None:
        # The task's own assignment (camunda:assignee, candidateGroups) wins over its lane's role.
        node = methodology.process.nodes.get(task.node_id)
        explicit = explicit_role(node, getattr(self.lanes, "groups", {}), getattr(self.lanes, "users", {}))
        return explicit or self.lanes.get(task.lane or "")

    def __call__(self, role: LaneRole | None, deal: Deal) -> tuple[int | None, int | None]:
        if role is None or role.kind == "owner":
            return deal.owner_id, None
        if role.kind == "owner_manager":
            return (deal.manager_id or deal.owner_id), None
        if role.kind == "team_queue":
            return None, deal.team_id
        if role.kind == "user":
            return (self._id(self._users, User.id, User.username, role.name) or deal.owner_id), None
        team_id = self._id(self._teams, Team.id, Team.name, role.name)
        return (None, team_id) if team_id is not None else (deal.owner_id, None)

    def _id(self, cache: dict, column, name_column, name: str) -> int | None:
        if name not in cache:
            cache[name] = self._session.scalar(select(column).where(name_column == name))
        return cache[name]


def workflow_task_values(deal: Deal, methodology: Methodology, task: ReadyTask, assign: Assigner,
                         now: datetime) -> dict:
    """Column values of the inbox row of a READY user task."""
    node = methodology.process.nodes.get(task.node_id)
    assignee_id, team_id = assign(assign.role_of_task(methodology, task), deal)
    form = task.form
    questionnaire = methodology.questionnaire_for_task(task.node_id)
    if questionnaire is not None:
        # The questionnaire is this task's form, after the BPMN's own fields.
        form = form + question_fields(questionnaire)
    return dict(
        id=task.task_id, opportunity_id=deal.id, node_id=task.node_id, name=task.name,
        instructions=task.instructions, form=[asdict(f) for f in form], lane=task.lane,
        assignee_id=assignee_id, candidate_team_id=team_id, status="ready",
        due_at=due_dates.due_at(node.due_date if node else None, now), created_at=now, kind="workflow",
        stage_id=None, required=False)  # every row has the same keys: they are inserted in bulk too


def activity_values(deal: Deal, stage: Stage, assign: Assigner, now: datetime,
                    already: Iterable[str] = ()) -> list[dict]:
    """Column values of the rows of ``stage``'s suggested activities, except those
    whose node id (``stage/activity``) is in ``already`` — open or done before: an
    activity is suggested once per deal."""
    already = set(already)
    rows = []
    for activity in stage.activities:
        node_id = activity_node(stage.id, activity.id)
        if node_id in already:
            continue
        assignee_id, team_id = assign(assign.lanes.get(activity.role), deal)
        rows.append(dict(
            id=str(uuid.uuid4()), opportunity_id=deal.id, node_id=node_id, name=activity.title,
            instructions=activity.guidance, form=[asdict(f) for f in ACTIVITY_FORM], lane=activity.role,
            assignee_id=assignee_id, candidate_team_id=team_id, status="ready",
            due_at=due_dates.due_at(activity.due, now), created_at=now, kind="activity",
            stage_id=stage.id, required=activity.required))
    return rows


def activity_node(stage_id: str, activity_id: str) -> str:
    """The inbox row's node id of a suggested activity."""
    return f"{stage_id}/{activity_id}"
