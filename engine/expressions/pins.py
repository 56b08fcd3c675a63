"""Which parts of a condition read a variable without another one pinned to one value.

A routing condition may compare ``amount`` only where ``currency`` is known to be one
code, since 100000 JPY is not 100000 EUR. "Known" is decided on the shape of the
condition, not by evaluating it: a part reading ``amount`` is pinned when an ``and``
around it (at any depth, through parentheses, ``or`` and ``not``) has, as another of
its operands, ``currency == 'PLN'``, ``'PLN' == currency`` or ``currency in ['PLN']``
(a list, tuple or set of one value). That is sound whatever sits above the ``and``:
when the pin is false the whole ``and`` is False, so the amount part decides nothing.
In ``a if test else b`` the pins among ``test``'s ``and`` operands pin ``a``.
Anything else — ``currency != 'JPY'``, ``currency in ['PLN', 'EUR']``, a pin under
``not`` or inside an ``or`` — pins nothing.

The module knows no currencies: the caller names the two variables and says which
pinned values count (``is_value``).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Callable

from engine.expressions.checker import check_tree
from engine.expressions.compiled import compile_expression


@dataclass(frozen=True)
class Unpinned:
    """One part of the condition that reads the variable unpinned, as written."""

    text: str
    line: int | None  # in the condition's text, 1-based
    column: int | None


def unpinned_reads(source: str, name: str, pinned: str,
                   is_value: Callable[[object], bool] = lambda _: True) -> tuple[Unpinned, ...]:
    """The parts of condition ``source`` reading ``name`` where no ``and`` around them
    pins ``pinned`` to one value ``is_value`` accepts; () when every read is pinned
    (or ``name`` is never read). Raises ExpressionError when ``source`` is no valid
    expression."""
    expression = compile_expression(source)
    if name not in expression.names:
        return ()
    finder = _Finder(expression.source.strip(), expression._positions, name, pinned, is_value)
    finder.walk(expression._tree.body, pinned_here=False)
    return tuple(finder.found)


class _Finder:
    def __init__(self, text: str, positions, name: str, pinned: str, is_value: Callable[[object], bool]):
        self.text, self.positions = text, positions
        self.name, self.pinned, self.is_value = name, pinned, is_value
        self.found: list[Unpinned] = []

    def walk(self, node: ast.expr, *, pinned_here: bool) -> None:
        """Go down the condition's logic (and, or, not, if-else); every other node is
        one part, reported when it reads ``name`` and nothing pinned it."""
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And):
            pinned_here = pinned_here or any(self.pins(operand) for operand in _operands_of_and(node))
            for operand in node.values:
                self.walk(operand, pinned_here=pinned_here)
        elif isinstance(node, ast.BoolOp):
            for operand in node.values:
                self.walk(operand, pinned_here=pinned_here)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            self.walk(node.operand, pinned_here=pinned_here)
        elif isinstance(node, ast.IfExp):
            self.walk(node.test, pinned_here=pinned_here)
            tested = any(self.pins(part) for part in _operands_of_and(node.test))
            self.walk(node.body, pinned_here=pinned_here or tested)
            self.walk(node.orelse, pinned_here=pinned_here)
        elif not pinned_here and self.reads_name(node):
            line, column = self.positions.of(node.lineno, node.col_offset)
            self.found.append(Unpinned(ast.get_source_segment(self.text, node) or ast.unparse(node), line, column))

    def reads_name(self, node: ast.expr) -> bool:
        # the checker's own scoping: a comprehension variable of that name is no read
        return self.name in check_tree(ast.Expression(body=node), self.positions, script=False).reads

    def pins(self, node: ast.expr) -> bool:
        """``pinned == V``, ``V == pinned`` or ``pinned in [V]`` with one value V."""
        if not isinstance(node, ast.Compare) or len(node.ops) != 1:
            return False
        left, op, right = node.left, node.ops[0], node.comparators[0]
        if isinstance(op, ast.Eq):
            if self.is_pinned_name(right):
                left, right = right, left
            return self.is_pinned_name(left) and self.is_one_value(right)
        if isinstance(op, ast.In) and self.is_pinned_name(left):
            return (isinstance(right, (ast.List, ast.Tuple, ast.Set)) and len(right.elts) == 1
                    and self.is_one_value(right.elts[0]))
        return False

    def is_pinned_name(self, node: ast.expr) -> bool:
        return isinstance(node, ast.Name) and node.id == self.pinned

    def is_one_value(self, node: ast.expr) -> bool:
        return isinstance(node, ast.Constant) and self.is_value(node.value)


def _operands_of_and(node: ast.BoolOp) -> list[ast.expr]:
    """The operands of an ``and``, with those of an ``and`` inside it in parentheses
    (``(currency == 'PLN' and x) and amount > 5`` pins the amount part too); any
    other node is its own one operand."""
    if not (isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And)):
        return [node]
    return [part for operand in node.values for part in _operands_of_and(operand)]
