"""What sending a message gives back: the deals it reached, the deal a message start
event opened, or the buffered message kept until a deal waits for it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


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
