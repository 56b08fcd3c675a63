"""Dealflow: a workflow engine for declarative sales methodologies.

The public API; everything else is internal and may change.
"""

from engine.errors import (ConflictError, DealflowError, ExitCriteriaError, ExpressionError, ExpressionLimitError,
                           FormError, MethodologyError, NotFoundError, PermissionDeniedError, TaskNotReadyError,
                           WorkflowError)
from engine.methodology.diff import Change, diff_methodologies
from engine.methodology.importer import ImportPlan, plan_import
from engine.methodology.model import Library, Methodology
from engine.methodology.problems import Problem
from engine.methodology.schemas import KINDS as SCHEMA_KINDS
from engine.methodology.schemas import schema_text
from engine.rules.swap_plan import parse_stage_map
from engine.service import Engine
from engine.service.validation import LoadResult, load_files, load_methodologies

__all__ = [
    "SCHEMA_KINDS",
    "Change",
    "ConflictError",
    "DealflowError",
    "Engine",
    "ExitCriteriaError",
    "ExpressionError",
    "ExpressionLimitError",
    "FormError",
    "ImportPlan",
    "Library",
    "LoadResult",
    "Methodology",
    "MethodologyError",
    "NotFoundError",
    "PermissionDeniedError",
    "Problem",
    "TaskNotReadyError",
    "WorkflowError",
    "diff_methodologies",
    "load_files",
    "load_methodologies",
    "parse_stage_map",
    "plan_import",
    "schema_text",
]
