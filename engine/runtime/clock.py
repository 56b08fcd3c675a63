"""The time SpiffWorkflow's timers see, set per call instead of read from the wall clock.

SpiffWorkflow's timer event definitions call ``datetime.now(timezone.utc)`` both
when a timer starts waiting (to compute its due time) and when it is refreshed (to
decide whether it fired). Importing this module once replaces the ``datetime`` name
in that one SpiffWorkflow module with a stand-in whose ``now()`` returns the time
set by ``frozen_now`` in the current context — a ``ContextVar``, so threads and
asyncio tasks each see their own — and the real clock outside it. Everything else
(``fromisoformat``, ``isinstance`` checks) is the real ``datetime``, so no foreign
subclass ever reaches task data or the serializer.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone
from functools import cache
from typing import Callable, Iterator

from SpiffWorkflow.bpmn.specs.event_definitions import timer as _spiff_timer

from engine.expressions.functions import COMPANY_ZONE, CURRENT_TIME, CURRENT_USER

_NOW: ContextVar[datetime | None] = ContextVar("dealflow_now", default=None)


def require_aware(now: datetime) -> datetime:
    """``now`` as UTC; a naive datetime is a programming error (whose local time?)."""
    if not isinstance(now, datetime) or now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"now must be a timezone-aware datetime, got {now!r}")
    return now.astimezone(timezone.utc)


@contextmanager
def frozen_now(now: datetime) -> Iterator[datetime]:
    """Within the block, SpiffWorkflow's timers and the expressions' now() and today()
    take ``now`` as the current time."""
    token = _NOW.set(require_aware(now))
    expressions_token = CURRENT_TIME.set(_NOW.get())
    try:
        yield _NOW.get()
    finally:
        CURRENT_TIME.reset(expressions_token)
        _NOW.reset(token)


@contextmanager
def company_zone(zone: str | Callable[[], str]) -> Iterator[None]:
    """Within the block, the expressions' today() is the day in the company's time zone
    (an IANA name) and datetime(date) that day's midnight there: ``zone``, or what
    ``zone()`` gives — asked at most once, and only if an expression calls today() or
    datetime() of a date. now() stays the UTC instant ``frozen_now`` set."""
    token = COMPANY_ZONE.set(zone if isinstance(zone, str) else cache(zone))
    try:
        yield
    finally:
        COMPANY_ZONE.reset(token)


@contextmanager
def acting_user(username: str | None) -> Iterator[None]:
    """Within the block, the expressions' get_current_user() gives ``username``."""
    token = CURRENT_USER.set(username)
    try:
        yield
    finally:
        CURRENT_USER.reset(token)


class _ClockMeta(type):
    """Makes the stand-in behave as the ``datetime`` class for everything but ``now``."""

    def __getattr__(cls, name):
        return getattr(datetime, name)

    def __instancecheck__(cls, obj):
        return isinstance(obj, datetime)

    def __subclasscheck__(cls, sub):
        return issubclass(sub, datetime)


class _ClockDatetime(metaclass=_ClockMeta):
    def __new__(cls, *args, **kwargs):
        return datetime(*args, **kwargs)

    @staticmethod
    def now(tz=None) -> datetime:
        fixed = _NOW.get()
        if fixed is None:
            return datetime.now(tz)
        return fixed.astimezone(tz) if tz is not None else fixed.astimezone().replace(tzinfo=None)


def _install() -> None:
    if _spiff_timer.datetime is datetime:
        _spiff_timer.datetime = _ClockDatetime
    elif _spiff_timer.datetime is not _ClockDatetime and \
            getattr(_spiff_timer.datetime, "__name__", "") != "_ClockDatetime":
        raise RuntimeError("SpiffWorkflow's timer module has an unexpected datetime; "
                           "check the pinned SpiffWorkflow version")


_install()
