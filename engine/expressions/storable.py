"""How big a value really is once stored, measured without building its JSON.

Task data is written into the opportunity's workflow state as JSON after every step.
A value's size in memory says little about that: ``[x * 15000] * 10000`` is one text
and 10,000 references to it, and JSON writes the text 10,000 times (150 MB). So
``stored_size`` walks a value the way the serializer would, counting every appearance
of a shared object again, and stops as soon as the count passes the limit; it never
builds the text. It also refuses what the serializer would crash on: a value that
contains itself, nesting deeper than ``MAX_STORED_DEPTH``, and (``strict``) kinds of
value the state cannot hold.

The walk is iterative, so a 5,000-deep value is refused, not a ``RecursionError``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from engine.errors import ExpressionError, ExpressionLimitError

from engine.expressions.limits import Budget
from engine.expressions.values import kind

MAX_STORED_CHARS = 1_000_000
MAX_STORED_DEPTH = 100

_CONTAINERS = (list, tuple, set, frozenset, dict)
# Keys JSON can write (as text); anything else makes json.dumps raise.
_JSON_KEYS = (str, int, float, bool, type(None))
# A typed value in the state is written as {"typename": ..., "value": ...}.
_TYPED_OVERHEAD = 40
_SCALAR_SIZES = {bool: 5, type(None): 4, float: 24, dt.date: _TYPED_OVERHEAD + 10,
                 dt.datetime: _TYPED_OVERHEAD + 32, dt.timedelta: _TYPED_OVERHEAD + 20}


def stored_size(value: object, what: str = "the value", *, limit: int = MAX_STORED_CHARS,
                strict: bool = False, budget: Budget | None = None) -> int:
    """The number of characters ``value`` takes as JSON (an estimate that never falls
    short by more than the escaping of unusual characters); ExpressionLimitError as
    soon as it passes ``limit``, ExpressionError if it cannot be stored at all.

    ``what`` names the value in messages ("variable 'total'"). With ``strict``, kinds
    the workflow state cannot hold are refused instead of being counted as small.
    With a ``budget``, each list or record walked costs a step, plus one per ten elements.

    A list or record met again is counted again at its full size, as JSON would write
    it, but it is walked only once: its size and height are remembered."""
    walk = _Walk(what, limit, strict, budget)
    walk.visit(value, 1)
    return walk.size


class _Walk:
    """One iterative post-order walk: ``pending`` holds what to visit, and a marker
    per container to close once its elements are counted."""

    def __init__(self, what: str, limit: int, strict: bool, budget: Budget | None):
        self.what, self.limit, self.strict, self.budget = what, limit, strict, budget
        self.size = 0
        self.deepest = 0
        self.measured: dict[int, tuple[int, int]] = {}  # id -> (size, height) of a walked container
        self.on_path: set[int] = set()  # containers between the root and the element visited

    def visit(self, root: object, depth: int) -> None:
        if not isinstance(root, _CONTAINERS):
            self.size += _scalar_size(root, self.what, self.strict)
        pending: list[tuple] = [(root, depth)] if isinstance(root, _CONTAINERS) else []
        while pending:
            entry = pending.pop()
            if len(entry) == 4:
                self.close(*entry)
            else:
                self.open(*entry, pending)
            if self.size > self.limit:
                raise ExpressionLimitError(f"{self.what} is too big to store: it may take at most "
                                           f"{self.limit} characters once saved, and a list or record "
                                           "that appears in several places counts in each")

    def open(self, item, depth: int, pending: list) -> None:
        """Count a container's own text and its scalars at once; queue the containers in it."""
        known = self.measured.get(id(item))
        if known is not None:
            size, height = known
            self.check_depth(depth + height)
            self.size += size
            self.deepest = max(self.deepest, depth + height)
            return
        if id(item) in self.on_path:
            raise ExpressionError(f"{self.what} contains itself, so it cannot be stored; "
                                  "build a new list or record instead of putting one inside itself")
        self.check_depth(depth)
        if self.budget is not None:
            self.budget.step(1 + len(item) // 10)
        self.on_path.add(id(item))
        pending.append((item, depth, self.size, self.deepest))
        self.deepest = depth
        size = 2 + len(item)  # brackets and separators
        if isinstance(item, dict):
            for key in item:
                if type(key) is str:
                    size += len(key) + 3
                elif isinstance(key, _JSON_KEYS):
                    size += _scalar_size(key, self.what, self.strict) + 1
                else:
                    raise ExpressionError(f"{self.what} has a record key that is {kind(key)}; "
                                          "record keys must be text to be stored")
            children = item.values()
        else:
            children = item
        for child in children:
            if type(child) is str:  # the common case, counted without a call
                size += len(child) + 2
            elif isinstance(child, _CONTAINERS):
                pending.append((child, depth + 1))
            else:
                size += _scalar_size(child, self.what, self.strict)
        self.size += size

    def close(self, item, depth: int, size_before: int, deepest_before: int) -> None:
        self.on_path.discard(id(item))
        self.measured[id(item)] = (self.size - size_before, self.deepest - depth)
        self.deepest = max(self.deepest, deepest_before)

    def check_depth(self, depth: int) -> None:
        if depth > MAX_STORED_DEPTH:
            raise ExpressionLimitError(f"{self.what} is nested more than {MAX_STORED_DEPTH} levels deep, "
                                       "so it cannot be stored")


def _scalar_size(item: object, what: str, strict: bool) -> int:
    if isinstance(item, str):
        return len(item) + 2
    if isinstance(item, bool) or item is None:
        return 5
    if isinstance(item, int):
        return item.bit_length() * 3 // 10 + 2
    if isinstance(item, Decimal):
        sign, digits, exponent = item.as_tuple()
        return len(digits) + len(str(exponent)) + _TYPED_OVERHEAD
    for cls, size in _SCALAR_SIZES.items():
        if isinstance(item, cls):
            return size
    if strict:
        raise ExpressionError(f"{what} holds {kind(item)}, which task data cannot hold")
    return 1
