"""The static whitelist: which Python syntax a methodology expression or script may use.

Everything not listed in ``_EXPRESSION_NODES`` / ``_STATEMENT_NODES`` is refused with a
message that says what to write instead. The checker also records which variables an
expression reads, and turns literals with a decimal point into exact ``Decimal``s.
The interpreter re-checks names and attributes at run time; this pass exists to give
designers every mistake up front, with its line and column.
"""

from __future__ import annotations

import ast
import difflib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from engine.errors import ExpressionError

from engine.expressions.formatting import check_spec
from engine.expressions.functions import DICT_METHODS, FUNCTIONS, STR_METHODS
from engine.expressions.limits import MAX_NESTING
from engine.expressions.parsing import Positions

# Names of Python built-ins that reach its internals, files or code. The interpreter
# never resolves a name to a built-in (names are task data, calls go to FUNCTIONS), so
# these are refused to say clearly that they do not work, and so that no later change
# could make them work by accident.
FORBIDDEN_NAMES = frozenset({
    "import", "open", "exec", "eval", "compile", "getattr", "setattr", "delattr", "hasattr",
    "globals", "locals", "vars", "type", "object", "dir", "help", "input", "print",
    "breakpoint", "memoryview", "id", "super", "classmethod", "staticmethod", "property",
    "isinstance", "issubclass", "callable", "format", "repr", "ascii", "exit", "quit",
    "bytes", "bytearray", "iter", "next", "aiter", "anext", "setattr", "license", "credits",
})
# Of those, the names that are also ordinary field names in business data (a case's
# 'id', a contact's 'type'): a variable may have them, read and assigned like any other;
# calling them stays refused, as for every name in FORBIDDEN_NAMES.
DATA_NAMES = frozenset({"id", "type", "input", "format", "property"})

_DUNDER_HINTS = {
    "__len__": "len(x)", "__str__": "str(x)", "__repr__": "str(x)", "__abs__": "abs(x)",
    "__round__": "round(x)", "__bool__": "bool(x)", "__int__": "int(x)", "__float__": "decimal(x)",
    "__getitem__": "x[key]", "__contains__": "key in x", "__eq__": "a == b", "__add__": "a + b",
}

_COMPARISONS = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn, ast.Is, ast.IsNot)
_ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)
_OPERATOR_NAMES = {
    ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^", ast.LShift: "<<", ast.RShift: ">>",
    ast.MatMult: "@", ast.Invert: "~",
}

_REFUSED = {
    ast.Import: "imports are not allowed in methodology scripts",
    ast.ImportFrom: "imports are not allowed in methodology scripts",
    ast.While: "while loops are not allowed: loop over a bounded list, e.g. 'for i in range(10):'",
    ast.FunctionDef: "defining functions is not allowed: write the computation inline",
    ast.AsyncFunctionDef: "defining functions is not allowed: write the computation inline",
    ast.Lambda: "lambda is not allowed: write the expression directly",
    ast.ClassDef: "classes are not allowed in methodology scripts",
    ast.Global: "'global' is not allowed: scripts can only change task data",
    ast.Nonlocal: "'nonlocal' is not allowed: scripts can only change task data",
    ast.With: "'with' is not allowed: scripts cannot open files or other resources",
    ast.AsyncWith: "'with' is not allowed: scripts cannot open files or other resources",
    ast.Try: "'try' is not allowed: check values with 'if' instead",
    ast.Raise: "'raise' is not allowed: set a variable and route on it with a gateway",
    ast.Assert: "'assert' is not allowed: use a gateway condition instead",
    ast.Delete: "'del' is not allowed: set the variable to None instead",
    ast.Return: "'return' is not allowed: assign the result to a variable",
    ast.Yield: "'yield' is not allowed",
    ast.YieldFrom: "'yield' is not allowed",
    ast.Await: "'await' is not allowed",
    ast.AsyncFor: "'async for' is not allowed",
    ast.NamedExpr: "':=' is not allowed: assign in a script step instead",
    ast.Starred: "'*' unpacking is not allowed: pass the values one by one",
    ast.Match: "'match' is not allowed: use if/elif/else",
    ast.AnnAssign: "type annotations are not allowed: write 'name = value'",
}
if hasattr(ast, "TryStar"):
    _REFUSED[ast.TryStar] = _REFUSED[ast.Try]


PERCENT_FORMATTING = "formatting text with '%' is not allowed: use an f-string, e.g. f'{amount} EUR'"


def _is_text(node: ast.AST) -> bool:
    """Whether ``node`` is written as text: a quoted string or an f-string."""
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


@dataclass(frozen=True)
class CheckResult:
    reads: frozenset[str]
    assigns: frozenset[str]


def check_tree(tree: ast.AST, positions: Positions, *, script: bool) -> CheckResult:
    _check_depth(tree, positions)
    checker = _Checker(positions, script)
    checker.visit(tree)
    return CheckResult(frozenset(checker.reads), frozenset(checker.assigns))


def _check_depth(tree: ast.AST, positions: Positions) -> None:
    pending = [(tree, 0)]
    while pending:
        node, depth = pending.pop()
        if isinstance(node, (ast.expr, ast.stmt)):
            depth += 1
            if depth > MAX_NESTING:
                raise positions.error(
                    node, f"the expression is nested too deeply (more than {MAX_NESTING} levels); "
                    "split it into simpler steps", limit=True)
        pending.extend((child, depth) for child in ast.iter_child_nodes(node))


def private_name_message(name: str) -> str:
    return f"'{name}' is not allowed: names starting with '_' are private"


def forbidden_name_message(name: str) -> str:
    return (f"'{name}' is not allowed: it reaches Python internals, files or code; "
            f"if it is a field, read it as record['{name}']")


def unknown_function_message(name: str) -> str:
    close = difflib.get_close_matches(name, FUNCTIONS, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else f"; the functions are: {', '.join(sorted(FUNCTIONS))}"
    return f"'{name}' is not a known function{hint}"


def method_message(name: str) -> str:
    if name in _DUNDER_HINTS:
        return f"method calls are not allowed: use {_DUNDER_HINTS[name]} instead of x.{name}()"
    if name.startswith("_"):
        return private_name_message(name)
    text_methods = ", ".join(f".{m}()" for m in STR_METHODS)
    return (f"method '.{name}()' is not allowed: only {text_methods} on text "
            "and .get() on a record can be called")


class _Checker(ast.NodeVisitor):
    def __init__(self, positions: Positions, script: bool):
        self.positions = positions
        self.script = script
        self.reads: set[str] = set()
        self.assigns: set[str] = set()
        self.bound: list[set[str]] = []  # comprehension variables, innermost last

    def fail(self, node: ast.AST, message: str) -> None:
        raise self.positions.error(node, message)

    def fail_at_attr(self, node: ast.Attribute, message: str) -> None:
        line, column = self.positions.of(node.end_lineno, node.end_col_offset)
        if column is not None:
            column -= len(node.attr)
        raise ExpressionError(message, line, column)

    # -- anything not listed below ------------------------------------------------
    def generic_visit(self, node: ast.AST) -> None:
        if type(node) in _REFUSED:
            self.fail(node, _REFUSED[type(node)])
        if type(node) in _ALLOWED_PLAIN or (self.script and type(node) in _ALLOWED_STATEMENTS):
            super().generic_visit(node)
            return
        if isinstance(node, ast.stmt) and not self.script:
            self.fail(node, "statements are not allowed in an expression")
        name = _OPERATOR_NAMES.get(type(getattr(node, "op", None)))
        if name:
            self.fail(node, f"the operator '{name}' is not allowed; use + - * / // % ** and comparisons")
        self.fail(node, f"{type(node).__name__} syntax is not allowed in methodology expressions")

    # -- leaves ---------------------------------------------------------------------
    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, float):
            segment = ast.get_source_segment("\n".join(self.positions.lines), node) or repr(value)
            try:
                node.value = Decimal(segment.replace("_", ""))
            except InvalidOperation:
                node.value = Decimal(repr(value))
        elif isinstance(value, complex):
            self.fail(node, "complex numbers are not supported")
        elif isinstance(value, bytes):
            self.fail(node, "byte strings are not supported: use ordinary text in quotes")
        elif value is Ellipsis:
            self.fail(node, "'...' is not allowed: write 'pass' for an empty block")

    def visit_Name(self, node: ast.Name) -> None:
        self.check_name(node, node.id)
        if isinstance(node.ctx, ast.Store):
            if self.bound:
                self.bound[-1].add(node.id)
            else:
                self.assigns.add(node.id)
        elif not any(node.id in scope for scope in self.bound):
            self.reads.add(node.id)

    def check_name(self, node: ast.AST, name: str, *, called: bool = False) -> None:
        if name.startswith("_"):
            self.fail(node, private_name_message(name))
        if name in FORBIDDEN_NAMES and (called or name not in DATA_NAMES):
            self.fail(node, forbidden_name_message(name))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self.visit(node.value)
        if node.attr.startswith("_"):
            self.fail_at_attr(node, private_name_message(node.attr))

    # -- operators -----------------------------------------------------------------
    def visit_BinOp(self, node: ast.BinOp) -> None:
        if not isinstance(node.op, _ARITHMETIC):
            self.generic_visit_refused(node)
        if isinstance(node.op, ast.Mod) and _is_text(node.left):
            self.fail(node, PERCENT_FORMATTING)
        self.visit(node.left)
        self.visit(node.right)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if not isinstance(node.op, (ast.USub, ast.UAdd, ast.Not)):
            self.generic_visit_refused(node)
        self.visit(node.operand)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if not self.script:
            self.fail(node, "statements are not allowed in an expression")
        if not isinstance(node.op, _ARITHMETIC):
            self.generic_visit_refused(node)
        self.check_target(node.target)
        if isinstance(node.target, ast.Name):
            self.reads.add(node.target.id)
        self.visit(node.target)
        self.visit(node.value)

    def generic_visit_refused(self, node: ast.AST) -> None:
        name = _OPERATOR_NAMES.get(type(node.op), type(node.op).__name__)
        self.fail(node, f"the operator '{name}' is not allowed; use + - * / // % ** and comparisons")

    def visit_Compare(self, node: ast.Compare) -> None:
        for op, right in zip(node.ops, node.comparators):
            if isinstance(op, (ast.Is, ast.IsNot)) and not (
                    isinstance(right, ast.Constant) and right.value is None):
                self.fail(node, "'is' only works with None (x is None, x is not None): use == to compare values")
        self.generic_visit(node)

    # -- calls ---------------------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
            self.fail(node, "'*' and '**' argument unpacking are not allowed: pass the values one by one")
        if isinstance(func, ast.Name):
            self.check_name(func, func.id, called=True)
            spec = FUNCTIONS.get(func.id)
            if spec is None:
                self.fail(func, unknown_function_message(func.id))
            self.check_arity(node, func.id, spec.min_args, spec.max_args, spec.keywords)
        elif isinstance(func, ast.Attribute):
            self.visit(func.value)
            if func.attr not in STR_METHODS and func.attr not in DICT_METHODS:
                self.fail_at_attr(func, method_message(func.attr))
            low, high = STR_METHODS.get(func.attr) or DICT_METHODS[func.attr]
            self.check_arity(node, f".{func.attr}", low, high, frozenset())
        else:
            self.visit(func)
            self.fail(node, "only the listed functions can be called, by name: e.g. len(x)")
        for arg in node.args:
            self.visit(arg)
        for keyword in node.keywords:
            self.visit(keyword.value)

    def check_arity(self, node: ast.Call, name: str, low: int, high: int | None, keywords) -> None:
        count = len(node.args)
        if count < low or (high is not None and count > high):
            wanted = f"{low}" if low == high else f"{low} to {high}" if high is not None else f"at least {low}"
            self.fail(node, f"{name}() takes {wanted} argument{'s' if wanted != '1' else ''}, not {count}")
        for keyword in node.keywords:
            if keyword.arg not in keywords:
                self.fail(keyword, f"{name}() has no option '{keyword.arg}'")

    # -- comprehensions -------------------------------------------------------------
    def visit_comprehension_node(self, node: ast.AST, results: list[ast.AST]) -> None:
        self.bound.append(set())
        for generator in node.generators:
            if generator.is_async:
                self.fail(node, "'async for' is not allowed")
            self.visit(generator.iter)
            self.check_target(generator.target)
            self.visit(generator.target)
            for condition in generator.ifs:
                self.visit(condition)
        for result in results:
            self.visit(result)
        self.bound.pop()

    def visit_ListComp(self, node: ast.ListComp) -> None:
        self.visit_comprehension_node(node, [node.elt])

    visit_SetComp = visit_GeneratorExp = visit_ListComp

    def visit_DictComp(self, node: ast.DictComp) -> None:
        self.visit_comprehension_node(node, [node.key, node.value])

    def visit_Dict(self, node: ast.Dict) -> None:
        if any(key is None for key in node.keys):
            self.fail(node, "'**' unpacking is not allowed in a record: list the keys one by one")
        self.generic_visit(node)

    # -- f-strings ------------------------------------------------------------------
    def visit_FormattedValue(self, node: ast.FormattedValue) -> None:
        if node.format_spec is not None:
            parts = node.format_spec.values
            if not all(isinstance(p, ast.Constant) for p in parts):
                self.fail(node, "a format inside {} must be fixed text, e.g. {amount:,.2f}")
            try:
                check_spec("".join(str(p.value) for p in parts))
            except ExpressionError as err:
                raise self.positions.error(node, err.message, limit=True) from None
        self.visit(node.value)

    # -- statements -----------------------------------------------------------------
    def check_target(self, target: ast.AST) -> None:
        if isinstance(target, ast.Name):
            return
        if isinstance(target, (ast.Subscript, ast.Attribute)):
            if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Slice):
                self.fail(target, "assigning to a slice is not allowed: build a new list instead")
            return
        if isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                if not isinstance(element, ast.Name):
                    self.fail(element, "only plain names can be unpacked, e.g. 'a, b = 1, 2'")
            return
        self.fail(target, "you can only assign to a name, record['key'] or list[index]")

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self.check_target(target)
            self.visit(target)
        self.visit(node.value)

    def visit_For(self, node: ast.For) -> None:
        if node.orelse:
            self.fail(node.orelse[0], "'for ... else' is not allowed: use a variable and 'if' after the loop")
        self.check_target(node.target)
        self.visit(node.iter)
        self.visit(node.target)
        for statement in node.body:
            self.visit(statement)


_ALLOWED_PLAIN = frozenset({
    ast.Expression, ast.Load, ast.Store, ast.BoolOp, ast.And, ast.Or, ast.IfExp,
    ast.Subscript, ast.Slice, ast.List, ast.Tuple, ast.Set, ast.Dict, ast.Compare, ast.keyword,
    ast.JoinedStr, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn,
    ast.Is, ast.IsNot,
})
_ALLOWED_STATEMENTS = frozenset({ast.Module, ast.If, ast.Pass, ast.Expr, ast.Break, ast.Continue})
