"""Signals from outside (docs/integration.md): ``POST /api/v1/signals`` and ``dealflow
signal send`` broadcast a named signal, as Camunda's ``POST /signal`` does, to every
open deal whose process waits for it — at a signal boundary event, an intermediate
catch event or an event subprocess's signal start. A signal has no correlation: it
reaches all of them, or none (which is not an error).

The deals looked at are the open ones on a methodology version with a catch for the
signal; each is locked, in id order, and its waits re-read inside the lock before
the signal is delivered, so a signal racing a task completion or another signal on
the same deal is taken once, by the state the lock shows. Variables the signal
brings are kept for a deal only where its process reads or declares them (one
signal may reach deals of several methodologies). A deal whose process fails at the
step after the signal keeps its state and is reported as failed.
"""

from __future__ import annotations

from typing import Mapping

from engine.methodology.variables import settable
from engine.rules import inputs
from engine.service import unit_of_work
from engine.service.context import ServiceContext
from engine.service.external_tasks import _plain_variables as plain_variables
from engine.service.messages import authorize_sender
from engine.service.unattended import apply_unattended_step
from engine.service.unit_of_work import Session
from engine.store import opportunities as opportunity_store
from engine.store import signals as store
from engine.store.events import record_event
from engine.store.models import Opportunity
from engine.views.external_tasks import WorkerView
from engine.views.signals import SignalSent

CHANGED = "another change reached one of the deals the signal was for at the same time; send it again"


def send_signal(ctx: ServiceContext, signal: str, variables: Mapping[str, object] | None = None, *,
                actor: str | None = None, worker: WorkerView | None = None) -> SignalSent:
    """Broadcast ``signal`` with ``variables`` to every open deal waiting for it; sent
    by ``actor`` (a designer or admin; None from the command line, whose user has the
    database) or by ``worker`` (a worker token naming the topic ``signal:NAME``)."""
    signal = inputs.text(signal, "name", limit=200)
    variables = plain_variables(variables or {})
    sender = f"worker {worker.name}" if worker is not None else f"user {actor}" if actor else "the command line"

    def work(session: Session) -> SignalSent:
        actor_id = authorize_sender(session, "signal", signal, actor, worker)
        delivered, failed = [], []
        for deal_id in _candidates(ctx, session, signal):
            outcome = _deliver(ctx, session, deal_id, signal, variables, actor_id, sender)
            if outcome is True:
                delivered.append(deal_id)
            elif isinstance(outcome, str):
                failed.append((deal_id, outcome))
        return SignalSent(signal, tuple(delivered), tuple(failed))

    return unit_of_work.run(ctx, work, changed=CHANGED)


def waiting_signals(ctx: ServiceContext, opportunity_id: int) -> tuple[str, ...]:
    """The signals a deal waits for now, by name (for a test worker, a scenario)."""
    with unit_of_work.quick_read(ctx) as session:
        opportunity = session.get(Opportunity, opportunity_id)
        if opportunity is None or opportunity.status != "open" or not opportunity.workflow_state:
            return ()
        runner = ctx.catalog.runner(session, opportunity.methodology_version_id)
        return runner.waiting_signals(opportunity.workflow_state, ctx.now())


def _candidates(ctx: ServiceContext, session: Session, signal: str) -> list[int]:
    """Open deals on a methodology version whose process has a catch for ``signal``."""
    return store.open_deals_on(session, [version_id for version_id in store.version_ids(session)
                                         if signal in ctx.catalog.runner(session, version_id).signal_catches()])


def _deliver(ctx: ServiceContext, session: Session, deal_id: int, signal: str, variables: dict,
             actor_id: int | None, sender: str) -> bool | str:
    """Lock the deal and deliver if it still waits for ``signal``: True; False when it
    does not wait (any more); the error when the step after the signal fails."""
    opportunity = opportunity_store.lock_opportunity(session, deal_id)
    if opportunity.status != "open" or not opportunity.workflow_state:
        return False
    version, methodology = ctx.catalog.version(session, opportunity.methodology_version_id)
    known = _known_variables(methodology)
    runner = ctx.catalog.runner(session, version.id)
    now = ctx.now()
    got = runner.deliver_signal(opportunity.workflow_state, signal,
                                {k: v for k, v in variables.items() if k in known}, now)
    if got is None:
        return False
    state, result = got
    if result.error is not None:
        return f"the step after signal '{signal}' fails at '{result.error.node_id}': {result.error.message}"
    record_event(session, opportunity, "signal_received", actor_id, now, signal=signal, sender=sender)
    apply_unattended_step(session, opportunity, methodology, ctx.catalog.lanes(session, methodology.id),
                          state, result, lambda: runner.data(state), now, form=variables)
    return True


def _known_variables(methodology) -> set[str]:
    """Names a signal may set in this methodology's process: what it reads or declares."""
    return set(settable(methodology.process))
