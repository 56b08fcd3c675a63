"""What a deal's process waits for from outside Dealflow: the messages its catches
wait for (with Camunda 8's correlation key, or why a declared key gave none) and the
external tasks workers have yet to complete. Without this a deal that waits looks
idle: nobody can tell whether the ERP's message is late or can never reach it."""

from __future__ import annotations

from engine.service import unit_of_work, visibility
from engine.service.context import ServiceContext
from engine.service.external_tasks import task_view
from engine.store import external_tasks as external_store
from engine.store import messages as message_store
from engine.store import people
from engine.store.models import Opportunity
from engine.views.messages import DealWaitsView, MessageWaitView


def deal_waits(ctx: ServiceContext, viewer: str, opportunity_id: int) -> DealWaitsView:
    """The outside waits of a deal ``viewer`` may see (incidents are listed apart)."""
    missing = f"no opportunity {opportunity_id}"
    with unit_of_work.read(ctx) as session:
        actor = people.user(session, viewer)
        opportunity = session.get(Opportunity, visibility.known_id(opportunity_id, missing))
        visibility.check_sees(session, actor, opportunity, missing)
        rows = message_store.waits_of(session, opportunity.id)
        messages = ()
        if rows:
            runner = ctx.catalog.runner(session, opportunity.methodology_version_id)
            _, methodology = ctx.catalog.version(session, opportunity.methodology_version_id)
            messages = tuple(_message_view(row, runner, methodology) for row in rows)
        external = tuple(task_view(row) for row in external_store.live_rows(session, opportunity.id)
                         if row.status == "open")
        return DealWaitsView(messages=messages, external_tasks=external)


def _message_view(row, runner, methodology) -> MessageWaitView:
    node = methodology.process.nodes.get(row.node_id)  # a called process's catch: shown by its id
    # The stored key is the one senders match; only a wait without one is evaluated
    # again, to say why it has none.
    problem = None if row.correlation_key else runner.correlation_key(row.message, dict(row.variables or {}))[1]
    return MessageWaitView(message=row.message, node_id=row.node_id,
                           node_name=(node.name or node.id) if node is not None else row.node_id,
                           since=row.created_at, correlation_key=row.correlation_key, key_problem=problem)
