"""Due dates of user tasks, as modelers write them in ``camunda:dueDate``: an ISO 8601
duration counted from when the task becomes ready (``P3D``, ``PT4H``), or an ISO
date-time (``2026-12-01T10:00:00Z``; without a zone it is UTC). Pure."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from engine.expressions.functions import FUNCTIONS


def problem_with(text: str) -> str | None:
    """Why ``text`` is not a due date Dealflow understands, or None."""
    try:
        due_at(text, datetime(2000, 1, 1, tzinfo=timezone.utc))
    except ValueError as err:
        return str(err)
    return None


def due_at(text: str | None, now: datetime) -> datetime | None:
    if text is None or not text.strip():
        return None
    text = text.strip()
    if text.upper().startswith("P"):
        duration: timedelta = FUNCTIONS["duration"].impl(text)
        return now + duration
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"due date {text!r} is neither an ISO 8601 duration (P3D, PT4H) nor a "
                         "date-time (2026-12-01T10:00:00Z)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)
