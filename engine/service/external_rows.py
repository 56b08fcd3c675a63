"""Keeping a deal's external_tasks rows in step with its workflow (called by
``progress.apply_step`` after every step, in its transaction)."""

from __future__ import annotations

from datetime import datetime
from typing import Mapping

from engine.methodology import service_tasks
from engine.runtime.step import StepResult
from engine.service.unit_of_work import Session
from engine.store import external_tasks as store
from engine.store.external_task_models import ExternalTask
from engine.store.models import Opportunity


def sync_rows(session: Session, opportunity: Opportunity, result: StepResult, topics: Mapping[str, str],
              now: datetime) -> None:
    """external_tasks rows for exactly the READY external tasks of ``result``: new ones
    added (an implementation the routing maps to no topic is an incident at once),
    the ones no longer waiting (a boundary event took the token) cancelled."""
    waiting = {w.task_id: w for w in result.external} if opportunity.status != "lost" else {}
    for row in store.live_rows(session, opportunity.id):
        if row.id not in waiting:
            row.status, row.completed_at = "cancelled", now
        waiting.pop(row.id, None)
    for wait in waiting.values():
        impl = wait.implementation
        topic = service_tasks.topic_for(impl, topics)
        session.add(ExternalTask(
            id=wait.task_id, opportunity_id=opportunity.id, node_id=wait.node_id, name=wait.name[:300],
            topic=topic, status="open" if topic else "incident", variables=wait.variables,
            retries=impl.retries, created_at=now,
            error_message=None if topic else (f"{impl.how}=\"{impl.value}\" is mapped to no topic; add it to the "
                                              "routing file's integration: topics and retry")))
