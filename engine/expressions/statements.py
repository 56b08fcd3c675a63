"""Running script statements: assignment, if/elif/else, for loops, break and continue.

A mixin of ``Interpreter``: it uses the interpreter's ``eval``, ``lookup``, ``budget``
and ``variables``. Assignments go into the task data (or a comprehension's own scope);
records and lists are the only values that can change in place.
"""

from __future__ import annotations

import ast
from collections.abc import MutableMapping
from typing import Callable

from engine.errors import ExpressionError

from engine.expressions.checker import private_name_message
from engine.expressions.limits import check_item_count
from engine.expressions.operators import binary
from engine.expressions.values import kind


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class StatementsMixin:
    def assign(self, node: ast.Assign) -> None:
        value = self.eval(node.value)
        for target in node.targets:
            self.store(target, value)

    def aug_assign(self, node: ast.AugAssign) -> None:
        load = _as_load(node.target)
        result = binary(node.op, self.eval(load), self.eval(node.value), self.budget)
        self.budget.charge_copy(result)
        self.store(node.target, result)

    def for_loop(self, node: ast.For) -> None:
        for item in self.iterable(node.iter):
            self.budget.step()
            self.store(node.target, item)
            try:
                self.run_block(node.body)
            except _Break:
                break
            except _Continue:
                continue

    def raise_break(self, node: ast.AST) -> None:
        raise _Break

    def raise_continue(self, node: ast.AST) -> None:
        raise _Continue

    def bind(self, target: ast.AST, value: object) -> None:
        """Bind a comprehension variable in the innermost comprehension scope."""
        self.unpack(target, value, lambda name, v: self.scopes[-1].__setitem__(name, v))

    def store(self, target: ast.AST, value: object) -> None:
        if isinstance(target, (ast.Name, ast.Tuple, ast.List)):
            self.unpack(target, value, self.set_variable)
            return
        if isinstance(target, ast.Attribute):
            if target.attr.startswith("_"):
                raise self.error(target, private_name_message(target.attr))
            container, key = self.eval(target.value), target.attr
        elif isinstance(target, ast.Subscript) and not isinstance(target.slice, ast.Slice):
            container, key = self.eval(target.value), self.eval(target.slice)
        else:
            raise self.error(target, "you can only assign to a name, record['key'] or list[index]")
        if isinstance(container, dict):
            container[key] = value
            check_item_count(len(container))
        elif isinstance(container, list) and isinstance(key, int) and not isinstance(key, bool):
            self.lookup(target, container, key, "position")
            container[key] = value
        else:
            raise self.error(target, f"cannot assign into {kind(container)}: only records and lists can change")

    def unpack(self, target: ast.AST, value: object, setter: Callable[[str, object], None]) -> None:
        if isinstance(target, ast.Name):
            self.check_name(target, target.id)
            setter(target.id, value)
            return
        if not isinstance(target, (ast.Tuple, ast.List)):
            raise self.error(target, "only plain names can be assigned here")
        if not isinstance(value, (list, tuple)) or len(value) != len(target.elts):
            raise self.error(target, f"cannot unpack {kind(value)} into {len(target.elts)} names")
        for element, item in zip(target.elts, value):
            self.unpack(element, item, setter)

    def set_variable(self, name: str, value: object) -> None:
        if not isinstance(self.variables, MutableMapping):
            raise ExpressionError("expressions cannot assign variables")
        self.variables[name] = value


def _as_load(target: ast.AST) -> ast.AST:
    """The same target read as a value (for x += 1)."""
    if isinstance(target, ast.Name):
        node = ast.Name(id=target.id, ctx=ast.Load())
    elif isinstance(target, ast.Subscript):
        node = ast.Subscript(value=target.value, slice=target.slice, ctx=ast.Load())
    elif isinstance(target, ast.Attribute):
        node = ast.Attribute(value=target.value, attr=target.attr, ctx=ast.Load())
    else:
        return target
    return ast.copy_location(node, target)
