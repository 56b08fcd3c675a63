"""Arithmetic, comparison and membership on expression values, within the size caps.

Every operator checks the size of what it would build *before* building it, and
division always gives an exact ``Decimal`` (10 / 4 is 2.5, never a float).
"""

from __future__ import annotations

import ast
from datetime import timedelta
from decimal import Decimal
from typing import Callable

from engine.errors import ExpressionError, ExpressionLimitError

from engine.expressions.checker import PERCENT_FORMATTING
from engine.expressions.limits import (MAX_INT_BITS, MAX_ITEMS, Budget, check_int_bits, check_item_count, check_sized,
                     check_text_length)
from engine.expressions.storable import MAX_STORED_CHARS, stored_size
from engine.expressions.values import exact_pair, is_number, kind, to_decimal

MAX_EXPONENT = 10_000

SYMBOLS: dict[type, str] = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
    ast.Pow: "**", ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">",
    ast.GtE: ">=", ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not",
}

_SEQUENCES = (str, list, tuple)
_CONTAINERS = (list, tuple, set, frozenset, dict)


def binary(op: ast.operator, left: object, right: object, budget: Budget | None = None) -> object:
    left, right = exact_pair(left, right)
    if isinstance(op, ast.Mult):
        _check_repetition(left, right, budget)
        _check_repetition(right, left, budget)
    try:
        result = _BINARY[type(op)](left, right)
    except TypeError:
        raise TypeError(f"cannot use '{SYMBOLS[type(op)]}' with {kind(left)} and {kind(right)}") from None
    return check_sized(result)


def _add(left, right):
    if isinstance(left, str) and isinstance(right, str):
        check_text_length(len(left) + len(right))
    elif isinstance(left, (list, tuple)) and isinstance(right, (list, tuple)):
        check_item_count(len(left) + len(right))
    return left + right


def _mul(left, right):
    for seq, count in ((left, right), (right, left)):
        if isinstance(seq, _SEQUENCES) and isinstance(count, int):
            if isinstance(seq, str):
                check_text_length(len(seq) * max(count, 0))
            else:
                check_item_count(len(seq) * max(count, 0))
            return seq * count
    if isinstance(left, int) and isinstance(right, int):
        check_int_bits(left.bit_length() + right.bit_length() - 1)
    return left * right


def _check_repetition(seq, count, budget: Budget | None) -> None:
    """Refuse ``[x] * n`` before building it when the n references to x would take more
    than the stored-size cap: the list itself is small, its JSON is not."""
    if not isinstance(seq, (list, tuple)) or not isinstance(count, int) or isinstance(count, bool) or count < 2:
        return
    if len(seq) * count > MAX_ITEMS:
        return  # _mul refuses it by its item count, with that message
    try:
        stored_size(seq, limit=MAX_STORED_CHARS // count, budget=budget)
    except ExpressionLimitError:
        raise ExpressionLimitError(f"the list repeated {count} times would take more than {MAX_STORED_CHARS} "
                                   "characters to store; the limit is for the value as saved, where every "
                                   "repetition is written out") from None


def _div(left, right):
    if is_number(left) and is_number(right):
        return to_decimal(left) / to_decimal(right)
    return left / right


def _mod(left, right):
    if isinstance(left, str):
        raise ExpressionError(PERCENT_FORMATTING)
    return left % right


def _pow(left, right):
    if not (is_number(left) and is_number(right)):
        raise TypeError
    if abs(right) > MAX_EXPONENT and abs(left) not in (0, 1):
        raise ExpressionLimitError(f"the exponent {right} is too large (the limit is {MAX_EXPONENT})")
    if isinstance(left, int) and isinstance(right, int):
        if right < 0:
            return Decimal(left) ** right
        if right * max(abs(left).bit_length() - 1, 0) > MAX_INT_BITS:
            check_int_bits(right * (abs(left).bit_length() - 1))
    return left ** right


_BINARY: dict[type, Callable[[object, object], object]] = {
    ast.Add: _add,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: _mul,
    ast.Div: _div,
    ast.FloorDiv: lambda a, b: a // b,
    ast.Mod: _mod,
    ast.Pow: _pow,
}


def unary(op: ast.unaryop, operand: object) -> object:
    if isinstance(op, ast.Not):
        return not operand
    if not (is_number(operand) or isinstance(operand, timedelta)):
        raise TypeError(f"cannot use '{'-' if isinstance(op, ast.USub) else '+'}' with {kind(operand)}")
    return -operand if isinstance(op, ast.USub) else +operand


def compare(op: ast.cmpop, left: object, right: object, budget: Budget) -> bool:
    left, right = exact_pair(left, right)
    if isinstance(op, (ast.Is, ast.IsNot)):
        if right is not None:
            raise ExpressionError("'is' only works with None (x is None, x is not None): use == to compare values")
        return (left is None) == isinstance(op, ast.Is)
    if isinstance(op, (ast.In, ast.NotIn)):
        if not isinstance(right, (str,) + _CONTAINERS):
            raise TypeError(f"'{SYMBOLS[type(op)]}' needs text, a list or a record on its right, not {kind(right)}")
        if isinstance(right, str) and not isinstance(left, str):
            raise TypeError(f"'{SYMBOLS[type(op)]}' on text needs text on its left, not {kind(left)}")
        budget.charge_for(right)
        return (left in right) == isinstance(op, ast.In)
    if isinstance(left, _CONTAINERS) or isinstance(right, _CONTAINERS):
        budget.charge_for(left)
        budget.charge_for(right)
    try:
        return _COMPARE[type(op)](left, right)
    except TypeError:
        raise TypeError(f"cannot compare {kind(left)} with {kind(right)} using '{SYMBOLS[type(op)]}'") from None


_COMPARE: dict[type, Callable[[object, object], bool]] = {
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
}
