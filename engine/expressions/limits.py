"""The budget every evaluation runs under, and the size caps on the values it builds.

Methodology files are untrusted, so every expression and script gets a fixed amount of
work (``MAX_STEPS`` node evaluations, with collection-wide operations charged one step
per element they touch) and cannot build values larger than the caps below. Sizes are
checked *before* the work is done, so ``'a' * 10**9`` fails without allocating anything.
"""

from __future__ import annotations

from engine.errors import ExpressionLimitError

MAX_STEPS = 100_000
MAX_TEXT_CHARS = 100_000
MAX_ITEMS = 10_000
MAX_INT_BITS = 4_096
MAX_RANGE = MAX_ITEMS
MAX_NESTING = 100
MAX_SOURCE_CHARS = 50_000


class Budget:
    """Counts the steps one evaluate/execute call has used."""

    __slots__ = ("steps", "limit")

    def __init__(self, limit: int = MAX_STEPS):
        self.steps = 0
        self.limit = limit

    def step(self, count: int = 1) -> None:
        self.steps += count
        if self.steps > self.limit:
            raise ExpressionLimitError(
                f"expression ran too long (more than {self.limit} steps)")

    def charge_for(self, value: object) -> None:
        """Charge one step per element a whole-value operation (str, ==, sorted) touches."""
        pending = [value]
        while pending:
            item = pending.pop()
            if isinstance(item, (list, tuple, set, frozenset)):
                self.step(len(item) + 1)
                pending.extend(item)
            elif isinstance(item, dict):
                self.step(len(item) + 1)
                pending.extend(item.keys())
                pending.extend(item.values())
            elif isinstance(item, str):
                self.step(len(item) // 1000)


    def charge_copy(self, value: object) -> None:
        """Charge for building or scanning one text or list (not its nested values)."""
        if isinstance(value, str):
            self.step(len(value) // 1000)
        elif isinstance(value, (list, tuple, set, frozenset, dict)):
            self.step(len(value) // 10)


def check_text_length(length: int) -> None:
    if length > MAX_TEXT_CHARS:
        raise ExpressionLimitError(
            f"text would be {length} characters long; the limit is {MAX_TEXT_CHARS}")


def check_item_count(count: int) -> None:
    if count > MAX_ITEMS:
        raise ExpressionLimitError(
            f"list would have {count} items; the limit is {MAX_ITEMS}")


def check_int_bits(bits: int) -> None:
    if bits > MAX_INT_BITS:
        raise ExpressionLimitError(
            f"number would have about {bits * 3 // 10} digits; "
            f"the limit is {MAX_INT_BITS * 3 // 10}")


def check_sized(value: object) -> object:
    """Refuse a freshly built text, list or integer that is over its cap."""
    if isinstance(value, str):
        check_text_length(len(value))
    elif isinstance(value, (list, tuple, set, frozenset, dict)):
        check_item_count(len(value))
    elif isinstance(value, int) and not isinstance(value, bool):
        check_int_bits(value.bit_length())
    return value
