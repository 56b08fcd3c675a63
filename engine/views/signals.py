"""What broadcasting a signal gives back: the deals whose waiting catch took it, and
those whose process failed at the step after it (they did not take it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SignalSent:
    signal: str
    delivered_to: tuple[int, ...]  # the deals whose waiting catch took it, in id order
    failed: tuple[tuple[int, str], ...] = ()  # (deal, why): the step after the signal fails; left as it was
