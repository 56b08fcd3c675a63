"""Camunda 8's message correlation: each message's ``zeebe:subscription
correlationKey`` is evaluated on a catch's data when the catch begins to wait, and
a message published with that key reaches the catch. The key is text, as Zeebe
keeps it: a number becomes its decimal text, anything else (a record, a list, a
variable the data lacks) gives no key — the wait is still reachable by deal id,
business key or variable, never by key."""

from __future__ import annotations

from decimal import Decimal
from typing import Mapping

from engine.errors import ExpressionError
from engine.expressions import compile_expression, feel

__all__ = ["CorrelationKeys"]


class CorrelationKeys:
    """The correlation key expressions of one process's messages, compiled once."""

    def __init__(self, written: Mapping[str, str]):
        self.written = dict(written)
        self._compiled = {}
        for message, source in self.written.items():
            try:
                self._compiled[message] = compile_expression(feel.translate(source, "correlation keys")) \
                    if feel.is_feel(source) else source  # text without '=' is the key itself
            except ExpressionError:
                continue  # refused at validation; a version stored before that check keeps no key

    def key(self, message: str, data: Mapping[str, object]) -> str | None:
        """The key of a catch of ``message`` waiting with ``data``, or None."""
        return self.explain(message, data)[0]

    def explain(self, message: str, data: Mapping[str, object]) -> tuple[str | None, str | None]:
        """(the key, why there is none): the second is None when there is a key or
        the message has no correlation key at all, else what went wrong, in words a
        designer can act on (the deal page shows it beside the wait)."""
        expression = self._compiled.get(message)
        if expression is None:
            written = self.written.get(message)
            return None, (f"its correlationKey {written!r} is not valid FEEL" if written else None)
        if isinstance(expression, str):
            return expression, None
        written = self.written[message]
        try:
            value = expression.evaluate(dict(data))
        except ExpressionError as exc:
            return None, f"its correlationKey {written!r} failed: {exc}"
        if value is None:
            return None, f"its correlationKey {written!r} gave null (is the variable set before the wait?)"
        if isinstance(value, bool):
            return None, f"its correlationKey {written!r} gave a boolean; a key is text or a number"
        if isinstance(value, (int, Decimal)) or (isinstance(value, float) and value.is_integer()):
            return (str(int(value)) if isinstance(value, float) else str(value)), None
        if not isinstance(value, str):
            kind = {dict: "a record", list: "a list"}.get(type(value), type(value).__name__)
            return None, f"its correlationKey {written!r} gave {kind}; a key is text or a number"
        if len(value) > 200:
            return None, f"its correlationKey {written!r} gave text longer than 200 characters"
        return value, None
