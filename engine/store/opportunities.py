"""Opportunities: locking one for a change, a batch of those whose timers are due, their ids,
the states of their tasks, and the view of one with its tasks, history and events."""

from __future__ import annotations

import re

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from sqlalchemy import String, and_, bindparam, cast, func, insert, literal_column, select, update
from sqlalchemy.orm import Session, undefer

from engine.errors import NotFoundError
from engine.rules import failed_steps, forecast_categories, policy, progress, scoring
from engine.views import EventView, OpportunityView, StageChangeView
from engine.views.opportunities import LostReasonChoice
from engine.store.db import hold_sqlite_writes
from engine.store.events import note_row
from engine.store.report_scope import where_in_scope
from engine.store.lookup import Lookup
from engine.store.external_task_models import ExternalTask
from engine.store import deal_totals, inbox, read_ahead, stage_totals
from engine.store.models import Event, InboxTask, Opportunity, RoutingVersion, StageChange, TeamMember, User
from engine.store.partner_cards import credit_of
from engine.store.partner_models import Partner


NEWEST_ROUTING = select(func.max(RoutingVersion.id)).scalar_subquery()


def lock_opportunity(session: Session, opportunity_id: int, *, with_state: bool = True,
                     missing: str | None = None) -> Opportunity:
    """The opportunity, row-locked on PostgreSQL (SQLite serialises writers anyway);
    its version counter catches any concurrent change at commit. ``with_state``: its
    workflow state loaded too (a change of its buying center does not need it).
    NotFoundError (with ``missing`` as the message, if given) when there is none.

    Its columns are those stored once the lock is held, even if the session had read
    the row before (``populate_existing``): a use case re-checks the deal's state on
    them, never on what it read before it waited for the lock."""
    row = _locked(session, _lock_query(Opportunity.id == opportunity_id, with_state))
    if row is None:
        raise NotFoundError(missing or f"no opportunity {opportunity_id}")
    return row


def lock_opportunity_of_task(session: Session, task_id: str) -> Opportunity | None:
    """``lock_opportunity`` of the deal of inbox row ``task_id``, found in the same
    statement (None when there is no such task): the caller reads the task once, under
    the lock, instead of reading it for its deal's id first and again once locked."""
    return _locked(session, _lock_query(_of_task(task_id), True))


def lock_for_step(session: Session, task_id: str, actor: str | None, *, rows_behind: read_ahead.Ahead | None = None
                  ) -> tuple[Opportunity | None, int | None, User | None, str | None]:
    """``lock_opportunity_of_task`` and, in the same statement, the id of the routing
    rules deployed last (``versions.newest_routing_id``), which the workflow step that
    completes the task routes its new tasks by, and the active user named ``actor``
    with their team ids as text ("3,7"; None without teams or user): one round trip
    instead of three. ``actor`` None (a name that names nobody) finds no user.

    The deal's task rows are read by a statement of their own (``inbox.step_rows``),
    not in this one: on PostgreSQL a statement reads as of its start (READ COMMITTED),
    before it waited for the row lock, so rows that the lock's holder changed or added
    would be missed; a second statement starts once the lock is held. (On SQLite, whose
    write lock is taken first, joining them is safe but saved no CPU: measured.)
    ``rows_behind`` (``inbox.step_rows_ahead``, PostgreSQL): that second statement, sent
    in the same round trip as this one (``engine.store.read_ahead``) — still a statement
    of its own, which the server starts once this one is done, the lock held."""
    options = {read_ahead.BEHIND: rows_behind} if rows_behind is not None else None
    return _locked(session, _FOR_STEP, {"task_id": task_id, "actor": actor}, also=3, options=options)


def _of_task(task_id):
    return Opportunity.id == select(InboxTask.opportunity_id).where(InboxTask.id == task_id).scalar_subquery()


def _lock_query(where, with_state: bool, *also):
    """The row locked (``FOR UPDATE OF opportunities``), read anew, with the columns ``also``."""
    query = (select(Opportunity, *also).where(where).with_for_update(of=Opportunity)
             .execution_options(populate_existing=True))
    return query.options(undefer(Opportunity.workflow_state)) if with_state else query


# The durable step's lock, built once (building the statement costs more than running it cached),
# with the actor's row (outer-joined: FOR UPDATE OF locks the deal's row only) and team ids.
# The separator as SQL text, not a str: a str is a bound literal rendered again at every run.
_ACTOR_TEAMS = (select(func.aggregate_strings(cast(TeamMember.team_id, String), literal_column("','")))
                .where(TeamMember.user_id == User.id).scalar_subquery())
_FOR_STEP = (_lock_query(_of_task(bindparam("task_id")), True, NEWEST_ROUTING, User, _ACTOR_TEAMS)
             .outerjoin(User, and_(User.username == bindparam("actor"), User.active.is_(True))))


def _locked(session: Session, query, params: dict | None = None, *, also: int = 0,
            options: dict | None = None) -> Opportunity | None | tuple:
    """The row ``query`` locks; with ``also`` columns after it: (the row or None,
    their values or None each). ``options``: the statement's execution options."""
    hold_sqlite_writes(session)  # SQLite has no row locks: its write lock stands in
    found = session.execute(query, params, execution_options=options).first()
    row = found[0] if found is not None else None
    if row is not None:
        deal_totals.note_locked(session, row.id)
    if also:
        return (row, *(found[1:] if found is not None else (None,) * also))
    return row


def due_opportunities(session: Session, now: datetime, limit: int) -> list[Opportunity]:
    """Up to ``limit`` opportunities whose timers are due, earliest first, that no
    other worker holds — row-locked for this transaction (``FOR UPDATE SKIP LOCKED``
    on PostgreSQL; SQLite's one write lock, taken first, stands in), with their
    workflow states. The conditions are checked on each row as it stands once locked,
    so a deal another transaction changed meanwhile is taken only if still due.

    Due means strictly before ``now``, as SpiffWorkflow decides it: a timer picked at
    exactly its due time would not fire, keep its due time, and be picked again."""
    hold_sqlite_writes(session)
    rows = list(session.scalars(
        select(Opportunity).options(undefer(Opportunity.workflow_state))
        # Not "and no error": a deal keeping only a person's failed step fires the other
        # branches' timers; an error that holds them leaves next_timer_at empty.
        .where(Opportunity.next_timer_at < now)
        .order_by(Opportunity.next_timer_at, Opportunity.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)))
    for row in rows:
        deal_totals.note_locked(session, row.id)  # the kept totals need not lock them again
    return rows


def due_step_rows(session: Session, deals: list[Opportunity]) -> dict[int, list[InboxTask]]:
    """``inbox.step_rows`` of each of ``deals`` (locked by ``due_opportunities``), in one
    read for the batch instead of one per deal: by deal id, a deal without such rows
    absent. Read once the locks are held (a statement after the pick's), so no row a
    lock holder changed is missed; every change to a deal's rows locks the deal first."""
    found: dict[int, list[InboxTask]] = {}
    if deals:
        for row in session.scalars(_DUE_STEP_ROWS, {"deals": [deal.id for deal in deals]}):
            found.setdefault(row.opportunity_id, []).append(row)
    return found


# The rows inbox.step_rows reads for one deal, for a batch's deals (the same condition, ``_LIVE``),
# in the same order (by id: each deal's list as its own read gives it).
_DUE_STEP_ROWS = (select(InboxTask).where(InboxTask.opportunity_id.in_(bindparam("deals", expanding=True)),
                                          inbox._LIVE)
                  .order_by(InboxTask.id))


def opportunity_ids(session: Session) -> list[int]:
    return list(session.scalars(select(Opportunity.id).order_by(Opportunity.id)))


def open_opportunity_ids(session: Session, scope) -> list[int]:
    """The open deals ``scope`` (engine.rules.report_scope.Scope) covers."""
    query = where_in_scope(select(Opportunity.id).where(Opportunity.status == "open"), scope,
                           Opportunity.owner_id, Opportunity.manager_id, Opportunity.team_id)
    return list(session.scalars(query.order_by(Opportunity.id)))


def task_states(session: Session, opportunity_id: int) -> list[tuple[str, str]]:
    """(BPMN node id, status) of every inbox row of a deal."""
    return [tuple(row) for row in session.execute(
        select(InboxTask.node_id, InboxTask.status).where(InboxTask.opportunity_id == opportunity_id))]


def open_required_activities(session: Session, opportunity_id: int, stage_id: str) -> set[str]:
    """Ids of ``stage_id``'s required suggested activities the deal has not done yet."""
    nodes = session.scalars(select(InboxTask.node_id).where(
        InboxTask.opportunity_id == opportunity_id, InboxTask.kind == "activity",
        InboxTask.stage_id == stage_id, InboxTask.required, InboxTask.status == "ready"))
    return {node.partition("/")[2] for node in nodes}  # node ids are stage/activity


def reassign_open_tasks(session: Session, opportunity_id: int, from_user: int, to_user: int) -> int:
    rows = list(session.scalars(select(InboxTask).where(
        InboxTask.opportunity_id == opportunity_id, InboxTask.status == "ready",
        InboxTask.assignee_id == from_user)))
    for row in rows:
        row.assignee_id = to_user
    return len(rows)


def withdraw_open_tasks(session: Session, opportunity: Opportunity) -> int:
    """Cancel every open task and suggestion of the deal (it is closed by hand); how many.
    Its external tasks are withdrawn from workers too (not counted: nobody's inbox)."""
    session.execute(update(ExternalTask).where(
        ExternalTask.opportunity_id == opportunity.id, ExternalTask.status.in_(("open", "incident")))
        .values(status="cancelled"))
    return session.execute(update(InboxTask).where(
        InboxTask.opportunity_id == opportunity.id, InboxTask.status == "ready").values(status="cancelled")).rowcount


def refresh_next_action(session: Session, opportunity: Opportunity) -> None:
    """The deal's next action after something outside the process changed (an
    activity done, its timers held or let go by a failed step): ``set_next_action``
    over its open tasks' and suggestions' due dates as stored."""
    set_next_action(opportunity, open_task_dues(session, opportunity.id))


def open_task_dues(session: Session, opportunity_id: int) -> list[datetime]:
    """The due dates of the deal's open tasks and suggestions, as stored."""
    return list(session.scalars(select(InboxTask.due_at).where(
        InboxTask.opportunity_id == opportunity_id, InboxTask.status == "ready", InboxTask.due_at.is_not(None))))


def set_next_action(opportunity: Opportunity, task_dues: Iterable[datetime | None]) -> None:
    """The deal's next action by the one rule (engine.rules.progress.next_action): the
    earliest of ``task_dues`` (its open tasks' and suggestions' due dates) and its next
    timer (``next_timer_at``, set first). Timers its error holds are not in it: they
    wait for a retry, not for their due dates (engine.rules.failed_steps), and
    ``next_timer_at`` is empty meanwhile."""
    opportunity.next_action_at = progress.next_action(task_dues, opportunity.next_timer_at)


def add_stage_change(session: Session, opportunity: Opportunity, previous: str | None, actor_id: int | None,
                     now: datetime) -> None:
    """The stage-history row of the deal's move from ``previous`` into its current stage."""
    # Noted, and written with the step's events in one Core executemany (nothing reads
    # its id back or changes it): cheaper than an ORM object's flush.
    note_row(session, _ADD_STAGE_CHANGE, opportunity, dict(
        from_stage=previous, to_stage=opportunity.stage_id, probability=opportunity.probability,
        changed_by_id=actor_id, changed_at=now, methodology_version_id=opportunity.methodology_version_id))
    # its part in the analysis's stage figures, moved on by this move
    stage_totals.mark_move(session, opportunity, previous, now)


_ADD_STAGE_CHANGE = insert(StageChange.__table__)


def deal_facts(opportunity: Opportunity, tasks: tuple[policy.Task, ...] = ()) -> policy.Deal:
    """The deal as the policy sees it; ``tasks`` (``task_facts_of``) when the decision
    needs them (whether the actor worked on it)."""
    return policy.Deal(opportunity.owner_id, opportunity.manager_id, opportunity.team_id, tasks)


def task_facts_of(session: Session, opportunity_id: int) -> tuple[policy.Task, ...]:
    """Every task of the deal (any status) as the policy sees it, in one query."""
    return tuple(policy.Task(*row) for row in session.execute(
        select(InboxTask.assignee_id, InboxTask.candidate_team_id, InboxTask.completed_by_id, InboxTask.status)
        .where(InboxTask.opportunity_id == opportunity_id).order_by(InboxTask.id)))


def opportunity_view(session: Session, opportunity_id: int, catalog, *, detail: bool = True) -> OpportunityView:
    o = session.get(Opportunity, opportunity_id)
    if o is None:
        raise NotFoundError(f"no opportunity {opportunity_id}")
    lookup = Lookup(session, catalog)
    _need(lookup, o)
    return _view(session, o, catalog, lookup, detail)


def opportunity_views(session: Session, opportunity_ids: list[int], catalog) -> list[OpportunityView]:
    """The deals' summary views (``opportunity_view(..., detail=False)``) in the order
    given, set-based: the rows in chunked queries and every name in one lookup, not
    a round of queries per deal."""
    rows: dict[int, Opportunity] = {}
    for start in range(0, len(opportunity_ids), 1000):
        chunk = opportunity_ids[start:start + 1000]
        rows.update((o.id, o) for o in session.scalars(select(Opportunity).where(Opportunity.id.in_(chunk))))
    lookup = Lookup(session, catalog)
    for o in rows.values():
        _need(lookup, o)
    return [_view(session, rows[i], catalog, lookup, False) for i in opportunity_ids if i in rows]


def _need(lookup: Lookup, o: Opportunity) -> None:
    lookup.need_users([o.owner_id, o.manager_id, o.opened_by_id, o.closed_by_id, o.forecast_override_by_id])
    lookup.need_teams([o.team_id])


def _view(session: Session, o: Opportunity, catalog, lookup: Lookup, detail: bool) -> OpportunityView:
    version, methodology = catalog.version(session, o.methodology_version_id)
    open_tasks = completed = history = events = ()
    credit_warning = None
    if detail:
        credit_warning = _credit_warning(session, o)
        tasks = list(session.scalars(select(InboxTask).where(InboxTask.opportunity_id == o.id)
                                     # made in one step: the process's own tasks ('workflow')
                                     # before the stage's suggestions ('activity')
                                     .order_by(InboxTask.created_at, InboxTask.kind.desc(), InboxTask.id)))
        changes = list(session.scalars(select(StageChange).where(StageChange.opportunity_id == o.id)
                                       .order_by(StageChange.id)))
        event_rows = list(session.scalars(select(Event).where(Event.opportunity_id == o.id).order_by(Event.id)))
        lookup.need_users(id_ for t in tasks for id_ in (t.assignee_id, t.completed_by_id))
        lookup.need_users(c.changed_by_id for c in changes)
        lookup.need_users(e.actor_id for e in event_rows)
        lookup.need_teams(t.candidate_team_id for t in tasks)
        open_tasks = tuple(lookup.task_view(t, o) for t in tasks if t.status == "ready")
        completed = tuple(lookup.task_view(t, o) for t in tasks if t.status == "completed")
        history = tuple(StageChangeView(c.from_stage, c.to_stage,
                                        lookup.stage_name(o, c.to_stage, c.methodology_version_id),
                                        c.probability, lookup.user(c.changed_by_id), c.changed_at)
                        for c in changes)
        events = tuple(EventView(e.kind, lookup.user(e.actor_id), e.at, e.data) for e in event_rows)
    return OpportunityView(
        id=o.id, title=o.title, partner_name=o.partner_name, amount=o.amount, currency=o.currency,
        attributes=dict(o.attributes), segment_id=o.segment_id, team=lookup.team(o.team_id),
        owner=lookup.user(o.owner_id), manager=lookup.user(o.manager_id), methodology_id=version.methodology_id,
        methodology_label=version.label, methodology_name=methodology.name, methodology_version_id=version.id,
        stage_id=o.stage_id,
        stage_name=lookup.stage_name(o, o.stage_id), stage_entered_at=o.stage_entered_at,
        probability=o.probability, expected_revenue=o.expected_revenue, next_action_at=o.next_action_at,
        status=o.status, lost_reason=o.lost_reason, error_message=o.error_message,
        error_at=_node_described(methodology, o.error_node) if o.error_message else None,
        **_failed_step_fields(o),
        opened_by=lookup.user(o.opened_by_id), opened_at=o.opened_at, closed_by=lookup.user(o.closed_by_id),
        closed_at=o.closed_at, next_timer_at=o.next_timer_at, open_tasks=open_tasks,
        completed_tasks=completed, stage_history=history, events=events, probability_auto=o.probability_auto,
        probability_override=o.probability_override, **_score_fields(o, methodology),
        partner_id=o.partner_id, credit_warning=credit_warning, row_version=o.row_version,
        lost_reason_code=o.lost_reason_code, lost_reason_label=_reason_label(methodology, o.lost_reason_code),
        lost_reason_choices=tuple(LostReasonChoice(r.id, r.label, r.needs_note)
                                  for r in methodology.lost_reasons),
        **_forecast_fields(o, methodology, lookup))


def _failed_step_fields(o: Opportunity) -> dict:
    """What ``retry`` would run again, for a deal showing an error."""
    if o.error_message is None:
        return {}
    step = o.failed_step or {"kind": "engine"}
    return {"failed_step_kind": step.get("kind"), "failed_task_id": step.get("task"),
            "timers_held": failed_steps.holds_timers(step),
            # only beside a person's failed step, the kind that displaces (step_errors): a
            # note some other writer left standing after clearing the error is not shown
            "error_note": o.error_note if step.get("kind") in failed_steps.TASK_KINDS else None}


def _score_fields(o: Opportunity, methodology) -> dict:
    """The score and class the header shows: the last answered questionnaire of the
    methodology version the deal follows now (engine.rules.scoring.current_records) —
    not one answered before a swap."""
    last = scoring.latest_record(scoring.current_records(o.scores, methodology))
    if last is None:
        return {"score": None, "score_class": None, "score_exact": None}
    exact = Decimal(last["score"])
    return {"score": int(exact.to_integral_value()), "score_class": last["class"], "score_exact": exact}


def _forecast_fields(o: Opportunity, methodology, lookup: Lookup) -> dict:
    """The view's forecast fields (engine.rules.forecast_categories): a category only
    while the deal is open — a closed deal counts by its outcome."""
    is_open = o.status == "open"
    return dict(
        expected_close_date=o.expected_close_date,
        forecast_category=(forecast_categories.category_of(o.probability, o.forecast_category_override,
                                                           methodology.forecast) if is_open else None),
        forecast_category_derived=(forecast_categories.derived(o.probability, methodology.forecast)
                                   if is_open else None),
        forecast_category_override=o.forecast_category_override,
        forecast_override_by=lookup.user(o.forecast_override_by_id), forecast_override_at=o.forecast_override_at,
        forecast_ranges=forecast_categories.describe(methodology.forecast))


def _node_described(methodology, node_id: str | None) -> str | None:
    """A BPMN node as a designer finds it in the modeler: its kind, name and id."""
    node = methodology.process.nodes.get(node_id) if node_id else None
    if node is None:
        return node_id or None
    kind = re.sub(r"(?<!^)([A-Z])", r" \1", node.kind).lower()  # exclusiveGateway -> exclusive gateway
    return f"{kind} '{node.name}' ({node.id})" if node.name != node.id else f"{kind} {node.id}"


def _reason_label(methodology, code: str | None) -> str | None:
    """The label of ``code`` in the deal's methodology (a code no longer listed shows as itself)."""
    if code is None:
        return None
    reason = methodology.lost_reason(code)
    return reason.label if reason else code


def _credit_warning(session: Session, o: Opportunity) -> str | None:
    """While the deal is open: the warning when its partner's open deals, this one
    among them, and balance exceed the partner's credit limit."""
    if o.status != "open" or o.partner_id is None:
        return None
    partner = session.get(Partner, o.partner_id)
    if partner is None or partner.credit_limit is None:
        return None
    return credit_of(session, partner).warning
