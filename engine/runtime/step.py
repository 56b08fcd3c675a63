"""What one step of a workflow gives back: Dealflow's own frozen values, no SpiffWorkflow
object, so the service layer and the store can read them without knowing the engine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from SpiffWorkflow.task import Task

from engine.errors import ExpressionError
from engine.methodology.model import FormField

__all__ = ["OutsideWaits", "ReadyTask", "StepError", "StepResult", "TimerInfo", "step_error"]


@dataclass(frozen=True)
class ReadyTask:
    task_id: str  # SpiffWorkflow's task UUID as text, stable across save and restore
    node_id: str  # the BPMN element id
    name: str
    lane: str | None
    instructions: str  # the element's bpmn:documentation
    form: tuple[FormField, ...]
    # names its assignment expressions gave, per attribute (engine.runtime.assignments),
    # and what went wrong evaluating them
    assigned: tuple[tuple[str, tuple[str, ...]], ...] = ()
    assignment_problem: str | None = None


@dataclass(frozen=True)
class TimerInfo:
    node_id: str
    due: datetime  # aware, UTC


@dataclass(frozen=True)
class StepError:
    node_id: str
    message: str


@dataclass(frozen=True)
class StepResult:
    reached: tuple[str, ...]  # node ids that became ready, started or completed, in order
    ready: tuple[ReadyTask, ...]  # every READY user task after the step
    timers: tuple[TimerInfo, ...]  # every waiting timer, earliest first
    finished: bool
    ended_at: tuple[str, ...]  # end events of the top-level process reached in this step
    error: StepError | None = None
    fired: tuple[TimerInfo, ...] = ()  # each firing of a timer in this step, with its due moment
    external: tuple = ()  # every READY external task (engine.runtime.external.ExternalWait)
    messages: tuple = ()  # every message catch waiting (engine.runtime.messages.MessageWait)
    thrown: tuple = ()  # messages thrown in this step that nothing in the workflow caught (ThrownMessage)

    @property
    def next_due(self) -> datetime | None:
        return self.timers[0].due if self.timers else None


@dataclass(frozen=True)
class OutsideWaits:
    """Whether a process (its spec and subprocesses) has nodes that wait outside the
    workflow and so have rows of their own: external tasks (``external_tasks``) and
    message catches (``message_waits``). Without them, a step of that process never
    makes those rows, and need not read them."""

    external: bool
    messages: bool


def step_error(err: Exception) -> StepError:
    task = getattr(err, "task", None) or task_in_traceback(err)
    spec = getattr(task, "task_spec", None) or getattr(err, "task_spec", None)
    node_id = (getattr(spec, "bpmn_id", None) or getattr(spec, "name", None) or "") if spec else ""
    cause = getattr(err, "exception", None) or err.__cause__
    if isinstance(cause, ExpressionError):
        message = cause.message
    elif isinstance(err, ExpressionError):
        message = err.message
    else:
        text = str(err.args[0]) if err.args else str(err)
        message = text.strip().splitlines()[0] if text.strip() else type(err).__name__
    return StepError(node_id=node_id, message=message)


def task_in_traceback(err: Exception):
    """The task SpiffWorkflow was working on when a bare exception escaped it (its
    timer parsing raises ``Exception('Invalid duration')`` with no task attached)."""
    frames = []
    tb = err.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    for frame in reversed(frames):  # innermost first
        candidate = frame.f_locals.get("my_task")
        if isinstance(candidate, Task):
            return candidate
    return None
