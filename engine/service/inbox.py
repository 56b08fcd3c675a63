"""Use cases of the inbox: what a user may see and work, claiming from a team queue,
(the manager's pipeline: engine.service.pipeline)."""

from __future__ import annotations

import dataclasses
from typing import Mapping

from engine.errors import ConflictError, NotFoundError
from engine.rules import policy
from engine.rules import inbox_query
from engine.rules.methodology_labels import methodology_choices
from engine.service import deal_edit, organisation, unit_of_work, visibility
from engine.service.context import ServiceContext
from engine.service.unit_of_work import Session
from engine.store import inbox as inbox_store
from engine.store import inbox_filters
from engine.store import opportunities as opportunity_store
from engine.store import people
from engine.store.events import record_event
from engine.store.lookup import DealFacts, Lookup
from engine.store.models import InboxTask, Opportunity
from engine.views import InboxPage, OpportunityView, TaskView, UserView


def inbox(ctx: ServiceContext, user: str | UserView, params: Mapping[str, object] | None = None, *,
          stage: str | None = None, methodology: str | None = None, page: int = 1, per_page: int = 25,
          saved_filters: bool = True) -> InboxPage:
    """The user's READY tasks: assigned to them, waiting in their teams' queues, and (for
    a manager) on the deals they are responsible for — searched, filtered, sorted and
    paged as ``params`` ask (engine.rules.inbox_query; FormError names every bad one);
    earliest due first by default. The keywords are the older spelling of the same.
    ``saved_filters=False``: without the user's saved filters (a caller that does not
    show them spares their query). ``user``: the username, or the caller as an
    authentication gave them with their ``team_ids`` (the API's token check), then
    neither the user nor their teams are read again."""
    given = {"stage": stage, "methodology": methodology,
             "page": None if page == 1 else str(page), "per_page": None if per_page == 25 else str(per_page)}
    query = inbox_query.parse({**{k: v for k, v in given.items() if v is not None}, **(params or {})})
    now = ctx.now()
    with unit_of_work.quick_read(ctx) as session:
        if isinstance(user, UserView) and user.team_ids is not None:
            actor, teams = user, list(zip(user.team_ids, user.teams))
        else:
            username = user.username if isinstance(user, UserView) else user
            actor, teams = people.user_and_teams(session, username)
            if actor is None:
                raise NotFoundError(f"no user '{username}'")
        team_ids = [team_id for team_id, _ in teams]
        who = policy.Actor(actor.id, actor.role, team_ids)
        visible = inbox_store.Visibility.of(session, actor.id, team_ids, policy.inbox_scope(who))
        zone = organisation.company_zone(session) if query.due or query.follow_up else "UTC"
        narrowed = inbox_store.narrowing(
            visible, actor.id, words=tuple(query.q.split()), assignee=query.assignee, queue=query.queue,
            due=_window(query.due, now, zone), follow_up=_window(query.follow_up, now, zone))
        groups = inbox_store.groups(session, visible, now, narrowed)
        versions = {g.version_id: ctx.catalog.version(session, g.version_id) for g in groups}
        wanted = [g for g in groups
                  if (not query.stage or g.stage_id == query.stage)
                  and (not query.methodology or versions[g.version_id][0].methodology_id == query.methodology)]
        total, n_mine, n_queued, n_overdue = (sum(getattr(g, field) for g in wanted)
                                              for field in ("total", "mine", "queued", "overdue"))
        rows = inbox_store.page(
            session, visible, stage=query.stage, limit=query.per_page, offset=(query.page - 1) * query.per_page,
            version_ids=None if not query.methodology else
            [v for v, (info, _) in versions.items() if info.methodology_id == query.methodology],
            narrowed=narrowed, sort=query.sort, descending=query.descending)
        lookup = Lookup(session, ctx.catalog)
        for row in rows:  # the names came with the page
            lookup.users[row.assignee_id] = row.assignee
            lookup.teams[row.candidate_team_id] = row.team
        tasks = tuple(
            lookup.task_view(row, DealFacts(row.opportunity_id, row.deal_title, row.deal_stage_id,
                                            row.deal_version_id),
                             form=inbox_store.page_form(row.form_text), partner_name=row.partner_name,
                             may_claim=row.assignee_id is None and policy.may_claim(who, inbox_store.task_facts(row)))
            for row in rows)
        # Asked once per manager on the page, not per row (the answer depends on no more).
        may_hand_over = any(policy.may_manage(who, policy.Deal(owner_id=0, manager_id=manager_id))
                            for manager_id in {row.manager_id for row in rows})
        stages = {}
        for g in groups:
            if g.stage_id is not None:
                stages[g.stage_id] = next(
                    (s.name for s in versions[g.version_id][1].stages if s.id == g.stage_id), g.stage_id)
        return InboxPage(tasks=tasks, total=total, page=query.page, per_page=query.per_page, mine=n_mine,
                         queued=n_queued, team=total - n_mine - n_queued, overdue=n_overdue,
                         stages=tuple(sorted(stages.items(), key=lambda item: item[1])),
                         methodologies=tuple(sorted({info.methodology_id for info, _ in versions.values()})),
                         methodology_choices=methodology_choices(
                             (versions[v][0].methodology_id, versions[v][1].name, versions[v][0].label)
                             for v in sorted(versions)),
                         query=query, queues=tuple(name for _, name in teams),
                         saved=inbox_filters.of_user(session, actor.id) if saved_filters else (),
                         may_hand_over=may_hand_over)


def _window(kind: str | None, now, zone: str) -> inbox_store.Window | None:
    if kind is None:
        return None
    if kind == "none":
        return inbox_store.Window(none=True)
    low, high = inbox_query.window(kind, now, zone)
    return inbox_store.Window(low=low, high=high)


def visible_task(session: Session, actor, task_id: str, *, lock: bool = False) -> tuple[InboxTask, Opportunity]:
    """The task and its deal (locked when ``lock``), if ``actor`` may see the task;
    NotFoundError otherwise, whether or not it exists."""
    row = session.get(InboxTask, visibility.known_task_id(task_id))
    if row is None:
        opportunity = None
    elif lock:
        opportunity = opportunity_store.lock_opportunity(session, row.opportunity_id)
    else:
        opportunity = session.get(Opportunity, row.opportunity_id)
    if row is None or not visibility.may_see_task(session, actor, row, opportunity):
        raise NotFoundError(f"no task '{task_id}'")
    return row, opportunity


def task(ctx: ServiceContext, task_id: str, *, viewer: str) -> TaskView:
    """One task, if the viewer may see it (404 otherwise, whether or not it exists)."""
    with unit_of_work.read(ctx) as session:
        actor = people.user(session, viewer)
        row, opportunity = visible_task(session, actor, task_id)
        return with_rights(session, actor, row, opportunity, Lookup(session, ctx.catalog).task_view(row, opportunity))


def with_rights(session: Session, actor, row: InboxTask, opportunity: Opportunity, view: TaskView) -> TaskView:
    """``view`` with what ``actor`` may do with the task (the page offers only those)."""
    who, task, deal = visibility.actor_of(session, actor), visibility.task_of(row), visibility.deal_of(opportunity)
    ready = row.status == "ready"
    return dataclasses.replace(view, may_claim=ready and policy.may_claim(who, task) and view.claimable,
                               may_work=ready and policy.may_work(who, task, deal),
                               may_release=ready and row.candidate_team_id is not None
                               and row.assignee_id is not None and policy.may_release(who, task, deal))


def opportunity_for(ctx: ServiceContext, opportunity_id: int, *, viewer: str) -> OpportunityView:
    """The deal as ``show_opportunity`` gives it, if the viewer may see it (else 404),
    with what the viewer may do to it (``may_reassign``, ``may_close``,
    ``may_override_probability``, ``may_retry``) as the policy decides, and — for a
    deal with an error, to a viewer who may retry it — ``newer_version``, the label a
    retry with upgrade moves it to (an offer the others could not take up)."""
    with unit_of_work.read(ctx) as session:
        actor, opportunity = visibility.visible_opportunity(session, viewer, opportunity_id)
        who, deal = visibility.actor_of(session, actor), visibility.deal_of(opportunity)
        view = opportunity_store.opportunity_view(session, opportunity_id, ctx.catalog)
        may_retry = policy.may_retry(who, deal)
        return dataclasses.replace(
            view, may_reassign=policy.may_manage(who, deal), may_close=policy.may_close(who, deal),
            may_override_probability=policy.may_override_probability(who, deal),
            may_retry=may_retry, may_set_forecast=policy.may_set_forecast(who, deal),
            may_edit=deal_edit.may_edit(session, actor, opportunity),
            newer_version=_newer_version(ctx, session, view) if may_retry else None)


def _newer_version(ctx: ServiceContext, session: Session, view: OpportunityView) -> str | None:
    """What ``timers.retry(upgrade=True)`` would move the deal to, read in the view's
    transaction; None for a deal without an error (nothing to retry) or on its newest."""
    if view.error_message is None or view.status == "lost":
        return None
    newest, _ = ctx.catalog.newest(session, view.methodology_id)
    return None if newest.id == view.methodology_version_id else newest.label


def claim_task(ctx: ServiceContext, task_id: str, *, actor: str) -> TaskView:
    """Take a task from one of the actor's team queues."""
    return _claim_or_release(ctx, task_id, actor, claim=True)


def release_task(ctx: ServiceContext, task_id: str, *, actor: str) -> TaskView:
    """Put a claimed task back into its team's queue."""
    return _claim_or_release(ctx, task_id, actor, claim=False)


def _claim_or_release(ctx: ServiceContext, task_id: str, username: str, *, claim: bool) -> TaskView:
    now = ctx.now()

    def work(session: Session) -> TaskView:
        actor = people.user(session, username)
        task, opportunity = visible_task(session, actor, task_id, lock=True)
        # Decided on as the task is once the deal is locked (a close may have withdrawn
        # it, a teammate claimed it); who may see it, on what the actor was shown.
        session.refresh(task)
        if task.status != "ready":
            raise ConflictError(f"task '{task_id}' is no longer ready (it is {task.status})")
        if task.candidate_team_id is None:
            raise ConflictError(f"task '{task_id}' is assigned to a person, not waiting in a team queue")
        if claim:
            if task.assignee_id is not None:
                holder = people.username(session, task.assignee_id)
                raise ConflictError(f"task '{task_id}' was already claimed by {holder}")
            policy.require(policy.may_claim(visibility.actor_of(session, actor), visibility.task_of(task)),
                           f"'{username}' is not in the team this task waits for")
            if not inbox_store.claim(session, task_id, actor.id):
                raise ConflictError(f"task '{task_id}' was claimed by someone else just now")
            session.refresh(task)
        else:
            policy.require(policy.may_release(visibility.actor_of(session, actor), visibility.task_of(task),
                                              visibility.deal_of(opportunity)),
                           f"only whoever claimed task '{task_id}' may release it")
            task.assignee_id = None
        record_event(session, opportunity, "claimed" if claim else "released", actor.id, now,
                     task=task_id, name=task.name)
        session.flush()
        return Lookup(session, ctx.catalog).task_view(task, opportunity)

    return unit_of_work.run(ctx, work, changed="someone else changed this task at the same time")


def _methodology(ctx: ServiceContext, version_id: int):
    with unit_of_work.read(ctx) as session:
        return ctx.catalog.version(session, version_id)
