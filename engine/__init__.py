"""Dealflow: a workflow engine for declarative sales methodologies.

The public API; everything else is internal and may change.
"""

from engine.errors import DealflowError, ExpressionError, ExpressionLimitError, MethodologyError
from engine.methodology.model import Library, Methodology
from engine.methodology.problems import Problem
from engine.service.validation import LoadResult, load_methodologies

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
