"""How long a login must wait after failed attempts: pure arithmetic over a count of
failures in a row and the moment of the last one (the store keeps them, one row per
account and one per client address; the service asks before checking a password).

Per account, the first few mistakes cost nothing; each one after doubles the wait,
capped at a few minutes, so an attacker gets a handful of guesses an hour while the
real user is never locked out for longer than the cap after the attacker stops; a
successful login forgets the account's failures. Per address the threshold is higher
(a shared office address, several people mistyping) and the cap longer, and a success
does not reset it — else an attacker could reset it by logging into an account of
their own between guesses. A quiet spell (``forget``) starts either count again."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Limit:
    """``free`` failures in a row are answered at once; the next waits ``first``,
    each one after twice as long, never more than ``cap``; after ``forget`` without a
    failure the count starts again."""

    free: int
    first: timedelta
    cap: timedelta
    forget: timedelta


ACCOUNT = Limit(free=5, first=timedelta(seconds=2), cap=timedelta(minutes=5), forget=timedelta(hours=1))
ADDRESS = Limit(free=20, first=timedelta(seconds=2), cap=timedelta(minutes=10), forget=timedelta(hours=1))


def failures_so_far(limit: Limit, failures: int, last_failure: datetime | None, now: datetime) -> int:
    """The failures that still count: none after a quiet spell of ``limit.forget``."""
    if last_failure is None or now - last_failure >= limit.forget:
        return 0
    return failures


def wait_after(limit: Limit, failures: int) -> timedelta:
    """How long to refuse attempts after the ``failures``-th failure in a row."""
    if failures < limit.free:
        return timedelta(0)
    doublings = min(failures - limit.free, 30)  # 2**30 seconds is past any cap
    return min(limit.cap, limit.first * 2 ** doublings)


def seconds_left(blocked_until: datetime | None, now: datetime) -> int:
    """Whole seconds until attempts are answered again (Retry-After); 0 if they are."""
    if blocked_until is None or blocked_until <= now:
        return 0
    return max(1, math.ceil((blocked_until - now).total_seconds()))
