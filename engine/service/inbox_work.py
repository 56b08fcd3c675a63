"""Use cases around the inbox list: bulk claim and bulk hand-over (each task decided
on its own, under its own deal's lock), a task's follow-up date, and a user's saved
filters (only ever their own)."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from typing import Iterable, Mapping
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from engine.errors import ConflictError, DealflowError, FormError, NotFoundError
from engine.rules import inbox_query, inputs, policy
from engine.service import inbox, organisation, tasks, unit_of_work, visibility
from engine.service.context import ServiceContext
from engine.service.unit_of_work import Session
from engine.store import inbox_filters
from engine.store import people
from engine.store.lookup import Lookup
from engine.views import TaskView
from engine.views.inbox import BulkOutcome, BulkReport, SavedFilterView

MAX_BULK = 100


def bulk_claim(ctx: ServiceContext, task_ids: Iterable[object], *, actor: str) -> BulkReport:
    """Claim each of ``task_ids`` for ``actor``: every task in its own transaction under
    its deal's lock (engine.service.inbox.claim_task), so one refusal — claimed by
    someone else meanwhile, not in the actor's teams, gone — leaves the others done."""
    return _bulk(ctx, "claim", None, task_ids, actor, lambda task_id: inbox.claim_task(ctx, task_id, actor=actor))


def bulk_hand_over(ctx: ServiceContext, task_ids: Iterable[object], *, to: object, actor: str) -> BulkReport:
    """Hand each of ``task_ids`` to ``to`` (engine.service.tasks.reassign_task: the
    deal's manager or an admin may), each under its own deal's lock."""
    name = inputs.text(to, "to", limit=80)
    with unit_of_work.quick_read(ctx) as session:
        try:
            receiver = people.user(session, name)
        except NotFoundError:
            raise FormError({"to": f"no active user '{name}'"}) from None
        if not policy.may_take_tasks(receiver.role):
            raise FormError({"to": f"{receiver.display_name} does not work tasks"})
    return _bulk(ctx, "hand_over", receiver.username, task_ids, actor,
                 lambda task_id: tasks.reassign_task(ctx, task_id, to=receiver.username, actor=actor))


def _bulk(ctx: ServiceContext, action: str, to: str | None, task_ids: Iterable[object], actor: str,
          one) -> BulkReport:
    ids = _task_ids(task_ids)
    done, refused = [], []
    for task_id in ids:
        try:
            one(task_id)
        except DealflowError as err:
            refused.append(BulkOutcome(task_id, _name(ctx, task_id, actor), _reason(err, task_id)))
        else:
            done.append(BulkOutcome(task_id, _name(ctx, task_id, actor)))
    return BulkReport(action, to, tuple(done), tuple(refused))


def _task_ids(task_ids: Iterable[object]) -> list[str]:
    ids: list[str] = []
    for raw in task_ids:
        if not isinstance(raw, str) or not raw.strip() or len(raw) > 36:
            raise FormError({"task_ids": "task ids are the texts the inbox lists"})
        if raw.strip() not in ids:
            ids.append(raw.strip())
    if not ids:
        raise FormError({"task_ids": "select at least one task"})
    if len(ids) > MAX_BULK:
        raise FormError({"task_ids": f"select at most {MAX_BULK} tasks at once"})
    return ids


def _name(ctx: ServiceContext, task_id: str, viewer: str) -> str | None:
    try:
        return inbox.task(ctx, task_id, viewer=viewer).name
    except DealflowError:
        return None  # not one the viewer may see: its name is not theirs to read


def _reason(err: DealflowError, task_id: str) -> str:
    text = str(err).replace(f"task '{task_id}'", "the task")
    if isinstance(err, NotFoundError):
        return "no such task, or not one you may see"
    return text[:1].upper() + text[1:]


def set_follow_up(ctx: ServiceContext, task_id: str, day: object, *, actor: str) -> TaskView:
    """When the task's holder means to look at it again (Camunda's follow-up date): the
    start of ``day`` (YYYY-MM-DD) in the company's time zone; empty clears it. Whoever
    may work the task may set it."""
    def work(session: Session) -> TaskView:
        user = people.user(session, actor)
        task, opportunity = inbox.visible_task(session, user, task_id, lock=True)
        session.refresh(task)  # decided on as it is now that the deal is locked
        if task.status != "ready":
            raise ConflictError(f"task '{task_id}' is no longer ready (it is {task.status})")
        policy.require(policy.may_work(visibility.actor_of(session, user), visibility.task_of(task),
                                       visibility.deal_of(opportunity)),
                       "only whoever may work this task sets its follow-up date")
        task.follow_up_at = _start_of(_day(day), organisation.company_zone(session))
        session.flush()
        return inbox.with_rights(session, user, task, opportunity,
                                 Lookup(session, ctx.catalog).task_view(task, opportunity))

    return unit_of_work.run(ctx, work, changed="someone else changed this task at the same time")


def _day(value: object) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return value if isinstance(value, date) else date.fromisoformat(str(value).strip())
    except ValueError:
        raise FormError({"follow_up": "a day as YYYY-MM-DD"}) from None


def _start_of(day: date | None, zone: str) -> datetime | None:
    if day is None:
        return None
    return datetime.combine(day, time(), tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)


def saved_filters(ctx: ServiceContext, username: str) -> tuple[SavedFilterView, ...]:
    with unit_of_work.quick_read(ctx) as session:
        return inbox_filters.of_user(session, people.user(session, username).id)


def save_filter(ctx: ServiceContext, name: object, params: Mapping[str, object], *, actor: str) -> SavedFilterView:
    """Keep the inbox query ``params`` (as engine.rules.inbox_query reads them; the page
    is left out) under ``name`` for ``actor``; the same name again replaces its query."""
    label = inputs.text(name, "name", limit=100)
    query = inbox_query.parse({k: v for k, v in params.items() if k in inbox_query.FILTER_PARAMETERS})
    text = urlencode(query.as_query())

    def work(session: Session) -> SavedFilterView:
        user = people.user(session, actor)
        people.lock_users(session, [user.id])  # two saves at once count each other
        known = {f.name for f in inbox_filters.of_user(session, user.id)}
        if label not in known and len(known) >= inbox_filters.MAX_PER_USER:
            raise FormError({"name": f"you have {inbox_filters.MAX_PER_USER} saved filters; delete one first"})
        return inbox_filters.save(session, user.id, label, text, ctx.now())

    return unit_of_work.run(ctx, work, duplicate="a filter of that name was saved at the same time; save again")


def delete_filter(ctx: ServiceContext, filter_id: int, *, actor: str) -> None:
    """Delete one of ``actor``'s saved filters; another user's is not found (404)."""
    def work(session: Session) -> None:
        if not inbox_filters.delete_owned(session, filter_id, people.user(session, actor).id):
            raise NotFoundError(f"no saved filter {filter_id}")

    unit_of_work.run(ctx, work)
