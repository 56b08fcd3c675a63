"""Dealflow's one exception hierarchy.

    DealflowError                  anything Dealflow raises on purpose
    ├── MethodologyError           files that do not form a valid methodology;
    │                              carries every Problem found, not just the first
    ├── ExpressionError            an expression or script that is not allowed,
    │   │                          does not parse, or fails while it runs
    │   └── ExpressionLimitError   it ran past its step, size or time budget
    ├── NotFoundError              no such opportunity, task, user, team or version
    ├── PermissionDeniedError      the actor may not do this
    │   └── TooManyAttemptsError   too many failed logins: wait ``retry_after`` seconds
    ├── ConflictError              someone else changed it first (task no longer
    │   │                          ready, opportunity updated concurrently)
    │   ├── ExitCriteriaError      the deal may not leave its stage yet; ``missing``
    │   │                          names the criteria not met
    │   └── HierarchyCycleError    the teams would make a manager report to
    │                              themselves; ``people`` are the user ids in the cycle
    ├── FormError                  submitted data does not fit the task's form;
    │                              ``fields`` maps each field to its message
    ├── RoutingError               no segment matches the opportunity, a segment's
    │                              condition failed, or nobody can own it
    ├── BpmnImportError            a BPMN file cannot be imported: missing, not BPMN,
    │                              or clashing with what the folder holds
    ├── DatabaseError              the database is unreachable, or its schema is not
    │                              the one this version needs
    └── WorkflowError              a running workflow cannot do what was asked
        └── TaskNotReadyError      the task is not a READY user task of the workflow

Callers catch DealflowError at the edges (CLI, web) and show its message; anything
else escaping is a bug.
"""

from __future__ import annotations


class DealflowError(Exception):
    """Base class of every error Dealflow raises on purpose."""


class MethodologyError(DealflowError):
    """Methodology files with problems; ``problems`` lists all of them."""

    def __init__(self, problems):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ExpressionError(DealflowError):
    """An expression is not allowed, does not parse, or failed when evaluated.

    ``line`` and ``column`` are 1-based positions inside the expression's own text
    (``None`` when unknown); the caller adds the file's line.
    """

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        self.message = message
        self.line = line
        self.column = column
        super().__init__(message)


class ExpressionLimitError(ExpressionError):
    """An expression used more steps, memory or output than it is allowed."""


class NotFoundError(DealflowError):
    """No such opportunity, task, user, team or methodology version."""


class PermissionDeniedError(DealflowError):
    """The actor is not allowed to do this."""


class TooManyAttemptsError(PermissionDeniedError):
    """Too many failed logins for the account or from the address: attempts are
    refused, the password unchecked, for ``retry_after`` more seconds."""

    def __init__(self, message: str, retry_after: int):
        self.retry_after = retry_after
        super().__init__(message)


class ConflictError(DealflowError):
    """Someone else changed the same thing first; reload and try again."""


class ImportSupersededError(ConflictError):
    """A lead import's runner found the import no longer its own (reverted, or resumed
    by another runner, while it was away): it stopped, its last batch rolled back."""


class ExitCriteriaError(ConflictError):
    """Leaving a stage was refused; ``details`` maps each criterion not met to what
    it asks for, ``missing`` lists their names."""

    def __init__(self, message: str, details: dict[str, str]):
        super().__init__(message)
        self.details = dict(details)
        self.missing = tuple(self.details)


class HierarchyCycleError(ConflictError):
    """The teams make someone their own manager (engine.rules.hierarchy); ``people``
    are the user ids in the cycle. A conflict with how the teams stand: changing a
    team settles it."""

    def __init__(self, people: tuple[int, ...], message: str):
        self.people = people
        super().__init__(message)


class FormError(DealflowError):
    """Submitted data does not fit the form; ``fields`` maps field id -> message."""

    def __init__(self, fields: dict[str, str]):
        self.fields = dict(fields)
        listed = "; ".join(f"{name}: {message}" for name, message in self.fields.items())
        super().__init__(f"the form has errors: {listed}")


class RoutingError(DealflowError):
    """No segment matches, a condition failed, or nobody can own the opportunity."""


class BpmnImportError(DealflowError):
    """A user mistake: the file is missing, not BPMN, or clashes with what exists."""


class DatabaseError(DealflowError):
    """The database is unreachable, or its schema is not the one this version needs."""


class WorkflowError(DealflowError):
    """A workflow cannot do what was asked: unreadable state, a spec that does not fit it."""


class TaskNotReadyError(WorkflowError):
    """The task to complete is unknown, already completed, not yet reached, or not a user task."""

    def __init__(self, task_id: str, message: str):
        self.task_id = task_id
        super().__init__(message)
