"""Dealflow: a workflow engine for declarative sales methodologies.

The public API; everything else is internal and may change.
"""

from .errors import DealflowError, ExpressionError, ExpressionLimitError, MethodologyError
from .methodology.model import Library, Methodology
from .methodology.problems import Problem
from .validation import LoadResult, load_methodologies

__all__ = [
    "DealflowError",
    "ExpressionError",
    "ExpressionLimitError",
    "Library",
    "LoadResult",
    "Methodology",
    "MethodologyError",
    "Problem",
    "load_methodologies",
]
