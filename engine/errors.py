"""Dealflow's one exception hierarchy.

    DealflowError                  anything Dealflow raises on purpose
    ├── MethodologyError           files that do not form a valid methodology;
    │                              carries every Problem found, not just the first
    └── ExpressionError            an expression or script that is not allowed,
                                   does not parse, or fails while it runs
        └── ExpressionLimitError   it ran past its step, size or time budget

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
