"""Messages (docs/integration.md): ``POST /api/v1/messages`` and ``dealflow message
send`` deliver a named message to the deals waiting for it — at a receive task, an
intermediate catch event, a boundary event or an event subprocess's message start —
correlated Camunda-7 style by deal id, business key (the deal's ``business_key``
attribute) or a process variable's value, or Camunda-8 style by correlation key (the
value the catch's ``zeebe:subscription correlationKey`` gave when it began to wait). When no deal waits, a message start event
of the methodology the routing gives a new deal opens one; else the message is kept
for a set time if the sender asked (delivered when a deal starts waiting for it),
else NotFoundError. Messages a deal's process throws that nothing in it catches go to
the deals with the same business key that wait for them.

Each deal is locked, and its waits re-read inside the lock, before the message is
delivered: two senders racing for one waiting deal deliver once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Mapping

from engine.errors import ConflictError, FormError, NotFoundError, PermissionDeniedError
from engine.methodology.variables import settable
from engine.rules import inputs, policy
from engine.service import opportunities, unit_of_work, visibility
from engine.service.context import ServiceContext
from engine.service.external_tasks import _plain_variables as plain_variables
from engine.service.message_rows import PENDING, matches
from engine.service.unattended import apply_unattended_step
from engine.service.unit_of_work import Session
from engine.store import messages as store
from engine.store.db import RowsChangedError
from engine.store import opportunities as opportunity_store
from engine.store import people
from engine.store.events import record_event
from engine.store.external_task_models import WorkerToken
from engine.store.message_models import BufferedMessage
from engine.store.models import Opportunity, User
from engine.views.external_tasks import WorkerView
from engine.views.messages import Correlation, MessageSent

MAX_BUFFER_SECONDS = 30 * 24 * 3600
MAX_ROUNDS = 50  # messages thrown from deal to deal in one transaction, at most


def send_message(ctx: ServiceContext, message: str, correlation: Correlation, variables: Mapping[str, object],
                 *, buffer_seconds: int | None = None, actor: str | None = None, worker: WorkerView | None = None,
                 deal: Mapping[str, object] | None = None) -> MessageSent:
    """Deliver ``message`` with ``variables`` to every deal ``correlation`` names that
    waits for it. Sent by ``actor`` (a designer or admin; None from the command line,
    whose user has the database) or by ``worker`` (a worker token naming the topic
    ``message:NAME``). ``deal`` (title, amount, currency, partner, attributes): the
    new deal a message start event opens when nothing waits."""
    message = inputs.text(message, "name", limit=200)
    variables = plain_variables(variables or {})
    errors = {}
    given = correlation.given()
    if len(given) > 1:
        errors["correlation"] = "name one of: a deal id, a business key, a variable, a correlation key"
    if correlation.deal_id is not None and not inputs.is_record_id(correlation.deal_id):
        errors["correlation.opportunityId"] = "an opportunity id"
    if correlation.business_key is not None:
        inputs.text(correlation.business_key, "correlation.businessKey", limit=200)
    if correlation.variable is not None:
        name, value = correlation.variable
        inputs.text(name, "correlation.variable.name", limit=200)
        inputs.storable_data(value, "correlation.variable.value")
    if correlation.key is not None:
        inputs.text(correlation.key, "correlation.correlationKey", limit=200)
    if buffer_seconds is not None:
        if not isinstance(buffer_seconds, int) or isinstance(buffer_seconds, bool) \
                or not 1 <= buffer_seconds <= MAX_BUFFER_SECONDS:
            errors["bufferSeconds"] = f"a whole number of seconds from 1 to {MAX_BUFFER_SECONDS}"
        elif not given:
            errors["bufferSeconds"] = "a buffered message needs a correlation (deal id, business key, variable or correlation key)"
    if errors:
        raise FormError(errors)
    sender = f"worker {worker.name}" if worker is not None else f"user {actor}" if actor else "the command line"

    def work(session: Session) -> MessageSent:
        actor_id = _authorize(session, message, actor, worker)
        now = ctx.now()
        store.expired(session, now)  # housekeeping: buffered messages whose time ran out
        candidates = _candidates(session, message, correlation)
        delivered = [deal_id for deal_id in candidates
                     if _deliver(ctx, session, deal_id, message, variables, correlation, actor_id, sender)]
        if delivered:
            return MessageSent(message, tuple(delivered))
        if buffer_seconds is not None:
            store.hold_name(session, message)
            if set(_candidates(session, message, correlation)) - set(candidates):  # began waiting meanwhile
                raise RowsChangedError("a deal began to wait for the message meanwhile")  # run again: deliver
            row = BufferedMessage(
                message=message, opportunity_id=correlation.deal_id, business_key=correlation.business_key,
                variable_name=correlation.variable[0] if correlation.variable else None,
                variable_value=correlation.variable[1] if correlation.variable else None,
                correlation_key=correlation.key,
                variables=variables, sent_by=sender[:120], created_at=now,
                expires_at=now + timedelta(seconds=buffer_seconds))
            session.add(row)
            session.flush()
            return MessageSent(message, (), buffered_id=row.id, expires_at=row.expires_at)
        return MessageSent(message, ())

    sent = unit_of_work.run(ctx, work, changed="another sender delivered a message to the same deal at the same "
                                               "time; send it again")
    if sent.delivered_to or sent.buffered_id is not None:
        return sent
    opened = _open_by_message_start(ctx, message, variables, actor, worker, deal, sender) if not given else None
    if opened is not None:
        return opened
    raise NotFoundError(_nothing_waits(message, correlation, deal is not None))


def deliver_pending(ctx: ServiceContext, session: Session) -> None:
    """What the use case's steps left (``message_rows``): a buffered message for a wait
    that began, a message thrown out of a deal. Delivering may leave more; at most
    MAX_ROUNDS rounds."""
    if not session.info.get(PENDING):
        return
    for _ in range(MAX_ROUNDS):
        pending = session.info.pop(PENDING, [])
        if not pending:
            return
        for kind, opportunity_id, detail in pending:
            if kind == "waits":
                _deliver_buffered(ctx, session, opportunity_id, set(detail))
            else:
                _forward_thrown(ctx, session, opportunity_id, detail)
    session.info.pop(PENDING, None)  # a ping-pong between deals stops here


def waiting_messages(ctx: ServiceContext, opportunity_id: int) -> tuple[str, ...]:
    """The messages a deal waits for now, by name (for a test worker, a scenario)."""
    with unit_of_work.quick_read(ctx) as session:
        return tuple(sorted({w.message for w in store.waits_of(session, opportunity_id)}))


def expire_buffered(ctx: ServiceContext) -> int:
    """Drop buffered messages whose time ran out undelivered (the worker's sweep); how many."""
    return unit_of_work.run(ctx, lambda session: store.expired(session, ctx.now()))


# --- internals ---------------------------------------------------------------------

def _authorize(session: Session, message: str, actor: str | None, worker: WorkerView | None) -> int | None:
    return authorize_sender(session, "message", message, actor, worker)


def authorize_sender(session: Session, kind: str, name: str, actor: str | None,
                     worker: WorkerView | None) -> int | None:
    """Who may send a message or signal (``kind``) called ``name``: a worker token naming
    the topic ``kind:name``, a designer or an admin, or the command line (no actor);
    the sending user's id."""
    if worker is not None:
        if f"{kind}:{name}" not in worker.topics:
            raise PermissionDeniedError(f"worker token '{worker.name}' may not send {kind} '{name}'; create "
                                        f"one with --topic {kind}:{name}")
        return None
    if actor is None:
        return None
    row = people.user(session, actor)
    policy.require(policy.may_deploy(visibility.actor_of(session, row)),
                   f"user '{actor}' may not send {kind}s (designers, admins and worker tokens do)")
    return row.id


def _candidates(session: Session, message: str, correlation: Correlation) -> list[int]:
    if not correlation.given():
        return []  # no correlation: only a message start event takes it
    rows = store.waiting(session, message, correlation.deal_id, correlation.business_key, correlation.key)
    if correlation.variable is not None:
        rows = [r for r in rows if _has(r.variables, correlation.variable)]
    return sorted({r.opportunity_id for r in rows})


def _has(data: Mapping | None, variable: tuple[str, object]) -> bool:
    name, value = variable
    return isinstance(data, Mapping) and name in data and data[name] == value


def _deliver(ctx: ServiceContext, session: Session, deal_id: int, message: str, variables: dict,
             correlation: Correlation | None, actor_id: int | None, sender: str, *, lenient: bool = False) -> bool:
    """Lock the deal, re-read its waits; deliver if it still waits for ``message``
    (matching ``correlation``'s variable); False if not. ``lenient``: variables the
    deal's process does not know are left out (a message thrown by another deal)
    instead of refused."""
    opportunity = opportunity_store.lock_opportunity(session, deal_id)
    if opportunity.status != "open":
        return False
    waits = [w for w in store.waits_of(session, deal_id) if w.message == message]
    if correlation is not None and correlation.variable is not None:
        waits = [w for w in waits if _has(w.variables, correlation.variable)]
    if correlation is not None and correlation.key is not None:
        waits = [w for w in waits if w.correlation_key == correlation.key]
    if not waits:
        return False
    version, methodology = ctx.catalog.version(session, opportunity.methodology_version_id)
    known = _known_variables(methodology, waits)
    if lenient:
        variables = {k: v for k, v in variables.items() if k in known}
    else:
        _check_variables(known, variables)
    runner = ctx.catalog.runner(session, version.id)
    now = ctx.now()
    got = runner.deliver_message(opportunity.workflow_state, message, dict(variables), now)
    if got is None:
        return False
    state, result = got
    if result.error is not None:
        raise ConflictError(f"opportunity {deal_id}: the step after message '{message}' fails at "
                            f"'{result.error.node_id}': {result.error.message}; nothing was delivered")
    record_event(session, opportunity, "message_received", actor_id, now, message=message, sender=sender,
                 nodes=sorted({w.node_id for w in waits}))
    apply_unattended_step(session, opportunity, methodology, ctx.catalog.lanes(session, methodology.id),
                          state, result, lambda: runner.data(state), now, form=variables)
    return True


def _known_variables(methodology, waits) -> set[str]:
    """Names a message may set: what the process reads or declares (form fields,
    external tasks' outputs) and the data the deal already holds where it waits."""
    known = set(settable(methodology.process))
    for wait in waits:
        known |= set(wait.variables or {})
    return known


def _check_variables(known: set[str], variables: Mapping[str, object]) -> None:
    errors = {f"variables.{name}": (f"the process neither reads nor declares '{name}'; known: "
                                    f"{', '.join(sorted(known)) or 'none'}")
              for name in variables if name not in known}
    if errors:
        raise FormError(errors)


def _deliver_buffered(ctx: ServiceContext, session: Session, opportunity_id: int, names: set[str]) -> None:
    """A deal began to wait for ``names``: the oldest live buffered message of each
    that is for this deal goes to it."""
    for row in store.live_buffered(session, names, ctx.now()):
        opportunity = session.get(Opportunity, opportunity_id)
        waits = store.waits_of(session, opportunity_id)
        if not matches(row, opportunity, waits) or not any(w.message == row.message for w in waits):
            continue
        correlation = Correlation(variable=(row.variable_name, row.variable_value)) if row.variable_name else None
        if _deliver(ctx, session, opportunity_id, row.message, dict(row.variables or {}), correlation, None,
                    f"{row.sent_by} (buffered)", lenient=True):
            row.delivered_at, row.delivered_to = ctx.now(), opportunity_id


def _forward_thrown(ctx: ServiceContext, session: Session, opportunity_id: int, thrown) -> None:
    """A message deal ``opportunity_id`` threw that nothing in it caught: to the other
    open deals with its business key waiting for it; recorded on the thrower."""
    thrower = session.get(Opportunity, opportunity_id)
    key = store.business_key_of(thrower.attributes)
    reached = []
    if key is not None:
        for deal_id in _candidates(session, thrown.message, Correlation(business_key=key)):
            if deal_id != opportunity_id and _deliver(ctx, session, deal_id, thrown.message, thrown.variables, None,
                                                      None, f"opportunity {opportunity_id}", lenient=True):
                reached.append(deal_id)
    record_event(session, thrower, "message_sent", None, ctx.now(), message=thrown.message, business_key=key,
                 delivered_to=reached)


def _open_by_message_start(ctx: ServiceContext, message: str, variables: dict, actor: str | None,
                           worker: WorkerView | None, deal: Mapping[str, object] | None,
                           sender: str) -> MessageSent | None:
    """A new deal, routed like any other, whose methodology starts on ``message``;
    None when the routed methodology has no such start (or no deal was described)."""
    if deal is None:
        return None
    opener = actor if worker is None else _token_creator(ctx, worker)
    if opener is None:
        raise FormError({"deal": "the command line opens a deal as a user: name one with --as USER"})
    fields = {k: deal.get(k) for k in ("title", "amount", "currency", "partner", "attributes")
              if deal.get(k) is not None}
    preview = opportunities.preview_opportunity(ctx, actor=opener, **_asked(fields))

    def starts(session: Session) -> bool:
        version, _ = ctx.catalog.newest(session, preview.methodology_id, preview.version_label)
        return message in ctx.catalog.runner(session, version.id).message_starts()

    with unit_of_work.read(ctx) as session:
        if not starts(session):
            return None
    now = ctx.now()

    def work(session: Session) -> MessageSent:
        # one transaction: a deal whose message cannot be delivered (variables refused,
        # the segment's methodology changed since the preview) is not left behind
        opened = opportunities.open_in(ctx, session, actor=opener, now=now, **_asked(fields))
        user = people.user(session, opener)
        if not _deliver(ctx, session, opened.id, message, variables, None, user.id, sender):
            raise ConflictError(f"no deal was opened: the methodology its segment follows now does not start on "
                                f"'{message}' (it changed meanwhile)")
        return MessageSent(message, (opened.id,), opened=opened.id)

    return unit_of_work.run(ctx, work, changed=opportunities.SEGMENT_RACE)


def _asked(fields: dict) -> dict:
    """create_opportunity's arguments (preview_opportunity takes them all)."""
    return dict(title=fields.get("title"), amount=fields.get("amount"), partner=fields.get("partner"),
                attributes=fields.get("attributes"), currency=fields.get("currency") or "PLN",
                partner_attributes=None, owner=None, partner_id=None, expected_close_date=None)


def _token_creator(ctx: ServiceContext, worker: WorkerView) -> str | None:
    with unit_of_work.quick_read(ctx) as session:
        token = session.get(WorkerToken, worker.id)
        creator = session.get(User, token.created_by_id) if token and token.created_by_id else None
        return creator.username if creator is not None else None


def _nothing_waits(message: str, correlation: Correlation, described: bool) -> str:
    if correlation.deal_id is not None:
        whom = f"opportunity {correlation.deal_id} does not wait"
    elif correlation.business_key is not None:
        whom = f"no open deal with business key '{correlation.business_key}' waits"
    elif correlation.variable is not None:
        whom = f"no open deal with {correlation.variable[0]} = {correlation.variable[1]!r} waits"
    elif correlation.key is not None:
        whom = f"no open deal with correlation key '{correlation.key}' waits"
    else:
        whom = ("no methodology a new deal of this kind is routed to starts" if described else
                "no correlation given (deal id, business key, variable or correlation key), and no deal "
                "described to open")
    return f"{whom} for message '{message}'; ask for it to be buffered (bufferSeconds) if it may come first"
