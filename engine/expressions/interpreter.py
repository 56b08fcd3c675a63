"""Evaluating a checked syntax tree by walking it: no eval, exec or compiled code.

Only the node types below have handlers; anything else is refused again here, as are
private names and attributes, so a tree that somehow skipped the checker still cannot
reach Python internals. Values only ever come from literals, task data and the
function table, and attribute access is key lookup on records (dicts), so an
expression never holds a Python callable or class it could introspect.
"""

from __future__ import annotations

import ast
import decimal
import difflib
from collections.abc import Mapping
from typing import Callable

from engine.errors import ExpressionError

from engine.expressions.checker import DATA_NAMES, FORBIDDEN_NAMES, forbidden_name_message, method_message, private_name_message, unknown_function_message
from engine.expressions.formatting import format_value
from engine.expressions.functions import DICT_METHODS, FUNCTIONS, STR_METHODS
from engine.expressions.limits import Budget, check_item_count, check_sized
from engine.expressions.operators import binary, compare, unary
from engine.expressions.parsing import Positions
from engine.expressions.statements import StatementsMixin, _Break, _Continue
from engine.expressions.values import kind


def _join(separator: str, items) -> str:
    if not isinstance(items, (list, tuple)) or not all(isinstance(i, str) for i in items):
        raise TypeError(".join() needs a list of texts")
    return check_sized(separator.join(items))


_STR_METHOD_IMPLS: dict[str, Callable[..., object]] = {
    "lower": str.lower, "upper": str.upper, "strip": str.strip,
    "startswith": str.startswith, "endswith": str.endswith, "join": _join,
}


class Interpreter(StatementsMixin):
    """Evaluates one tree against one set of variables, under one budget."""

    def __init__(self, positions: Positions, variables: Mapping[str, object], budget: Budget,
                 missing_is_null: bool = False):
        self.missing_is_null = missing_is_null  # FEEL's reading of a missing field (compile_expression)
        self.positions = positions
        self.variables = variables
        self.budget = budget
        self.scopes: list[dict[str, object]] = []  # comprehension variables
        self.handlers: dict[type, Callable[[ast.AST], object]] = {
            ast.Expression: lambda n: self.eval(n.body),
            ast.Constant: lambda n: n.value,
            ast.Name: self.name,
            ast.BinOp: self.binary,
            ast.UnaryOp: lambda n: unary(n.op, self.eval(n.operand)),
            ast.BoolOp: self.bool_op,
            ast.Compare: self.compare,
            ast.IfExp: lambda n: self.eval(n.body) if self.eval(n.test) else self.eval(n.orelse),
            ast.Subscript: self.subscript,
            ast.Attribute: self.attribute,
            ast.Call: self.call,
            ast.List: lambda n: self.items(n, list),
            ast.Tuple: lambda n: self.items(n, tuple),
            ast.Set: lambda n: self.items(n, set),
            ast.Dict: self.dict_display,
            ast.ListComp: lambda n: self.comprehension(n, list),
            ast.GeneratorExp: lambda n: self.comprehension(n, list),
            ast.SetComp: lambda n: self.comprehension(n, set),
            ast.DictComp: lambda n: self.comprehension(n, dict),
            ast.JoinedStr: self.joined_str,
            ast.FormattedValue: self.formatted_value,
            ast.Module: lambda n: self.run_block(n.body),
            ast.Expr: lambda n: self.eval(n.value),
            ast.Assign: self.assign,
            ast.AugAssign: self.aug_assign,
            ast.If: lambda n: self.run_block(n.body if self.eval(n.test) else n.orelse),
            ast.For: self.for_loop,
            ast.Pass: lambda n: None,
            ast.Break: self.raise_break,
            ast.Continue: self.raise_continue,
        }

    # -- the walk ------------------------------------------------------------------
    def eval(self, node: ast.AST) -> object:
        self.budget.step()
        handler = self.handlers.get(type(node))
        if handler is None:
            raise self.positions.error(node, f"{type(node).__name__} syntax is not allowed in methodology expressions")
        try:
            return handler(node)
        except ExpressionError as exc:
            if exc.line is None:
                exc.line, exc.column = self.positions.of(getattr(node, "lineno", None),
                                                         getattr(node, "col_offset", None))
            raise
        except (_Break, _Continue):
            raise
        except RecursionError:
            raise self.positions.error(node, "the expression is nested too deeply", limit=True) from None
        except (decimal.DivisionByZero, decimal.DivisionUndefined, ZeroDivisionError):
            raise self.positions.error(node, "division by zero") from None
        except decimal.Overflow:
            raise self.positions.error(node, "the number is too large", limit=True) from None
        except decimal.InvalidOperation as exc:
            if _signals(exc, decimal.DivisionUndefined):
                raise self.positions.error(node, "division by zero") from None
            raise self.positions.error(node, "the calculation has no defined result (invalid decimal operation)") from None
        except OverflowError:
            raise self.positions.error(node, "the number or date is too large", limit=True) from None
        except (TypeError, ValueError, KeyError, IndexError, ArithmeticError) as exc:
            raise self.positions.error(node, _message(exc)) from None

    def run_block(self, statements: list[ast.stmt]) -> None:
        for statement in statements:
            self.eval(statement)

    def error(self, node: ast.AST, message: str) -> ExpressionError:
        return self.positions.error(node, message)

    # -- names -----------------------------------------------------------------------
    def check_name(self, node: ast.AST, name: str, *, called: bool = False) -> None:
        if name.startswith("_"):
            raise self.error(node, private_name_message(name))
        if name in FORBIDDEN_NAMES and (called or name not in DATA_NAMES):
            raise self.error(node, forbidden_name_message(name))

    def name(self, node: ast.Name) -> object:
        self.check_name(node, node.id)
        for scope in reversed(self.scopes):
            if node.id in scope:
                return scope[node.id]
        if node.id in self.variables:
            return self.variables[node.id]
        if self.missing_is_null:
            return None  # translated FEEL: a variable nothing set is null (checked as private above)
        # Suggest only names that hold something: an attribute the deal never got is None.
        known = [k for k, v in self.variables.items() if isinstance(k, str) and v is not None]
        known += [k for s in self.scopes for k in s]
        close = difflib.get_close_matches(node.id, known, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        if node.id in FUNCTIONS and not hint:
            hint = f"; {node.id} is a function: call it, e.g. {FUNCTIONS[node.id].example}"
        raise self.error(node, f"unknown variable '{node.id}'{hint}")

    # -- operators ---------------------------------------------------------------------
    def binary(self, node: ast.BinOp) -> object:
        left, right = self.eval(node.left), self.eval(node.right)
        try:
            result = binary(node.op, left, right, self.budget)
        except TypeError as exc:
            nulls = [_describe(n) for n, v in ((node.left, left), (node.right, right))
                     if v is None and isinstance(n, (ast.Name, ast.Attribute, ast.Subscript))]
            if not self.missing_is_null or not nulls:
                raise
            # translated FEEL reads a missing variable or field as null: say which one it was
            verb = "is" if len(nulls) == 1 else "are"
            raise TypeError(f"{exc}: {' and '.join(nulls)} {verb} null (missing or set to null)") from None
        self.budget.charge_copy(result)
        return result

    def bool_op(self, node: ast.BoolOp) -> object:
        is_and = isinstance(node.op, ast.And)
        value: object = None
        for operand in node.values:
            value = self.eval(operand)
            if bool(value) != is_and:
                return value
        return value

    def compare(self, node: ast.Compare) -> bool:
        left = self.eval(node.left)
        for op, right_node in zip(node.ops, node.comparators):
            right = self.eval(right_node)
            if not compare(op, left, right, self.budget):
                return False
            left = right
        return True

    # -- looking things up -----------------------------------------------------------
    def subscript(self, node: ast.Subscript) -> object:
        container = self.eval(node.value)
        if isinstance(node.slice, ast.Slice):
            if not isinstance(container, (list, tuple, str)):
                raise self.error(node, f"only text and lists can be sliced, not {kind(container)}")
            bounds = [None if part is None else self.eval(part)
                      for part in (node.slice.lower, node.slice.upper, node.slice.step)]
            for bound in bounds:
                if bound is not None and (not isinstance(bound, int) or isinstance(bound, bool)):
                    raise self.error(node, f"slice positions must be whole numbers, not {kind(bound)}")
            return container[slice(*bounds)]
        key = self.eval(node.slice)
        if self.missing_is_null and _feel_null(container, key):
            return None  # translated FEEL: message.class, toolCall._meta are message["class"], toolCall["_meta"]
        return self.lookup(node, container, key, "key")

    def attribute(self, node: ast.Attribute) -> object:
        if node.attr.startswith("_"):
            raise self.error(node, private_name_message(node.attr))
        record = self.eval(node.value)
        if isinstance(record, (list, tuple)) and all(isinstance(item, dict) for item in record):
            # FEEL's path over a list (translated FEEL: parts.content): each record's field
            self.budget.charge_copy(record)
            return [self.field(node, item) for item in record]
        return self.field(node, record)

    def field(self, node: ast.Attribute, record: object) -> object:
        if self.missing_is_null and (record is None or (isinstance(record, dict) and node.attr not in record)):
            return None
        if not isinstance(record, dict):
            raise self.error(node, f"'.{node.attr}' reads a field of a record, but {_describe(node.value)} "
                                   f"is {kind(record)}")
        return self.lookup(node, record, node.attr, "field")

    def lookup(self, node: ast.AST, container: object, key: object, word: str) -> object:
        if isinstance(container, dict):
            try:
                return container[key]
            except TypeError:
                raise self.error(node, f"{kind(key)} cannot be a record key") from None
            except KeyError:
                names = [k for k in container if isinstance(k, str)]
                close = difflib.get_close_matches(key, names, n=1) if isinstance(key, str) else []
                hint = f"; did you mean '{close[0]}'?" if close else ""
                raise self.error(node, f"{_describe(node.value)} has no {word} {key!r}{hint}") from None
        if isinstance(container, (list, tuple, str)):
            if not isinstance(key, int) or isinstance(key, bool):
                raise self.error(node, f"positions in {kind(container)} are whole numbers, not {kind(key)}")
            if not -len(container) <= key < len(container):
                raise self.error(node, f"position {key} is outside {_describe(node.value)}, "
                                       f"which has {len(container)} items")
            return container[key]
        raise self.error(node, f"{_describe(node.value)} is {kind(container)}; only records, lists "
                               "and text can be indexed")

    # -- calls -----------------------------------------------------------------------
    def call(self, node: ast.Call) -> object:
        func = node.func
        if isinstance(func, ast.Attribute):
            return self.method_call(node, func)
        if not isinstance(func, ast.Name):
            raise self.error(node, "only the listed functions can be called, by name: e.g. len(x)")
        self.check_name(func, func.id, called=True)
        spec = FUNCTIONS.get(func.id)
        if spec is None:
            raise self.error(func, unknown_function_message(func.id))
        if any(isinstance(a, ast.Starred) for a in node.args) or any(
                k.arg not in spec.keywords for k in node.keywords):
            raise self.error(node, f"{func.id}() does not accept those arguments")
        args = [self.eval(a) for a in node.args]
        kwargs = {k.arg: self.eval(k.value) for k in node.keywords}
        if spec.charges:
            for value in args:
                self.budget.charge_for(value)
        if len(args) < spec.min_args or (spec.max_args is not None and len(args) > spec.max_args):
            raise self.error(node, f"{func.id}() takes a different number of arguments, e.g. {spec.example}")
        return check_sized(spec.impl(*args, **kwargs))

    def method_call(self, node: ast.Call, func: ast.Attribute) -> object:
        receiver = self.eval(func.value)
        args = [self.eval(a) for a in node.args]
        if node.keywords:
            raise self.error(node, f".{func.attr}() takes no named options")
        if isinstance(receiver, str) and func.attr in STR_METHODS:
            low, high = STR_METHODS[func.attr]
        elif isinstance(receiver, dict) and func.attr in DICT_METHODS:
            low, high = DICT_METHODS[func.attr]
        elif func.attr in STR_METHODS or func.attr in DICT_METHODS:
            wanted = "text" if func.attr in STR_METHODS else "a record"
            raise self.error(node, f".{func.attr}() works on {wanted}, but {_describe(func.value)} "
                                   f"is {kind(receiver)}")
        else:
            raise self.error(node, method_message(func.attr))
        if not low <= len(args) <= high:
            raise self.error(node, f".{func.attr}() takes {low} to {high} arguments, not {len(args)}")
        if func.attr in ("startswith", "endswith", "strip") and not all(
                isinstance(a, (str, tuple)) for a in args):
            raise self.error(node, f".{func.attr}() needs text as its argument")
        self.budget.charge_copy(receiver)
        if func.attr == "get":
            return receiver.get(*args)
        return _STR_METHOD_IMPLS[func.attr](receiver, *args)

    # -- building values -------------------------------------------------------------
    def items(self, node: ast.List | ast.Tuple | ast.Set, build: type) -> object:
        check_item_count(len(node.elts))
        return build(self.eval(e) for e in node.elts)

    def dict_display(self, node: ast.Dict) -> dict:
        check_item_count(len(node.keys))
        return {self.eval(k): self.eval(v) for k, v in zip(node.keys, node.values)}

    def comprehension(self, node: ast.AST, build: type) -> object:
        results: list = []
        self.scopes.append({})
        try:
            self.generate(node, node.generators, results)
        finally:
            self.scopes.pop()
        return build(results)

    def generate(self, node: ast.AST, generators: list[ast.comprehension], results: list) -> None:
        generator, rest = generators[0], generators[1:]
        for item in self.iterable(generator.iter):
            self.budget.step()
            self.bind(generator.target, item)
            if not all(self.eval(condition) for condition in generator.ifs):
                continue
            if rest:
                self.generate(node, rest, results)
            else:
                if isinstance(node, ast.DictComp):
                    results.append((self.eval(node.key), self.eval(node.value)))
                else:
                    results.append(self.eval(node.elt))
                check_item_count(len(results))

    def iterable(self, node: ast.AST) -> list:
        value = self.eval(node)
        if not isinstance(value, (list, tuple, set, frozenset, dict, str)):
            raise self.error(node, f"can only loop over a list, text or record, not {kind(value)}")
        return list(value)

    def joined_str(self, node: ast.JoinedStr) -> str:
        result = check_sized("".join(self.eval(v) for v in node.values))
        self.budget.charge_copy(result)
        return result

    def formatted_value(self, node: ast.FormattedValue) -> str:
        value = self.eval(node.value)
        self.budget.charge_for(value)
        spec = "" if node.format_spec is None else self.eval(node.format_spec)
        if node.conversion in (ord("r"), ord("a")):
            value = repr(value)
        elif node.conversion == ord("s"):
            value = str(value)
        return format_value(value, spec)


def _feel_null(container: object, key: object) -> bool:
    """Whether FEEL reads ``container[key]`` as null: a key of null, a key a record lacks,
    a position a list does not have (``items[5]`` of three items)."""
    if container is None:
        return True
    if isinstance(container, dict):
        return isinstance(key, str) and key not in container
    if isinstance(container, (list, tuple)) and isinstance(key, int) and not isinstance(key, bool):
        return not -len(container) <= key < len(container)
    return False


def _signals(exc: decimal.DecimalException, signal: type) -> bool:
    """Whether a trapped decimal error was raised for ``signal`` (C decimal lists them in args)."""
    listed = exc.args[0] if exc.args and isinstance(exc.args[0], list) else []
    return isinstance(exc, signal) or any(isinstance(s, type) and issubclass(s, signal) for s in listed)


def _describe(node: ast.AST) -> str:
    text = ast.unparse(node)
    return f"'{text}'" if len(text) <= 40 else "the value"


def _message(exc: BaseException) -> str:
    if isinstance(exc, KeyError):
        return f"missing key {exc.args[0]!r}" if exc.args else "missing key"
    if isinstance(exc, IndexError):
        return "position outside the list"
    text = str(exc)
    if "unhashable type" in text:
        return "lists and records cannot be used as record keys or set members"
    return text or type(exc).__name__
