"""What the commands share: opening the engine, KEY=VALUE arguments, a user's mistake
as one line, and the methodologies folder a command reads."""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, NoReturn

import click

from engine import Engine

DEFAULT_PATH = "methodologies"


def open_engine(*, fire_due_timers: bool = True, now: str | None = None) -> Engine:
    """The engine of DEALFLOW_DATABASE_URL (default: SQLite dealflow.db). On the
    embedded SQLite default every command first fires the timers that are due, unless
    told not to (the worker fires them itself, and reports how many).

    ``now`` (else DEALFLOW_NOW), an ISO 8601 date-time: the engine's clock starts
    there and runs on, for an operator replaying a sweep as of a past moment."""
    now = now or os.environ.get("DEALFLOW_NOW")
    engine = Engine(clock=replay_clock(now)) if now else Engine()
    context = click.get_current_context(silent=True)
    if context is not None:
        # Return the pool's connections when the command ends: a command left them to
        # the garbage collector, which PostgreSQL logs as an unexpected disconnect.
        context.call_on_close(engine.close)
    if fire_due_timers and engine.url.startswith("sqlite"):
        # The embedded default has no worker: each command first fires what is due
        # (an indexed query when nothing is), so timers work without one.
        engine.fire_due_timers()
    return engine


def replay_clock(text: str) -> Callable[[], datetime]:
    """A clock that reads ``text`` (a date-time; without a zone, UTC) now and runs on
    from there; a text that is no date-time is the user's one-line mistake."""
    start = _moment(text)
    started = time.monotonic()
    return lambda: start.astimezone(timezone.utc) + timedelta(seconds=time.monotonic() - started)


def simulation_start() -> datetime | None:
    """DEALFLOW_NOW as the moment a simulation's virtual clock starts at (None: the
    real now), so ``simulate`` and ``test`` replay a day as every other command does —
    and a scenario's outcome need not depend on the date it is run."""
    text = os.environ.get("DEALFLOW_NOW")
    return _moment(text).astimezone(timezone.utc) if text else None


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        fail(f"--now: '{text}' is not a date-time such as 2026-12-01T09:00:00Z")
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def fail(message: str) -> NoReturn:
    """A user's mistake: one line on stderr, exit code 1."""
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def existing(path: str, what: str = "methodologies folder") -> str:
    """``path`` when something is there, else the one-line mistake (instead of the
    loader's ``path:1: no such file or folder``)."""
    if not Path(path).exists():
        fail(f"no {what} at {path}")
    return path


def pairs(values: tuple[str, ...], what: str) -> dict[str, str]:
    result = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"'{item}' is not KEY=VALUE", param_hint=what)
        result[key] = value
    return result


def data_and_pairs(values: tuple[str, ...], data_json: str | None) -> dict:
    """A command's ``--data`` JSON object, with its KEY=VALUE arguments on top."""
    data = {}
    if data_json:
        try:
            data = json.loads(data_json)
        except json.JSONDecodeError as err:
            raise click.BadParameter(f"not JSON: {err.msg}", param_hint="--data") from None
        if not isinstance(data, dict):
            raise click.BadParameter("must be a JSON object", param_hint="--data")
    data.update(pairs(values, "KEY=VALUE"))
    return data
