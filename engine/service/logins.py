"""Login throttling and login sessions that end on the server.

Throttling: before a password is checked, the account's and the client address's
rows say whether attempts are refused for now (TooManyAttemptsError with the seconds
to wait); a failure counts in both and may start a wait (engine.rules.throttling
decides how long); a success forgets the account's failures. The rows are in the
database, so all gunicorn workers count the same failures. Every failure and every
refused attempt is logged as a warning naming the account and the address.

Sessions: each user has a session generation, part of the id the web app puts in its
session cookie; ending the user's sessions (logging out, a new password) counts it up,
so a copy of any earlier cookie no longer names a session."""

from __future__ import annotations

import logging

from engine.errors import ConflictError, NotFoundError, TooManyAttemptsError
from engine.rules import throttling
from engine.service import unit_of_work
from engine.service.context import ServiceContext
from engine.service.unit_of_work import Session
from engine.store import logins
from engine.store.models import LoginThrottle

log = logging.getLogger("dealflow.security")

UNKNOWN_ADDRESS = "unknown"
LOGGED_NAME = 100  # characters of a typed username a log line shows (it may be 10 kB)


def _keys(username: str, address: str | None) -> list[tuple[str, throttling.Limit]]:
    keys = [(logins.key("account", username.lower()), throttling.ACCOUNT)]  # 'Rep1' is 'rep1''s account
    if address:
        keys.append((logins.key("address", address), throttling.ADDRESS))
    return keys


def check(ctx: ServiceContext, username: str, address: str | None) -> None:
    """TooManyAttemptsError while the account or the address must wait."""
    now = ctx.now()
    with unit_of_work.quick_read(ctx) as session:
        until = logins.blocked_until(session, [k for k, _ in _keys(username, address)])
    wait = throttling.seconds_left(until, now)
    if wait:
        log.warning("login refused for account %r from %s: throttled for %d more seconds",
                    username[:LOGGED_NAME], address or UNKNOWN_ADDRESS, wait)
        raise TooManyAttemptsError(f"too many failed logins; try again in {wait} seconds", wait)


def failed(ctx: ServiceContext, username: str, address: str | None) -> None:
    """Count a failed login for the account and the address, and log it."""
    now = ctx.now()
    counts = {}

    def work(session: Session) -> None:
        oldest = now - max(throttling.ACCOUNT.forget, throttling.ADDRESS.forget)
        logins.forget_before(session, oldest)
        for key, limit in _keys(username, address):
            row = logins.locked(session, key)
            if row is None:
                row = LoginThrottle(key=key, failures=0, last_failure_at=now)
                session.add(row)
            row.failures = throttling.failures_so_far(limit, row.failures, row.last_failure_at, now) + 1
            row.last_failure_at = now
            wait = throttling.wait_after(limit, row.failures)
            row.blocked_until = now + wait if wait else None
            counts[limit] = row.failures
            session.flush()

    try:
        unit_of_work.run(ctx, work)
    except ConflictError:  # another worker added the same row first: it is there now
        unit_of_work.run(ctx, work)
    log.warning("failed login for account %r from %s (%d in a row for the account, %d from the address)",
                username[:LOGGED_NAME], address or UNKNOWN_ADDRESS, counts[throttling.ACCOUNT],
                counts.get(throttling.ADDRESS, 0))


def succeeded(ctx: ServiceContext, username: str) -> None:
    """The account's failures are forgotten (the address's are not: see rules.throttling)."""
    unit_of_work.run(ctx, lambda session: logins.forget(session, logins.key("account", username.lower())))


def session_generation(ctx: ServiceContext, username: str) -> int:
    """The user's current session generation; NotFoundError for no active user."""
    with unit_of_work.quick_read(ctx) as session:
        generation = logins.session_generation(session, username)
    if generation is None:
        raise NotFoundError(f"no user '{username}'")
    return generation


def end_sessions(ctx: ServiceContext, username: str) -> None:
    """Every login session of the user ends, on every device and worker."""
    unit_of_work.run(ctx, lambda session: logins.next_session_generation(session, username))
