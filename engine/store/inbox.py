"""The inbox: the rows a deal gets — a READY user task of its process, or the suggested
activities of a stage it enters — and who each goes to (shared by the step that runs
one deal and the swap that moves thousands, so a task looks the same however the deal
arrived at it); which READY tasks a user may see, their counts per stage and version,
one page of them, and claiming a queued task."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass
from functools import lru_cache
from datetime import datetime
from typing import Iterable, Protocol

from sqlalchemy import Integer, Text, and_, any_, bindparam, case, cast, func, insert, inspect, or_, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, aliased, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state
from sqlalchemy.orm.util import identity_key
from sqlalchemy.sql.util import ClauseAdapter

from engine.methodology import due_dates
from engine.methodology.model import FormField, LaneRole, Methodology, Stage
from engine.rules import policy
from engine.rules.routing import task_holder, task_role, unresolved_assignment
from engine.rules.scoring import question_fields
from engine.views import FieldView, TaskView
from engine.store import inbox_arms, read_ahead
from engine.store.driver_reads import DriverRead
from engine.store.events import PENDING, note_row
from engine.store.lookup import Lookup, field_views
from engine.store.models import InboxTask, Opportunity, Team, User


ACTIVITY_FORM = (FormField(id="note", label="What happened (optional)", type="string", line=0),)


class Deal(Protocol):
    id: int
    owner_id: int
    manager_id: int | None
    team_id: int | None


class ReadyTask(Protocol):
    """What an inbox row needs of a READY user task (the runtime's ReadyTask)."""

    task_id: str
    node_id: str
    name: str
    lane: str | None
    instructions: str
    form: tuple[FormField, ...]


class Assigner:
    """(assignee, candidate team) for a role (rules.routing.task_holder decides), with
    the users and teams roles name looked up once."""

    def __init__(self, session: Session, lanes):
        self._session = session
        self.lanes = lanes  # lane -> LaneRole; may carry .groups and .users (assignment attributes)
        self._users: dict[str, int | None] = {}
        self._teams: dict[str, int | None] = {}

    def role_of_task(self, methodology: Methodology, task: ReadyTask) -> LaneRole | None:
        return task_role(methodology.process.nodes.get(task.node_id), task.lane, self.lanes,
                         getattr(task, "assigned", ()))

    def unresolved(self, methodology: Methodology, task: ReadyTask) -> str | None:
        """Why the task's assignment expression found no role (it went to its lane's)."""
        return unresolved_assignment(methodology.process.nodes.get(task.node_id),
                                     getattr(self.lanes, "groups", {}), getattr(self.lanes, "users", {}),
                                     getattr(task, "assigned", ()), getattr(task, "assignment_problem", None))

    def __call__(self, role: LaneRole | None, deal: Deal) -> tuple[int | None, int | None]:
        return task_holder(role, deal.owner_id, deal.manager_id, deal.team_id, self._user_id, self._team_id)

    def _user_id(self, username: str) -> int | None:
        return self._id(self._users, User.id, User.username, username)

    def _team_id(self, name: str) -> int | None:
        return self._id(self._teams, Team.id, Team.name, name)

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
        instructions=task.instructions, form=form_values(form), lane=task.lane,
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
            instructions=activity.guidance, form=form_values(ACTIVITY_FORM), lane=activity.role,
            assignee_id=assignee_id, candidate_team_id=team_id, status="ready",
            due_at=due_dates.due_at(activity.due, now), created_at=now, kind="activity",
            stage_id=stage.id, required=activity.required))
    return rows


def note_new_rows(session: Session, deal: Opportunity, rows: Iterable[dict]) -> None:
    """Write these rows (``workflow_task_values``) of a deal with its step's events,
    one Core executemany (``events.note_row``), instead of flushing ORM objects:
    for rows nothing reads back as objects in the transaction, nor changes, before
    they are written (any ORM read or write of the session writes them first)."""
    for values in rows:
        note_row(session, _INSERT_ROWS, deal, {k: v for k, v in values.items() if k != "opportunity_id"})


_INSERT_ROWS = insert(InboxTask.__table__)


def form_values(form: tuple[FormField, ...]) -> list[dict]:
    """The inbox row's ``form`` column: the fields as JSON-ready dicts, a fresh copy
    each time (a row may be changed) of what one form gives — a version's forms are
    few and fixed, and ``asdict``'s deep copies cost more per step than the row."""
    return json.loads(_form_text(form))


@lru_cache(maxsize=1024)
def _form_text(form: tuple[FormField, ...]) -> str:
    return json.dumps([asdict(f) for f in form])


def activity_node(stage_id: str, activity_id: str) -> str:
    """The inbox row's node id of a suggested activity."""
    return f"{stage_id}/{activity_id}"



def step_rows(session: Session, opportunity_id: int, *, task_id: str | None = None,
              stored: list[InboxTask] | None = None, sent: read_ahead.Ahead | None = None) -> list[InboxTask]:
    """The deal's rows a workflow step works on, in one read: every READY one (its
    process's tasks and the stages' suggested activities) and the activities done (an
    activity is suggested once per deal); with ``task_id``, that row too, whatever its
    status, and every row as stored now (``populate_existing``: read right after the
    deal's lock, as ``lock_opportunity`` reads the deal). ``stored``: the rows such a
    read gave earlier in the transaction (no query then). Activity rows added to the
    session and not flushed yet (no autoflush) are among them. The step filters this
    list in memory (``ready_workflow_rows``, ``activity_rows``, ``open_activity_dues``)
    and appends the activities it suggests, instead of querying the table for each.
    ``sent``: ``step_rows_ahead``'s read, sent with the deal's lock (its answer is used).
    The stored rows come in id order (``ORDER BY id``), on every database and in a timer
    batch (``opportunities.due_step_rows``) as in a single step: nothing stored should
    hang on the order a table scan or an index happens to give."""
    if stored is None and sent is not None:
        stored = list(session.scalars(_STEP_ROWS_OF_TASK, {"task": task_id},
                                      execution_options={read_ahead.ANSWER: sent}))
    elif stored is None:
        if task_id is None:
            stored = list(session.scalars(_STEP_ROWS, {"deal": opportunity_id}))
        else:
            params = {"deal": opportunity_id, "task": task_id}
            stored = _rows_as_loaded(session, params)
            if stored is None:
                stored = list(session.scalars(_STEP_ROWS_WITH_TASK, params))
    known = {id(row) for row in stored}
    return stored + [row for row in session.new if isinstance(row, InboxTask) and row.opportunity_id == opportunity_id
                     and row.kind == "activity" and id(row) not in known]


# Built once, with bound parameters: building the statement cost more than running it.
_LIVE = or_(InboxTask.status == "ready", and_(InboxTask.kind == "activity", InboxTask.status == "completed"))
_STEP_ROWS = select(InboxTask).where(InboxTask.opportunity_id == bindparam("deal"), _LIVE).order_by(InboxTask.id)
_STEP_ROWS_WITH_TASK = (select(InboxTask)
                        .where(InboxTask.opportunity_id == bindparam("deal"),
                               or_(_LIVE, InboxTask.id == bindparam("task")))
                        .order_by(InboxTask.id)
                        .execution_options(populate_existing=True))
# The same rows as plain columns, for _rows_as_loaded.
_STEP_ROWS_WITH_TASK_COLUMNS = _STEP_ROWS_WITH_TASK.with_only_columns(*InboxTask.__table__.c)
# Each column's attribute name, from the mapping (not assumed equal to the column's).
_TASK_KEYS = tuple(inspect(InboxTask).get_property_by_column(c).key for c in InboxTask.__table__.c)
_TASK_CLASS = inspect(InboxTask).class_manager


def _rows_as_loaded(session: Session, params: dict) -> list[InboxTask] | None:
    """``_STEP_ROWS_WITH_TASK``'s rows as the ORM's load would give them, made from a Core
    read: persistent objects in the session, their columns as stored, nothing changed.
    Measured cheaper for the whole step than the ORM's load (its per-statement setup
    and per-row bookkeeping; docs/benchmarks.md, step-sqlite). None — the caller
    loads through the ORM — when the session holds anything an ORM read would act on
    first: changes to flush (autoflush), events noted to write (``events``), or any
    of these rows already (``populate_existing`` would refresh that object in place,
    where this would make a second one)."""
    if session.new or session.deleted or session.info.get(PENDING) or session.dirty:
        return None
    values = [dict(zip(_TASK_KEYS, row)) for row in session.connection().execute(_STEP_ROWS_WITH_TASK_COLUMNS, params)]
    if any(identity_key(InboxTask, (row["id"],)) in session.identity_map for row in values):
        return None
    rows = []
    for row in values:
        task = _TASK_CLASS.new_instance()  # no __init__, no change events: as the loader makes them
        instance_state(task).dict.update(row)
        make_transient_to_detached(task)  # its key from its id, its values the committed ones
        rows.append(task)
    session.add_all(rows)  # detached -> persistent: no SQL
    return rows


# The same rows found by the task alone, for a read sent before the deal's id is known.
_TASK = aliased(InboxTask)
_STEP_ROWS_OF_TASK = (select(InboxTask)
                      .where(InboxTask.opportunity_id == select(_TASK.opportunity_id)
                             .where(_TASK.id == bindparam("task")).scalar_subquery(),
                             or_(_LIVE, InboxTask.id == bindparam("task")))
                      .order_by(InboxTask.id)
                      .execution_options(populate_existing=True))


def step_rows_ahead(session: Session, task_id: str) -> read_ahead.Ahead | None:
    """``step_rows`` of the deal of task ``task_id``, to be sent behind the statement that
    locks the deal (PostgreSQL; None elsewhere): pass it to that statement as
    ``read_ahead.BEHIND`` and to ``step_rows`` as ``sent``."""
    return read_ahead.ahead(session, _STEP_ROWS_OF_TASK, {"task": task_id})


def ready_workflow_rows(rows: Iterable[InboxTask]) -> list[InboxTask]:
    """The READY rows of the process's user tasks among ``step_rows``."""
    return [row for row in rows if row.kind == "workflow" and row.status == "ready"]


def activity_rows(rows: Iterable[InboxTask]) -> list[InboxTask]:
    """The suggested activities still open or done (not the withdrawn ones) among ``step_rows``."""
    return [row for row in rows if row.kind == "activity" and row.status in ("ready", "completed")]


def open_activity_dues(rows: Iterable[InboxTask]) -> list[datetime]:
    """Due dates of the suggested activities still open among ``step_rows``: they
    are next actions too."""
    return [row.due_at for row in rows if row.kind == "activity" and row.status == "ready" and row.due_at is not None]


@dataclass(frozen=True)
class Visibility:
    """The conditions for the READY tasks a user may see and work: theirs, queued for
    their teams, and — when ``scope.managed`` (policy.inbox_scope: a manager) — those
    on the deals they are responsible for (a rep's inbox then needs only the two
    indexed task conditions); every one when ``scope.everything`` (an admin).

    The conditions hold bound parameters, not the user's values (those are in
    ``params``), so they — and the statements built on them (``groups``, ``page``) —
    are built once per ``shape`` and reused for every user and request."""

    mine: object
    queued: object
    all: tuple  # to put in a WHERE
    params: dict  # the values of the conditions' parameters
    shape: tuple  # (PostgreSQL?, scope.everything, scope.managed): what the conditions depend on

    @classmethod
    def of(cls, session: Session, user_id: int, team_ids: list[int], scope: policy.InboxScope) -> "Visibility":
        shape = (session.get_bind().dialect.name == "postgresql", scope.everything, scope.managed)
        if shape not in _CONDITIONS:
            _CONDITIONS[shape] = _conditions(*shape)
        mine, queued, conditions = _CONDITIONS[shape]
        return cls(mine, queued, conditions, {"inbox_user": user_id, "inbox_teams": list(team_ids)}, shape)


_CONDITIONS: dict[tuple, tuple] = {}  # Visibility.shape -> (mine, queued, all)


def _conditions(postgres: bool, everything: bool, managed: bool) -> tuple:
    user = bindparam("inbox_user", type_=Integer)
    if postgres:
        # One array parameter: the statement's text is the same however many teams the
        # user is in (with an IN list of 50 team ids it passed the 4 kB under which
        # psycopg keeps a statement's conversion, and was parsed again on every request).
        # The planner reads = ANY(array) as it reads IN: the same indexes.
        in_teams = InboxTask.candidate_team_id == any_(bindparam("inbox_teams", type_=ARRAY(Integer)))
    else:
        in_teams = InboxTask.candidate_team_id.in_(bindparam("inbox_teams", expanding=True))
    mine = InboxTask.assignee_id == user
    queued = and_(InboxTask.assignee_id.is_(None), in_teams)
    conditions = [InboxTask.status == "ready"]
    if not everything:
        conditions.append(or_(mine, queued, Opportunity.manager_id == user) if managed else or_(mine, queued))
    return mine, queued, tuple(conditions)


# Statements without filters, per Visibility.shape and what else they depend on: built
# once, their values passed as parameters (SQLAlchemy caches their compiled form; this
# spares building the expression itself on every request).
_STATEMENTS: dict[tuple, object] = {}
_NOW = bindparam("inbox_now", type_=InboxTask.due_at.type)


@dataclass(frozen=True)
class Group:
    stage_id: str | None
    version_id: int
    total: int
    mine: int
    queued: int
    overdue: int


def groups(session: Session, visible: Visibility, now: datetime, narrowed: tuple = ()) -> list[Group]:
    """Per (stage, methodology version): how many visible tasks, mine, queued, overdue —
    the counts and the filter choices of the inbox in one query (``narrowed``: the
    conditions of the filters other than stage and methodology, from ``narrowing``)."""
    key = ("groups", visible.shape)
    query = _STATEMENTS.get(key) if not narrowed else None
    if query is None and not narrowed and inbox_arms.is_plain_rep(visible.shape):
        query = _STATEMENTS[key] = DriverRead(inbox_arms.groups_statement(visible.mine, visible.queued, _NOW))
    if query is None:
        query = (select(Opportunity.stage_id, Opportunity.methodology_version_id, func.count(),
                        func.sum(case((visible.mine, 1), else_=0)), func.sum(case((visible.queued, 1), else_=0)),
                        func.sum(case((InboxTask.due_at < _NOW, 1), else_=0)))
                 .join(Opportunity, Opportunity.id == InboxTask.opportunity_id)
                 .where(*visible.all, *narrowed)
                 .group_by(Opportunity.stage_id, Opportunity.methodology_version_id))
        if not narrowed:
            query = _STATEMENTS[key] = DriverRead(query)
    # Core execution on the session's connection: the statement selects plain columns,
    # so the ORM's execution path (compile state, row loading) adds nothing but its
    # CPU — half the client's cost of this statement (0.49 -> 0.22 ms, PostgreSQL);
    # on PostgreSQL straight on the driver's cursor (engine.store.driver_reads).
    rows = _rows(session, query, {**visible.params, "inbox_now": now})
    return [Group(s, v, int(t or 0), int(m or 0), int(q or 0), int(o or 0)) for s, v, t, m, q, o in rows]


@dataclass(frozen=True)
class Window:
    """A due or follow-up filter: ``none`` (no date), or [low, high) with either open."""

    none: bool = False
    low: datetime | None = None
    high: datetime | None = None

    def condition(self, column):
        if self.none:
            return column.is_(None)
        parts = [column.is_not(None)]
        if self.low is not None:
            parts.append(column >= self.low)
        if self.high is not None:
            parts.append(column < self.high)
        return and_(*parts)


def narrowing(visible: Visibility, user_id: int, *, words: tuple[str, ...] = (), due: Window | None = None,
              follow_up: Window | None = None, assignee: str | None = None, queue: str | None = None) -> tuple:
    """The WHERE conditions of the inbox's filters beyond who may see what: every word
    in the task's name, the deal's title or the partner's name (any case); due and
    follow-up windows; whose it is (me, queue, others, or a username); a team's queue."""
    conditions = []
    for word in words:
        conditions.append(or_(InboxTask.name.icontains(word, autoescape=True),
                              Opportunity.title.icontains(word, autoescape=True),
                              Opportunity.partner_name.icontains(word, autoescape=True)))
    if due is not None:
        conditions.append(due.condition(InboxTask.due_at))
    if follow_up is not None:
        conditions.append(follow_up.condition(InboxTask.follow_up_at))
    if assignee == "me":
        conditions.append(visible.mine)
    elif assignee == "queue":
        conditions.append(visible.queued)
    elif assignee == "others":
        conditions.append(and_(InboxTask.assignee_id.is_not(None), InboxTask.assignee_id != user_id))
    elif assignee:
        conditions.append(InboxTask.assignee_id == select(User.id).where(
            func.lower(User.username) == assignee.lower()).scalar_subquery())
    if queue:
        conditions.append(InboxTask.candidate_team_id.in_(select(Team.id).where(Team.name == queue)))
    return tuple(conditions)


def _order(sort: str, descending: bool) -> tuple:
    """ORDER BY of a sort column: empty dates and names last either way, then the
    default order, then the id (a stable order across pages)."""
    def direction(column):
        return column.desc() if descending else column.asc()

    default = (InboxTask.due_at.is_(None), InboxTask.due_at, InboxTask.created_at, InboxTask.id)
    if sort == "due":
        return (InboxTask.due_at.is_(None), direction(InboxTask.due_at), direction(InboxTask.created_at),
                direction(InboxTask.id))
    nullable = {"follow_up": InboxTask.follow_up_at, "stage": Opportunity.stage_id, "assignee": User.username}
    plain = {"task": InboxTask.name, "deal": Opportunity.title, "partner": Opportunity.partner_name,
             "created": InboxTask.created_at}
    if sort in nullable:
        column = nullable[sort]
        return (column.is_(None), direction(column), *default)
    return (direction(plain[sort]), *default)


# The task's columns an inbox row shows (all but an activity's stage), as plain columns:
# a page is read as rows, not as ORM entities (no identity map, no instrumented
# attributes) — the rows have the same attribute names, so Lookup.task_view takes them;
# the form comes as its JSON text, ``form_text`` (``page_form`` turns it into fields).
_PAGE_TASK_COLUMNS = tuple(InboxTask.__table__.c[name] for name in (
    "id", "opportunity_id", "node_id", "name", "instructions", "lane", "assignee_id", "candidate_team_id",
    "status", "due_at", "created_at", "completed_by_id", "completed_at", "kind", "required", "note",
    "follow_up_at")) + (cast(InboxTask.__table__.c.form, Text).label("form_text"),)

# A form's JSON text -> its fields. Forms repeat: every task of one node of one
# methodology version has the same (versions do not change once deployed), so a
# page of 25 tasks has a few distinct forms, and a process serves a few hundred.
# Keyed by the text itself rather than by version and node, so a row whose stored
# form differs (written by an older release, or edited) still shows its own.
_FORMS: dict[str, tuple[FieldView, ...]] = {}
_FORMS_KEPT = 1_000


def page_form(text: str | None) -> tuple[FieldView, ...]:
    """The fields of a page row's ``form_text``, parsed once per process."""
    text = text or "[]"
    fields = _FORMS.get(text)
    if fields is None:
        if len(_FORMS) >= _FORMS_KEPT:
            _FORMS.clear()  # bounded: a process never holds more than this many forms
        fields = _FORMS[text] = field_views(json.loads(text))
    return fields


def page(session: Session, visible: Visibility, *, stage: str | None, version_ids: list[int] | None,
         limit: int, offset: int, narrowed: tuple = (), sort: str = "due", descending: bool = False) -> list:
    """One page of rows, in the order asked for (default: earliest due first): the
    task's columns (``_PAGE_TASK_COLUMNS``) and ``deal_title``, ``deal_stage_id``,
    ``deal_version_id``, ``assignee``, ``team``, ``partner_name``, ``manager_id`` —
    names joined in, so no query per name."""
    key = ("page", visible.shape, stage is not None, version_ids is not None, sort, descending)
    query = _STATEMENTS.get(key) if not narrowed else None
    managed = visible.shape[2]
    plain = not narrowed and stage is None and version_ids is None
    if query is None and plain and sort == "due" and not descending and inbox_arms.is_plain_rep(visible.shape):
        query = _STATEMENTS[key] = DriverRead(_page_of_arms(visible))
    if query is None and plain and not managed and sort in _TASK_SORTS:
        query = _STATEMENTS[key] = DriverRead(_page_of_tasks_first(visible, sort, descending))
    if query is None:
        query = (select(*_PAGE_TASK_COLUMNS, Opportunity.title.label("deal_title"),
                        Opportunity.stage_id.label("deal_stage_id"),
                        Opportunity.methodology_version_id.label("deal_version_id"), User.username.label("assignee"),
                        Team.name.label("team"), Opportunity.partner_name, Opportunity.manager_id)
                 .join(Opportunity, Opportunity.id == InboxTask.opportunity_id)
                 .outerjoin(User, User.id == InboxTask.assignee_id)
                 .outerjoin(Team, Team.id == InboxTask.candidate_team_id)
                 .where(*visible.all, *narrowed))
        if stage is not None:
            query = query.where(Opportunity.stage_id == bindparam("inbox_stage"))
        if version_ids is not None:
            query = query.where(Opportunity.methodology_version_id.in_(bindparam("inbox_versions", expanding=True)))
        query = (query.order_by(*_order(sort, descending))
                 .limit(bindparam("inbox_limit", type_=Integer)).offset(bindparam("inbox_offset", type_=Integer)))
        if not narrowed:
            query = _STATEMENTS[key] = DriverRead(query)
    params = {**visible.params, "inbox_limit": limit, "inbox_offset": offset, "inbox_first": offset + limit}
    if stage is not None:
        params["inbox_stage"] = stage
    if version_ids is not None:
        params["inbox_versions"] = version_ids or [-1]
    return _rows(session, query, params)  # plain columns: Core, as in ``groups``


def _rows(session: Session, query, params: dict) -> list:
    """The rows of a statement built for this request (a filter's: SQLAlchemy's cache
    of compiled statements serves it) or of one built once (a ``DriverRead``)."""
    if isinstance(query, DriverRead):
        return query.rows(session.connection(), params)
    return session.connection().execute(query, params).all()


# Sorts by the task's own columns: the page can be chosen among the tasks alone.
_TASK_SORTS = ("due", "task", "created", "follow_up")


def _page_of_tasks_first(visible: Visibility, sort: str, descending: bool):
    """``page``'s statement when neither who sees a task nor its order depends on the
    deal (a rep's or an admin's inbox, unfiltered, sorted by a task column — the
    default): the page's tasks are chosen among the tasks alone, then only those 25
    are joined to their deal, assignee and queue (joined first, every visible task
    was: 440 deals looked up for rep1's page at 10,000,000 rows, bench/inbox.py)."""
    columns = [c for c in _PAGE_TASK_COLUMNS if c.name != "form_text"] + [InboxTask.__table__.c.form]
    tasks = (select(*columns).where(*visible.all).order_by(*_order(sort, descending))
             .limit(bindparam("inbox_limit", type_=Integer)).offset(bindparam("inbox_offset", type_=Integer))
             .subquery("page_tasks"))
    adapter = ClauseAdapter(tasks)

    def of_tasks(term):  # an ORDER BY term on the subquery's columns (a bare attribute too)
        return adapter.traverse(term.__clause_element__() if hasattr(term, "__clause_element__") else term)

    return (select(*(tasks.c[c.name] for c in columns if c.name != "form"),
                   cast(tasks.c.form, Text).label("form_text"), Opportunity.title.label("deal_title"),
                   Opportunity.stage_id.label("deal_stage_id"),
                   Opportunity.methodology_version_id.label("deal_version_id"), User.username.label("assignee"),
                   Team.name.label("team"), Opportunity.partner_name, Opportunity.manager_id)
            .select_from(tasks).join(Opportunity, Opportunity.id == tasks.c.opportunity_id)
            .outerjoin(User, User.id == tasks.c.assignee_id).outerjoin(Team, Team.id == tasks.c.candidate_team_id)
            .order_by(*(of_tasks(term) for term in _order(sort, descending))))


def _page_of_arms(visible: Visibility):
    """``page``'s statement for a rep's unfiltered inbox in the default order: the
    page's ids from the two arms' indexes alone (engine.store.inbox_arms), then those
    tasks' rows joined to their deal, assignee and queue."""
    chosen = inbox_arms.page_ids(visible.mine, visible.queued)
    return (select(*_PAGE_TASK_COLUMNS, Opportunity.title.label("deal_title"),
                   Opportunity.stage_id.label("deal_stage_id"),
                   Opportunity.methodology_version_id.label("deal_version_id"), User.username.label("assignee"),
                   Team.name.label("team"), Opportunity.partner_name, Opportunity.manager_id)
            .select_from(chosen).join(InboxTask, InboxTask.id == chosen.c.id)
            .join(Opportunity, Opportunity.id == InboxTask.opportunity_id)
            .outerjoin(User, User.id == InboxTask.assignee_id).outerjoin(Team, Team.id == InboxTask.candidate_team_id)
            .order_by(chosen.c.due_at.asc().nulls_last(), chosen.c.created_at, chosen.c.id))


def ready_tasks(session: Session, catalog, worker: policy.Actor | None = None) -> list[TaskView]:
    """Every READY task, or (``worker``) those policy.may_work lets them work: assigned
    to them, waiting unclaimed in a queue of one of their teams, or on a deal they
    manage. (Whoever may work every task — an admin — is asked for as None.)"""
    query = (select(InboxTask, Opportunity).join(Opportunity, Opportunity.id == InboxTask.opportunity_id)
             .where(InboxTask.status == "ready"))
    if worker is not None:
        query = query.where(or_(
            InboxTask.assignee_id == worker.user_id,
            and_(InboxTask.assignee_id.is_(None), InboxTask.candidate_team_id.in_(sorted(worker.team_ids))),
            Opportunity.manager_id == worker.user_id))
    rows = session.execute(query.order_by(InboxTask.due_at.is_(None), InboxTask.due_at,
                                          InboxTask.created_at, InboxTask.id)).all()
    lookup = Lookup(session, catalog)
    lookup.need_users(id_ for task, _ in rows for id_ in (task.assignee_id, task.completed_by_id))
    lookup.need_teams(task.candidate_team_id for task, _ in rows)
    return [lookup.task_view(task, opportunity) for task, opportunity in rows]


def task_facts(row: InboxTask) -> policy.Task:
    """The task as the policy sees it (engine.rules.policy decides who may do what)."""
    return policy.Task(row.assignee_id, row.candidate_team_id, row.completed_by_id, row.status)


def claim(session: Session, task_id: str, user_id: int) -> bool:
    """Guarded update: of two simultaneous claims exactly one changes the row."""
    claimed = session.execute(
        update(InboxTask).where(InboxTask.id == task_id, InboxTask.assignee_id.is_(None),
                                InboxTask.status == "ready")
        .values(assignee_id=user_id).execution_options(synchronize_session=False))
    return claimed.rowcount == 1
