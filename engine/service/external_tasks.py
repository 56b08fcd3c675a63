"""External tasks (docs/integration.md): a deal's process waits on a service task
while a worker outside Dealflow fetches it, locks it for a while, does the work and
completes it — or reports a failure (retries left, then an incident a designer or
admin retries) or a BPMN error (the task's error boundary event takes the token).

Fetching locks rows with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL; SQLite's one writer
stands in), so each task goes to one worker at a time; a lock that expired frees it.
Completing, a failure and a BPMN error lock the deal first, then re-read the task
row: it must still be open and locked by that worker — so a task completes once.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from datetime import timedelta
from typing import Mapping

from engine.errors import ConflictError, FormError, NotFoundError, PermissionDeniedError
from engine.methodology import adhoc, service_tasks
from engine.methodology.model import Methodology
from engine.methodology.variables import settable
from engine.rules import inputs, policy
from engine.runtime.step import StepResult
from engine.service import unit_of_work, visibility
from engine.service.context import ServiceContext
from engine.service.unattended import apply_unattended_step
from engine.service.unit_of_work import Session
from engine.store import external_tasks as store
from engine.store import opportunities as opportunity_store
from engine.store import people
from engine.store.events import record_event
from engine.store.external_task_models import ExternalTask, WorkerToken
from engine.store.models import Opportunity
from engine.views.external_tasks import ExternalTaskView, WorkerTokenView, WorkerView

MAX_LOCK_MS = 7 * 24 * 3600 * 1000
MAX_TASKS = 100
MAX_WAIT_MS = 60_000
POLL_SECONDS = 0.2  # how often a long poll looks again; a wait, not a fixed sleep (it ends early)


# --- tokens ---------------------------------------------------------------------------

def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_worker_token(ctx: ServiceContext, name: str, topics: list[str], *, actor: str | None) -> str:
    """A new worker token for ``topics``; shown once, only its hash kept. ``actor``
    (a designer or admin) — None from the command line, whose user has the database."""
    name = inputs.text(name, "name", limit=80)
    if not topics or not all(isinstance(t, str) and t.strip() for t in topics):
        raise FormError({"topics": "name at least one topic"})
    token = "dfw_" + secrets.token_urlsafe(32)

    def work(session: Session) -> None:
        creator = None
        if actor is not None:
            creator = people.user(session, actor)
            policy.require(policy.may_deploy(visibility.actor_of(session, creator)),
                           f"user '{actor}' may not create worker tokens")
        session.add(WorkerToken(name=name, token_hash=_hash(token), topics=sorted(set(topics)),
                                created_at=ctx.now(), created_by_id=creator.id if creator else None))

    unit_of_work.run(ctx, work)
    return token


def worker_tokens(ctx: ServiceContext) -> list[WorkerTokenView]:
    """Every worker token (never the token itself): name, topics, made, revoked."""
    with unit_of_work.quick_read(ctx) as session:
        return [WorkerTokenView(t.id, t.name, tuple(t.topics), t.created_at, t.revoked_at)
                for t in store.worker_tokens(session)]


def revoke_worker_tokens(ctx: ServiceContext, name: str, *, actor: str | None) -> int:
    """Revoke every live token of the worker ``name`` (a leaked token, a worker retired);
    how many. ``actor``: a designer or admin — None from the command line."""

    def work(session: Session) -> int:
        if actor is not None:
            policy.require(policy.may_deploy(visibility.actor_of(session, people.user(session, actor))),
                           f"user '{actor}' may not revoke worker tokens")
        live = [t for t in store.worker_tokens(session) if t.name == name and t.revoked_at is None]
        if not live:
            raise NotFoundError(f"no live worker token named '{name}'")
        for token in live:
            token.revoked_at = ctx.now()
        return len(live)

    return unit_of_work.run(ctx, work)


def worker_for_token(ctx: ServiceContext, token: str) -> WorkerView:
    with unit_of_work.quick_read(ctx) as session:
        row = store.worker_by_token_hash(session, _hash(token))
        if row is None:
            raise PermissionDeniedError("invalid or revoked worker token")
        return WorkerView(row.id, row.name, tuple(row.topics))


# --- workers ------------------------------------------------------------------------

def fetch_and_lock(ctx: ServiceContext, worker: WorkerView, worker_id: str, max_tasks: int,
                   topics: list[tuple[str, int]], wait_ms: int = 0,
                   woken: threading.Event | None = None) -> list[ExternalTaskView]:
    """Up to ``max_tasks`` open tasks of ``topics`` (name, lock duration in ms), locked
    for ``worker_id``. With ``wait_ms``, a long poll: when none is there, look again
    every POLL_SECONDS until one is or the time is up."""
    worker_id = _worker_id(worker_id)
    errors = {}
    if not isinstance(max_tasks, int) or isinstance(max_tasks, bool) or not 1 <= max_tasks <= MAX_TASKS:
        errors["maxTasks"] = f"a whole number from 1 to {MAX_TASKS}"
    if not isinstance(wait_ms, int) or isinstance(wait_ms, bool) or not 0 <= wait_ms <= MAX_WAIT_MS:
        errors["asyncResponseTimeout"] = f"milliseconds from 0 to {MAX_WAIT_MS}"
    for i, (topic, lock_ms) in enumerate(topics):
        if topic not in worker.topics:
            errors[f"topics[{i}].topicName"] = f"this worker's token may fetch only {', '.join(worker.topics)}"
        if not _duration_ok(lock_ms):
            errors[f"topics[{i}].lockDuration"] = f"milliseconds from 1 to {MAX_LOCK_MS}"
    if not topics:
        errors["topics"] = "name at least one topic"
    if errors:
        raise FormError(errors)
    # The wait is real time (the business clock, ctx.now, may be a test's frozen one).
    deadline = time.monotonic() + wait_ms / 1000
    waiter = woken or threading.Event()
    while True:
        got = _lock_some(ctx, worker_id, max_tasks, topics)
        left = deadline - time.monotonic()
        if got or left <= 0:
            return got
        waiter.wait(min(POLL_SECONDS, left))


def _lock_some(ctx: ServiceContext, worker_id: str, max_tasks: int, topics) -> list[ExternalTaskView]:
    def work(session: Session) -> list[ExternalTaskView]:
        now = ctx.now()
        locked = []
        for topic, lock_ms in topics:
            for row in store.fetchable(session, topic, now, max_tasks - len(locked)):
                row.worker_id, row.lock_expires_at = worker_id, now + timedelta(milliseconds=lock_ms)
                locked.append(row)
            if len(locked) >= max_tasks:
                break
        session.flush()
        return [task_view(row) for row in locked]

    return unit_of_work.run(ctx, work)


def complete(ctx: ServiceContext, worker: WorkerView, task_id: str, worker_id: str,
             variables: Mapping[str, object]) -> None:
    """Complete a task this worker holds with ``variables`` and run the deal's process on."""
    worker_id = _worker_id(worker_id)
    variables = _plain_variables(variables)

    def work(session: Session) -> None:
        row, opportunity = _held(ctx, session, worker, task_id, worker_id)
        version, methodology = ctx.catalog.version(session, opportunity.methodology_version_id)
        _check_variables(methodology, row, variables)
        if errors := adhoc.job_result_errors(methodology.process, row.node_id, variables):
            raise FormError(errors)  # an ad-hoc subprocess's job: what to activate must be its activities
        runner = ctx.catalog.runner(session, version.id)
        state, result = runner.complete_external(opportunity.workflow_state, row.id, dict(variables), ctx.now())
        _finish(ctx, session, opportunity, methodology, row, state, result, "external_task_completed",
                lambda: runner.data(state), variables=variables)

    unit_of_work.run(ctx, work, duplicate="another worker completed this task at the same time")


def failure(ctx: ServiceContext, worker: WorkerView, task_id: str, worker_id: str, message: str,
            retries: int, retry_timeout_ms: int = 0) -> None:
    """A worker could not do the task: it is fetchable again after ``retry_timeout_ms``
    with ``retries`` left; with none left it becomes an incident on the deal."""
    worker_id = _worker_id(worker_id)
    message = inputs.text(message or "the worker reported a failure", "errorMessage", limit=4000)
    errors = {}
    if not isinstance(retries, int) or isinstance(retries, bool) or not 0 <= retries <= 1000:
        errors["retries"] = "a whole number from 0 to 1000"
    if not isinstance(retry_timeout_ms, int) or isinstance(retry_timeout_ms, bool) \
            or not 0 <= retry_timeout_ms <= MAX_LOCK_MS:
        errors["retryTimeout"] = f"milliseconds from 0 to {MAX_LOCK_MS}"
    if errors:
        raise FormError(errors)

    def work(session: Session) -> None:
        row, opportunity = _held(ctx, session, worker, task_id, worker_id)
        now = ctx.now()
        row.retries, row.error_message = retries, message
        row.worker_id, row.lock_expires_at = None, None
        row.retry_at = now + timedelta(milliseconds=retry_timeout_ms) if retry_timeout_ms else None
        if retries == 0:
            row.status = "incident"
            record_event(session, opportunity, "incident", None, now, task=row.id, node=row.node_id,
                         topic=row.topic, message=message)
        session.flush()

    unit_of_work.run(ctx, work)


def bpmn_error(ctx: ServiceContext, worker: WorkerView, task_id: str, worker_id: str, code: str,
               message: str = "", variables: Mapping[str, object] | None = None) -> None:
    """A business error (not a technical failure): the task's error boundary event
    catching ``code`` takes the token; if none does, the task becomes an incident."""
    worker_id = _worker_id(worker_id)
    code = inputs.text(code, "errorCode", limit=200)
    message = inputs.storable(str(message or ""), "errorMessage")[:4000]
    variables = _plain_variables(variables or {})

    def work(session: Session) -> None:
        row, opportunity = _held(ctx, session, worker, task_id, worker_id)
        version, methodology = ctx.catalog.version(session, opportunity.methodology_version_id)
        _check_variables(methodology, row, variables)
        runner = ctx.catalog.runner(session, version.id)
        caught = runner.throw_error(opportunity.workflow_state, row.id, code, dict(variables), ctx.now())
        if caught is None:
            row.status, row.worker_id, row.lock_expires_at = "incident", None, None
            row.error_message = (f"BPMN error '{code}'{': ' + message if message else ''} — no error boundary "
                                 f"event of '{row.node_id}' catches it")
            record_event(session, opportunity, "incident", None, ctx.now(), task=row.id, node=row.node_id,
                         topic=row.topic, message=row.error_message)
            return
        state, result = caught
        _finish(ctx, session, opportunity, methodology, row, state, result, "external_task_error",
                lambda: runner.data(state), code=code, message=message)

    unit_of_work.run(ctx, work)


def extend_lock(ctx: ServiceContext, worker: WorkerView, task_id: str, worker_id: str, new_duration_ms: int) -> None:
    """Keep holding a task ``new_duration_ms`` from now."""
    worker_id = _worker_id(worker_id)
    if not _duration_ok(new_duration_ms):
        raise FormError({"newDuration": f"milliseconds from 1 to {MAX_LOCK_MS}"})

    def work(session: Session) -> None:
        row, _ = _held(ctx, session, worker, task_id, worker_id)
        row.lock_expires_at = ctx.now() + timedelta(milliseconds=new_duration_ms)
        session.flush()

    unit_of_work.run(ctx, work)


# --- incidents ----------------------------------------------------------------------

def incidents(ctx: ServiceContext, viewer: str, opportunity_id: int | None = None) -> list[ExternalTaskView]:
    """Incidents of the deals ``viewer`` may see (of one deal, if given)."""
    with unit_of_work.read(ctx) as session:
        actor = people.user(session, viewer)
        if opportunity_id is not None:
            opportunity = session.get(Opportunity, visibility.known_id(opportunity_id, f"no opportunity {opportunity_id}"))
            visibility.check_sees(session, actor, opportunity, f"no opportunity {opportunity_id}")
        rows = store.incidents(session, opportunity_id)
        may_retry = policy.may_deploy(visibility.actor_of(session, actor))
        seen = {}
        for row in rows:
            if row.opportunity_id not in seen:
                seen[row.opportunity_id] = visibility.may_see_opportunity(
                    session, actor, session.get(Opportunity, row.opportunity_id))
        return [task_view(row, may_retry) for row in rows if seen[row.opportunity_id]]


def retry_incident(ctx: ServiceContext, incident_id: str, *, actor: str, retries: int = 1) -> ExternalTaskView:
    """Make an incident's task fetchable again with ``retries`` (a designer or admin,
    once the cause is fixed: the ERP is back, the routing maps the topic)."""
    if not isinstance(retries, int) or isinstance(retries, bool) or not 1 <= retries <= 1000:
        raise FormError({"retries": "a whole number from 1 to 1000"})

    def work(session: Session) -> ExternalTaskView:
        actor_row = people.user(session, actor)
        row = store.task(session, incident_id)
        missing = f"no incident '{incident_id}'"
        if row is None:
            raise NotFoundError(missing)
        opportunity = opportunity_store.lock_opportunity(session, row.opportunity_id)
        visibility.check_sees(session, actor_row, opportunity, missing)
        policy.require(policy.may_deploy(visibility.actor_of(session, actor_row)),
                       f"user '{actor}' may not retry incidents (designers and admins do)")
        row = store.reread(session, row)
        if row.status != "incident":
            raise ConflictError(f"task '{row.id}' is {row.status}, not an incident")
        if row.topic is None:  # the routing mapped no topic when it became ready: perhaps now
            version, methodology = ctx.catalog.version(session, opportunity.methodology_version_id)
            impl = ctx.catalog.runner(session, version.id).implementation(row.node_id)
            row.topic = service_tasks.topic_for(impl, ctx.catalog.lanes(session, methodology.id).topics)
            if row.topic is None:
                raise ConflictError(f"'{row.node_id}' is still mapped to no topic; add it to the routing file's "
                                    "integration: topics and deploy it first")
        now = ctx.now()
        row.status, row.retries, row.retry_at = "open", retries, None
        row.worker_id, row.lock_expires_at = None, None
        record_event(session, opportunity, "incident_retried", actor_row.id, now, task=row.id, node=row.node_id)
        session.flush()
        return task_view(row)

    return unit_of_work.run(ctx, work)


# --- helpers ------------------------------------------------------------------------

def _held(ctx: ServiceContext, session: Session, worker: WorkerView, task_id: str,
          worker_id: str) -> tuple[ExternalTask, Opportunity]:
    """Lock the task's deal, re-read the task: it must be one of this token's topics
    (else it does not exist for it), open, and locked by ``worker_id`` until now or later."""
    row = store.task(session, task_id)
    missing = f"no external task '{task_id}'"
    if row is None or row.topic not in worker.topics:
        raise NotFoundError(missing)
    opportunity = opportunity_store.lock_opportunity(session, row.opportunity_id)
    row = store.reread(session, row)
    if row.status != "open":
        raise ConflictError(f"external task '{row.id}' is {row.status}")
    live = row.worker_id is not None and row.lock_expires_at is not None and row.lock_expires_at > ctx.now()
    if not live or row.worker_id != worker_id:
        holder = f"'{row.worker_id}'" if live else "nobody (it expired or was never taken)"
        raise PermissionDeniedError(f"external task '{row.id}' is not locked by worker '{worker_id}' "
                                    f"(its lock is held by {holder}); fetch and lock it first")
    if opportunity.status == "lost":
        raise ConflictError(f"opportunity {opportunity.id} is lost")
    return row, opportunity


def _finish(ctx: ServiceContext, session: Session, opportunity: Opportunity, methodology: Methodology,
            row: ExternalTask, state: str, result: StepResult, event: str, data_of, **data) -> None:
    now = ctx.now()
    if result.error is None:
        row.status, row.completed_at, row.lock_expires_at = "completed", now, None
        record_event(session, opportunity, event, None, now, task=row.id, node=row.node_id, topic=row.topic, **data)
    else:  # what followed the task failed (a gateway's condition): nothing of the step is kept
        row.status, row.worker_id, row.lock_expires_at = "incident", None, None
        row.error_message = f"the step after the worker's answer failed at '{result.error.node_id}': " \
                            f"{result.error.message}"
    # Like a timer, a worker's answer is never held back by exit criteria (recorded and
    # warned about), and a deal it loses is asked for its reason.
    apply_unattended_step(session, opportunity, methodology, ctx.catalog.lanes(session, methodology.id),
                          state, result, data_of, now, form=data.get("variables"))


def _worker_id(worker_id: object) -> str:
    if not isinstance(worker_id, str) or not worker_id.strip():
        raise FormError({"workerId": "name the worker (any text, the same on every call)"})
    return inputs.text(worker_id, "workerId", limit=200)


def _duration_ok(ms: object) -> bool:
    return isinstance(ms, int) and not isinstance(ms, bool) and 1 <= ms <= MAX_LOCK_MS


def _plain_variables(variables: Mapping[str, object]) -> dict:
    """Variables as plain values: Camunda's ``{"x": {"value": 1, "type": "Integer"}}``
    is accepted as ``{"x": 1}``."""
    if not isinstance(variables, Mapping):
        raise FormError({"variables": "an object: variable name -> value"})
    plain = {}
    for name, value in variables.items():
        inputs.storable(str(name), "variables")
        if isinstance(value, Mapping) and "value" in value and set(value) <= {"value", "type", "valueInfo"}:
            value = value["value"]
        plain[str(name)] = inputs.storable_data(value, f"variables.{name}")
    return plain


def _check_variables(methodology: Methodology, row: ExternalTask, variables: Mapping[str, object]) -> None:
    """Only names the process reads (conditions) or declares (form fields, task data
    it already holds, the task's declared outputs) may be set — a typo is refused
    field by field rather than silently read as missing later."""
    known = set(row.variables or {}) | settable(methodology.process)
    errors = {f"variables.{name}": (f"the process neither reads nor declares '{name}'; known: "
                                    f"{', '.join(sorted(known)) or 'none'}")
              for name in variables if name not in known}
    if errors:
        raise FormError(errors)


def task_view(row: ExternalTask, may_retry: bool = False) -> ExternalTaskView:
    """An external task as workers, incident lists and the deal page show it."""
    return ExternalTaskView(row.id, row.opportunity_id, row.node_id, row.name, row.topic, row.status,
                            dict(row.variables or {}), row.retries, row.worker_id, row.lock_expires_at,
                            row.error_message, row.created_at, may_retry and row.status == "incident")
