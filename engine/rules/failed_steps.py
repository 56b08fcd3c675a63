"""Whether a deal's failed step still waits to be retried, decided on plain data.

A step that fails keeps nothing of itself; the deal shows the error and remembers the
step (``failed_step``: its ``kind`` and, for a person's step, the ``task``) so that a
retry runs it again. In a process with parallel branches other steps go on meanwhile:
they must not make the deal forget a failed step that can still be retried — its
task still ready, its timer still due — or its person would have to redo it and meet
the same failure. A deal keeps one failed step:

- a person's failed step (a completion, or an error or escalation reported on a task)
  is kept until it is run again successfully or its task is no longer ready;
- a later failure of a person's step replaces it: that person was just told their
  answers are kept with the deal's error, and the earlier one stays in the history
  (``displaced``: the new error says so — a deal keeps one failed step);
- a failure nobody is waiting on — a timer, a worker's answer — does not replace a
  person's failed step still waiting: it is recorded, and the timers are held
  (``timers_held``) until that step is settled, so they are not fired again and again;
- while a deal keeps a failed timer or engine step (or holds timers behind a
  person's), none of its timers fires (the sweep would fail on it again); while it
  keeps only a person's failed step, the other branches' timers fire as usual.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

# The failed steps of a person on a task: retried while that task is ready.
TASK_KINDS = frozenset({"complete", "task_error", "task_escalation"})
TIMERS = "timers"


def same_step(kept: dict | None, step: dict | None) -> bool:
    """Whether ``step`` (what is being run now, in ``failed_step``'s shape) is the
    kept failed step run again: the same kind on the same task (or no task)."""
    return kept is not None and step is not None and kept.get("kind") == step.get("kind") \
        and kept.get("task") == step.get("task")


def still_pending(kept: dict | None, ready_task_ids: Iterable[str], timer_dues: Iterable[datetime],
                  now: datetime) -> bool:
    """Whether the kept failed step can still be retried as the workflow stands now:
    its task is still ready, or (a timer's) a timer is still due. A start or a
    worker's answer that failed (kind 'engine' or none) is settled by any step that
    runs: it has nothing of its own to wait on."""
    kind = (kept or {}).get("kind")
    if kind in TASK_KINDS:
        return kept.get("task") in set(ready_task_ids)
    if kind == TIMERS:
        return any(due < now for due in timer_dues)  # due means strictly before now, as the sweep
    return False


def holds_timers(kept: dict | None) -> bool:
    """Whether a deal keeping the failed step ``kept`` holds its timers back."""
    return (kept or {}).get("kind") not in TASK_KINDS or bool(kept.get("timers_held"))


def replaces(kept: dict | None, step: dict | None, kept_pending: bool) -> bool:
    """Whether the failure of ``step`` becomes the deal's failed step in place of
    ``kept`` (``kept_pending``: ``still_pending`` of it before this step)."""
    if kept is None or not kept_pending or same_step(kept, step):
        return True
    return (step or {}).get("kind") in TASK_KINDS or kept.get("kind") not in TASK_KINDS


def displaced(kept: dict | None, step: dict | None, kept_pending: bool) -> dict | None:
    """The person's failed step ``kept``, still waiting for its retry, that the failure
    of another person's ``step`` replaces (its answers then live only in the history,
    and its person does it again); None when nothing of the kind is lost."""
    if kept is None or not kept_pending or same_step(kept, step):
        return None
    return kept if kept.get("kind") in TASK_KINDS and (step or {}).get("kind") in TASK_KINDS else None


def held_behind(kept: dict) -> dict:
    """``kept`` noting that timers failed behind it: they stay held until it is settled."""
    return {**kept, "timers_held": True}


def replacing(kept: dict | None, step: dict | None) -> dict | None:
    """``step`` as the new failed step; it goes on holding the timers ``kept`` held
    (a failed timer waits behind it rather than failing again at the next sweep) —
    also when it is ``kept`` run again and failing again: a retry that fails must not
    let the timer that failed behind it fire (and fail) at the next step."""
    if step is not None and kept is not None and holds_timers(kept) and step.get("kind") in TASK_KINDS:
        return held_behind(step)
    return step
