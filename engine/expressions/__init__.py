"""Dealflow's safe expression language for untrusted methodology files.

Gateway conditions, script tasks, timer expressions, DMN cells and routing rules are
parsed with ``ast``, checked against a whitelist, and evaluated by walking the tree;
user text is never handed to eval, exec or compile. See docs/expressions.md.

    compile_expression(source) -> Expression     .evaluate(variables) -> value
    compile_script(source) -> Script             .execute(variables) -> None
    check_expression(source) / check_script(source)  raise ExpressionError or return None
    with compiling_once(): ...                   each text compiled once inside the block
    unpinned_reads(source, name, pinned)         parts reading name where no 'and' pins pinned
"""

from engine.errors import ExpressionError, ExpressionLimitError

from engine.expressions.compiled import (Expression, Script, check_expression, check_script, compile_expression,
                       compile_script, compiling_once)
from engine.expressions.functions import FUNCTIONS
from engine.expressions.limits import MAX_ITEMS, MAX_STEPS, MAX_TEXT_CHARS
from engine.expressions.pins import Unpinned, unpinned_reads

__all__ = [
    "Expression",
    "ExpressionError",
    "ExpressionLimitError",
    "FUNCTIONS",
    "MAX_ITEMS",
    "MAX_STEPS",
    "MAX_TEXT_CHARS",
    "Script",
    "Unpinned",
    "check_expression",
    "check_script",
    "compile_expression",
    "compile_script",
    "compiling_once",
    "unpinned_reads",
]
