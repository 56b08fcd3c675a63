"""Turning inbox rows into task views with the names of their users, teams and stages,
fetched in one query each for a whole view."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.views import FieldView, TaskView
from engine.store.models import InboxTask, Opportunity, Team, User


@dataclass(frozen=True)
class DealFacts:
    """The few columns of a deal a task view needs (instead of the whole row with its
    workflow state)."""

    id: int
    title: str
    stage_id: str | None
    methodology_version_id: int


class Lookup:
    """Names of users and teams, and stage names, fetched in one query each for a
    whole view instead of one per row."""

    def __init__(self, session: Session, catalog):
        self.session, self.catalog = session, catalog
        self.users: dict[int, str] = {}
        self.teams: dict[int, str] = {}
        self._user_ids: set[int] = set()
        self._team_ids: set[int] = set()
        # version id -> (its methodology's id, stage id -> name): read from the catalog once per view
        self._versions: dict[int, tuple[str, dict[str, str]]] = {}

    def need_users(self, ids) -> None:
        self._user_ids.update(i for i in ids if i is not None and i not in self.users)

    def need_teams(self, ids) -> None:
        self._team_ids.update(i for i in ids if i is not None and i not in self.teams)

    def user(self, user_id_: int | None) -> str | None:
        self._fetch()
        return self.users.get(user_id_)

    def team(self, team_id: int | None) -> str | None:
        self._fetch()
        return self.teams.get(team_id)

    def _fetch(self) -> None:
        if not self._user_ids and not self._team_ids:
            return
        missing, self._user_ids = self._user_ids - self.users.keys(), set()
        if missing:
            self.users.update(self.session.execute(
                select(User.id, User.username).where(User.id.in_(missing))).all())
        missing, self._team_ids = self._team_ids - self.teams.keys(), set()
        if missing:
            self.teams.update(self.session.execute(
                select(Team.id, Team.name).where(Team.id.in_(missing))).all())

    def stage_name(self, opportunity: Opportunity | DealFacts, stage_id: str | None,
                   version_id: int | None = None) -> str | None:
        """The stage's name in ``version_id``'s stage table (default: the deal's version)."""
        if stage_id is None:
            return None
        return self._version(version_id or opportunity.methodology_version_id)[1].get(stage_id, stage_id)

    def _version(self, version_id: int) -> tuple[str, dict[str, str]]:
        if version_id not in self._versions:
            info, methodology = self.catalog.version(self.session, version_id)
            stages = {}
            for stage in methodology.stages:
                stages.setdefault(stage.id, stage.name)  # the first of a name, as a search from the top finds
            self._versions[version_id] = info.methodology_id, stages
        return self._versions[version_id]

    def task_view(self, row: InboxTask, opportunity: Opportunity | DealFacts, *,
                  form: tuple[FieldView, ...] | None = None, **more) -> TaskView:
        """The row as a TaskView; ``form``: its fields when the caller has them already
        (``field_views`` of the row's form); ``more``: further TaskView fields."""
        assignee_id, completed_by_id, team_id = row.assignee_id, row.completed_by_id, row.candidate_team_id
        users, teams = self.users, self.teams
        # Names known already (asked for in bulk, or given with an inbox page's rows):
        # no bookkeeping of what to fetch — a page builds 25 of these per request.
        if not ((assignee_id is None or assignee_id in users) and (completed_by_id is None or completed_by_id in users)
                and (team_id is None or team_id in teams)):
            self.need_users((assignee_id, completed_by_id))
            self.need_teams((team_id,))
            self._fetch()
        stage_id = opportunity.stage_id
        methodology_id, stages = self._version(opportunity.methodology_version_id)
        return TaskView(
            id=row.id, opportunity_id=row.opportunity_id, opportunity_title=opportunity.title,
            node_id=row.node_id, name=row.name, instructions=row.instructions, lane=row.lane,
            assignee=users.get(assignee_id), candidate_team=teams.get(team_id),
            status=row.status, due_at=row.due_at, created_at=row.created_at,
            stage_name=None if stage_id is None else stages.get(stage_id, stage_id),
            form=field_views(row.form) if form is None else form,
            completed_by=users.get(completed_by_id), completed_at=row.completed_at,
            stage_id=stage_id, methodology_id=methodology_id,
            claimable=row.status == "ready" and assignee_id is None and team_id is not None,
            kind=row.kind, required=row.required, note=row.note, follow_up_at=row.follow_up_at, **more)

    def methodology_id(self, opportunity: Opportunity | DealFacts) -> str:
        return self._version(opportunity.methodology_version_id)[0]


def field_views(form: list[dict]) -> tuple[FieldView, ...]:
    """A task row's stored form (its ``form`` column) as the fields a view shows."""
    return tuple(FieldView(f["id"], f["label"], f["type"], f["required"], f["default"], f["minimum"],
                           f["maximum"], tuple(tuple(c) for c in f["choices"]), f.get("help", ""))
                 for f in form)
