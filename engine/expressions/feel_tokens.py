"""FEEL's tokens: the text after Camunda 8's leading ``=`` cut into names, literals and
operators, each with its offsets, for the parser in ``engine.expressions.feel``.

FEEL names may hold spaces (``string length``, ``date and time``); the few built-in
functions Dealflow translates are recognised as one name when an opening bracket
follows them. Strings are written in double quotes with FEEL's escapes; ``@"…"`` is a
temporal literal; numbers come out as ``int`` or ``Decimal``, never too long.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from engine.errors import ExpressionError, ExpressionLimitError
from engine.expressions.juel_tokens import line_col

__all__ = ["OPENING", "Token", "line_col", "tokenize"]

# How a FEEL text opens in a Camunda 8 attribute or condition: '=', after any spaces.
OPENING = re.compile(r"\s*=")

KEYWORDS = frozenset({"and", "or", "if", "then", "else", "true", "false", "null", "for", "some", "every",
                      "in", "return", "satisfies", "between", "instance", "of", "function"})
# Built-in functions whose names are several words, read as one name before '('.
MULTI_WORD = ("string length", "date and time", "is defined", "upper case", "lower case", "starts with",
              "ends with", "get or else", "years and months duration", "day of week", "string join",
              "get value", "context put", "context merge", "list contains", "index of", "distinct values", "last day of month")
_MULTI_WORD = re.compile(r"(" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in MULTI_WORD) + r")\s*\(")
_SYMBOLS = ("==", "!=", "<=", ">=", "**", "..", "=", "<", ">", "(", ")", "[", "]", "{", "}", ".", ",", ":",
            "+", "-", "*", "/", "?", "`", "!", "&", "|", "'", ";", "$", "#", "%")
_NUMBER = re.compile(r"(\d+\.\d*|\.\d+|\d+)")
_MAX_NUMBER_DIGITS = 100
_ESCAPES = {'"': '"', "'": "'", "\\": "\\", "n": "\n", "t": "\t", "r": "\r"}


@dataclass(frozen=True)
class Token:
    kind: str  # "name", "string", "number", "temporal", "op", "end"
    value: str | Decimal | int
    start: int  # 0-based offsets into the whole text
    stop: int


def tokenize(text: str, pos: int) -> list[Token]:
    """Tokens from ``pos`` to the end of ``text``, closed by an ``end`` token."""
    tokens: list[Token] = []
    n = len(text)
    while True:
        while pos < n and text[pos].isspace():
            pos += 1
        if pos >= n:
            tokens.append(Token("end", "", n, n))
            return tokens
        ch = text[pos]
        if ch == '"':
            value, stop = _string(text, pos)
            tokens.append(Token("string", value, pos, stop))
        elif ch == "@" and text.startswith('"', pos + 1):
            value, stop = _string(text, pos + 1)
            tokens.append(Token("temporal", value, pos, stop))
        elif ch.isdigit() or (ch == "." and pos + 1 < n and text[pos + 1].isdigit()):
            match = _NUMBER.match(text, pos)
            stop = match.end()
            tokens.append(Token("number", _number(text, match), pos, stop))
        elif ch.isalpha() or ch == "_":
            multi = _MULTI_WORD.match(text, pos)
            if multi:
                stop = multi.end(1)
                tokens.append(Token("name", " ".join(multi.group(1).split()), pos, stop))
            else:
                stop = pos
                while stop < n and (text[stop].isalnum() or text[stop] == "_"):
                    stop += 1
                word = text[pos:stop]
                tokens.append(Token("op" if word in KEYWORDS else "name", word, pos, stop))
        else:
            symbol = next((s for s in _SYMBOLS if text.startswith(s, pos)), None)
            if symbol is None:
                raise ExpressionError(f"unexpected character {ch!r} in the FEEL expression",
                                      *line_col(text, pos + 1))
            stop = pos + len(symbol)
            tokens.append(Token("op", symbol, pos, stop))
        pos = stop


def _string(text: str, pos: int) -> tuple[str, int]:
    r"""A FEEL string literal in double quotes: ``\"``, ``\\``, ``\n``, ``\t``, ``\r``,
    ``\'`` and ``\uXXXX`` are escapes."""
    out, i, n = [], pos + 1, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n:
            nxt = text[i + 1]
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                i += 2
                continue
            if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", text[i + 2:i + 6]):
                out.append(chr(int(text[i + 2:i + 6], 16)))
                i += 6
                continue
            raise ExpressionError(f"unknown escape '\\{nxt}' in the text: write '\\\\' for a backslash",
                                  *line_col(text, i + 1))
        if ch == '"':
            return "".join(out), i + 1
        out.append(ch)
        i += 1
    raise ExpressionError('the text starting with " is never closed: end it with "', *line_col(text, pos + 1))


def _number(text: str, match: re.Match) -> Decimal | int:
    digits = match.group(0)
    if len(digits) > _MAX_NUMBER_DIGITS:
        raise ExpressionLimitError(f"the number at column {match.start() + 1} is too long",
                                   *line_col(text, match.start() + 1))
    return int(digits) if "." not in digits else Decimal(digits)
