"""JUEL's tokens: the text inside ``${…}`` cut into names, literals and operators, each
with its offsets, for the parser in ``engine.expressions.juel``. Word operators
(``and``, ``eq``, ``div``…) come out as their symbols; string literals with JUEL's
three escapes resolved; numbers as ``int`` or ``Decimal``, never too long or large.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from engine.errors import ExpressionError, ExpressionLimitError
from engine.expressions.limits import MAX_SOURCE_CHARS

__all__ = ["OPENING", "Token", "line_col", "tokenize"]

# How a JUEL text opens: ${ or #{, after any spaces.
OPENING = re.compile(r"\s*([$#])\{")

_MAX_NUMBER_DIGITS = 100
_KEYWORDS = frozenset({"and", "or", "not", "eq", "ne", "lt", "gt", "le", "ge", "true", "false",
                       "null", "empty", "div", "mod", "instanceof"})
_WORD_OPERATORS = {"and": "&&", "or": "||", "not": "!", "eq": "==", "ne": "!=", "lt": "<",
                   "gt": ">", "le": "<=", "ge": ">=", "div": "/", "mod": "%"}
_SYMBOLS = ("==", "!=", "<=", ">=", "&&", "||", "->", "+=", "=", "<", ">", "!", "(", ")", "[", "]",
            ".", ",", "?", ":", "+", "-", "*", "/", "%", ";", "{", "}")


def line_col(text: str, column: int) -> tuple[int, int]:
    """(line, column) both 1-based of the 1-based character offset ``column``."""
    before = text[: column - 1]
    line = before.count("\n") + 1
    return line, column - (before.rfind("\n") + 1)


@dataclass(frozen=True)
class Token:
    kind: str  # "name", "string", "number", "op", "end"
    value: str | Decimal | int
    start: int  # 0-based offsets into the whole text
    stop: int


_NUMBER = re.compile(r"(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?")


def tokenize(text: str, pos: int) -> tuple[list[Token], int]:
    """Tokens from ``pos`` up to the closing ``}``; returns them and the offset after it."""
    tokens: list[Token] = []
    n = len(text)
    while True:
        while pos < n and text[pos].isspace():
            pos += 1
        if pos >= n:
            raise ExpressionError("the JUEL expression is never closed: add '}' at its end",
                                  *line_col(text, n + 1))
        ch = text[pos]
        if ch == "}":
            tokens.append(Token("end", "}", pos, pos + 1))
            return tokens, pos + 1
        if ch in "'\"":
            value, stop = _string(text, pos)
            tokens.append(Token("string", value, pos, stop))
            pos = stop
        elif ch.isdigit() or (ch == "." and pos + 1 < n and text[pos + 1].isdigit()):
            match = _NUMBER.match(text, pos)
            tokens.append(Token("number", _number(text, match), pos, match.end()))
            pos = match.end()
        elif ch.isalpha() or ch in "_$":
            stop = pos
            while stop < n and (text[stop].isalnum() or text[stop] in "_$"):
                stop += 1
            word = text[pos:stop]
            kind = "op" if word in _KEYWORDS else "name"
            tokens.append(Token(kind, _WORD_OPERATORS.get(word, word), pos, stop))
            pos = stop
        else:
            symbol = next((s for s in _SYMBOLS if text.startswith(s, pos)), None)
            if symbol is None:
                raise ExpressionError(f"unexpected character {ch!r} in the JUEL expression",
                                      *line_col(text, pos + 1))
            tokens.append(Token("op", symbol, pos, pos + len(symbol)))
            pos += len(symbol)
        if len(tokens) > MAX_SOURCE_CHARS:  # unreachable given the text limit; a guard all the same
            raise ExpressionLimitError("the JUEL expression is too long")


def _string(text: str, pos: int) -> tuple[str, int]:
    r"""A JUEL string literal: ``\'``, ``\"`` and ``\\`` are escapes; nothing else is."""
    quote, out, i, n = text[pos], [], pos + 1, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n and text[i + 1] in "'\"\\":
            out.append(text[i + 1])
            i += 2
        elif ch == quote:
            return "".join(out), i + 1
        else:
            out.append(ch)
            i += 1
    raise ExpressionError(f"the text starting with {quote} is never closed: end it with {quote}",
                          *line_col(text, pos + 1))


def _number(text: str, match: re.Match) -> Decimal | int:
    digits, exponent = match.group(1), match.group(2)
    if len(match.group(0)) > _MAX_NUMBER_DIGITS:
        raise ExpressionLimitError(f"the number at column {match.start() + 1} is too long",
                                   *line_col(text, match.start() + 1))
    if exponent is None and "." not in digits:
        return int(digits)
    try:
        value = Decimal(match.group(0))
    except InvalidOperation:  # pragma: no cover - the pattern only matches valid numbers
        raise ExpressionError(f"{match.group(0)!r} is not a number") from None
    if abs(value.adjusted()) > _MAX_NUMBER_DIGITS:
        raise ExpressionLimitError(f"the number {match.group(0)} is too large",
                                   *line_col(text, match.start() + 1))
    return value
