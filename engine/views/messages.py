"""What sending a message gives back: the deals it reached, the deal a message start
event opened, or the buffered message kept until a deal waits for it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.views.external_tasks import ExternalTaskView


@dataclass(frozen=True)
class MessageSent:
    message: str
    delivered_to: tuple[int, ...]  # the deals whose waiting catch took it, in id order
    opened: int | None = None  # the deal a message start event opened (also in delivered_to)
    buffered_id: int | None = None  # kept: nothing waited yet
    expires_at: datetime | None = None  # when a buffered message is dropped undelivered


@dataclass(frozen=True)
class Correlation:
    """Which deals a message is for: one deal, the deals with a business key (their
    ``business_key`` attribute), or those whose waiting catch's data holds a variable
    with a value, or Camunda 8's correlation key (what the catch's
    ``zeebe:subscription correlationKey`` gave). None of them: only a message start
    event takes it."""

    deal_id: int | None = None
    business_key: str | None = None
    variable: tuple[str, object] | None = None
    key: str | None = None

    def given(self) -> list:
        return [c for c in (self.deal_id, self.business_key, self.variable, self.key) if c is not None]


@dataclass(frozen=True)
class MessageWaitView:
    """A message a deal's process waits for now, as its page shows it."""

    message: str
    node_id: str
    node_name: str  # the catch as the designer named it (its id when unnamed)
    since: datetime
    correlation_key: str | None  # Camunda 8's key, when its subscription declares one and it gave one
    key_problem: str | None = None  # why a declared key gave none: a sender's key cannot reach this wait


@dataclass(frozen=True)
class DealWaitsView:
    """What a deal's process waits for from outside: messages and workers' tasks."""

    messages: tuple[MessageWaitView, ...]  # oldest wait first
    external_tasks: tuple[ExternalTaskView, ...]  # open ones (incidents are listed apart)
