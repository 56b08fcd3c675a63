"""Compiled expressions and scripts: checked once, evaluated many times.

"Compiled" means parsed and checked against the whitelist; the tree is then walked
by the interpreter on every call. Objects are immutable and safe to cache and share.
"""

from __future__ import annotations

import ast
import decimal
from collections import ChainMap
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from engine.errors import ExpressionError, ExpressionLimitError

from engine.expressions.checker import check_tree
from engine.expressions.interpreter import Interpreter
from engine.expressions.limits import MAX_STEPS, Budget
from engine.expressions.parsing import Positions, parse_expression, parse_script
from engine.expressions.storable import stored_size

# Money arithmetic: 28 significant digits, and overflow or 0/0 is an error, never Infinity/NaN.
DECIMAL_CONTEXT = decimal.Context(
    prec=28, rounding=decimal.ROUND_HALF_EVEN, Emax=999_999, Emin=-999_999,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)


@dataclass(frozen=True)
class Expression:
    """A checked expression; ``names`` are the task-data variables it reads."""

    source: str
    names: frozenset[str]
    _tree: ast.Expression = field(repr=False, compare=False)
    _positions: Positions = field(repr=False, compare=False)
    # translated FEEL: a missing variable, field or position (or any of null) reads as null, as in FEEL
    missing_is_null: bool = False

    def evaluate(self, variables: Mapping[str, object]) -> object:
        """The expression's value given these variables; raises ExpressionError.

        The value may become task data (a DMN output), so it must be small enough,
        shallow enough and free of cycles to be stored."""
        value = _run(self._tree, self._positions, variables, self.missing_is_null)
        stored_size(value, "the expression's value")
        return value


@dataclass(frozen=True)
class Script:
    """A checked script; ``names`` it reads, ``assigns`` the variables it sets."""

    source: str
    names: frozenset[str]
    assigns: frozenset[str]
    _tree: ast.Module = field(repr=False, compare=False)
    _positions: Positions = field(repr=False, compare=False)

    def execute(self, variables: dict) -> None:
        """Run the statements, assigning into ``variables``; raises ExpressionError.

        Every variable the script could have set or changed must still be storable:
        within the size cap, not too deep, not containing itself."""
        _run(self._tree, self._positions, variables)
        written = variables.maps[0] if isinstance(variables, ChainMap) else variables
        for name in sorted(self.assigns | self.names):
            if name in written:
                stored_size(written[name], f"variable '{name}'")


# One validation compiles the same text several times (the BPMN reader, the expression
# check and the unset-variable check each need it): 144 compiles of 32 texts for the
# shipped methodologies. Inside ``compiling_once`` each text is compiled once; the
# memo lives only as long as the block, so nothing grows with a long-running process.
_MEMO: ContextVar[dict | None] = ContextVar("compiled_once", default=None)


@contextmanager
def compiling_once() -> Iterator[None]:
    """Within the block, compiling a text already compiled returns the same checked
    object (compiling is pure and the objects are immutable). A text that fails is
    compiled, and fails with the same message, every time."""
    if _MEMO.get() is not None:  # already inside one: share it
        yield
        return
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def compile_expression(source: str, *, missing_is_null: bool = False) -> Expression:
    """``missing_is_null``: for FEEL translated into the language (a variable nothing
    set, ``.field`` of a record without it, a position a list lacks, or either of null,
    is null instead of an error; names starting with '_' stay refused)."""
    memo = _MEMO.get()
    if memo is None:
        return _compile_expression(source, missing_is_null)
    key = ("expression", source, missing_is_null)
    found = memo.get(key)
    if found is None:
        found = memo[key] = _compile_expression(source, missing_is_null)
    return found


def compile_script(source: str) -> Script:
    memo = _MEMO.get()
    if memo is None:
        return _compile_script(source)
    key = ("script", source)
    found = memo.get(key)
    if found is None:
        found = memo[key] = _compile_script(source)
    return found


def _compile_expression(source: str, missing_is_null: bool) -> Expression:
    tree, positions = parse_expression(source)
    result = check_tree(tree, positions, script=False)
    _work_out_constants(tree, positions)
    return Expression(source, result.reads, tree, positions, missing_is_null)


def _compile_script(source: str) -> Script:
    tree, positions = parse_script(source)
    result = check_tree(tree, positions, script=True)
    _work_out_constants(tree, positions)
    return Script(source, result.reads, result.assigns, tree, positions)


_LITERAL_NODES = (ast.Constant, ast.BinOp, ast.UnaryOp, ast.operator, ast.unaryop,
                  ast.Tuple, ast.List, ast.Load, ast.JoinedStr, ast.FormattedValue)


def _work_out_constants(tree: ast.AST, positions: Positions) -> None:
    """Arithmetic and f-strings on literals alone (``9 ** 9 ** 9 ** 9``, ``'a' * 10 ** 9``,
    ``f'{1e999999999:f}'``) have the same result every time: work it out now, within
    the same budget, so that a runaway one is refused when the file is validated
    rather than when a deal reaches it. Its value is not kept; the interpreter
    recomputes it."""
    done: set[int] = set()
    for node in ast.walk(tree):
        if id(node) in done or not isinstance(node, (ast.BinOp, ast.UnaryOp, ast.JoinedStr)):
            continue
        subtree = list(ast.walk(node))
        if all(isinstance(n, _LITERAL_NODES) for n in subtree):
            done.update(id(n) for n in subtree)
            _run(ast.Expression(body=node), positions, {})


def check_expression(source: str) -> None:
    compile_expression(source)


def check_script(source: str) -> None:
    compile_script(source)


def _run(tree: ast.AST, positions: Positions, variables: Mapping[str, object],
         missing_is_null: bool = False) -> object:
    interpreter = Interpreter(positions, variables, Budget(MAX_STEPS), missing_is_null)
    try:
        with decimal.localcontext(DECIMAL_CONTEXT):
            return interpreter.eval(tree)
    except ExpressionError:
        raise
    except RecursionError:
        raise ExpressionLimitError("the expression is nested too deeply") from None
    except Exception as exc:  # a bug in the interpreter must still not leak a raw exception
        raise ExpressionError(f"the expression failed: {exc}") from None
