"""What the external-task use cases return: a task as a worker or a designer sees it,
and the worker a token names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class WorkerTokenView:
    """A worker token as an admin lists it (the token itself is never kept)."""

    id: int
    name: str
    topics: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class WorkerView:
    """The worker an API token names, and the topics it may fetch."""

    id: int
    name: str
    topics: tuple[str, ...]


@dataclass(frozen=True)
class ExternalTaskView:
    id: str
    opportunity_id: int
    node_id: str
    name: str
    topic: str | None
    status: str  # open, incident, completed, cancelled
    variables: dict
    retries: int
    worker_id: str | None
    lock_expires_at: datetime | None
    error_message: str | None
    created_at: datetime
    may_retry: bool = False  # the viewer may retry it (an incident; designers and admins)
