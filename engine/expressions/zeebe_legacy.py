"""Conditions as Zeebe 0.x wrote them, before it adopted FEEL: JSON paths into the
instance's payload (``$.approved == true``, ``$.order.total > 100 && $.vip``),
translated into Dealflow's expression language.

Supported: ``$.a.b`` paths, string (double or single quotes), number, ``true``,
``false`` and ``null`` literals, ``== != < <= > >=``, ``&&``, ``||``, ``!`` and
brackets. Anything else (array paths, functions) is refused with the FEEL to write.
"""

from __future__ import annotations

import re

from engine.errors import ExpressionError

__all__ = ["is_legacy_condition", "translate"]

_MARK = re.compile(r"^\s*[(!\s]*\$\.")
_TOKEN = re.compile(r"""\s*(?:
    (?P<path>\$(?:\.[A-Za-z_][A-Za-z0-9_]*)+)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<word>true|false|null)\b
  | (?P<op>==|!=|<=|>=|<|>|&&|\|\||!|\(|\))
)""", re.VERBOSE)
_WORDS = {"true": "True", "false": "False", "null": "None"}
_OPS = {"&&": " and ", "||": " or ", "!": " not "}


def is_legacy_condition(text: object) -> bool:
    """True for a condition written the Zeebe 0.x way: it starts with a ``$.`` path."""
    return isinstance(text, str) and _MARK.match(text) is not None


def translate(text: str) -> str:
    """The Dealflow expression meaning the same as the Zeebe 0.x condition ``text``."""
    out, pos = [], 0
    while pos < len(text):
        if not text[pos:].strip():
            break
        match = _TOKEN.match(text, pos)
        if match is None:
            column = pos + len(text[pos:]) - len(text[pos:].lstrip()) + 1
            raise ExpressionError(
                f"unexpected {text[column - 1:column + 9]!r} in a Zeebe 0.x condition ($.path == value); "
                "write it in FEEL instead, e.g. = approved = true", 1, column)
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "path":
            out.append(value[2:])
        elif kind == "word":
            out.append(_WORDS[value])
        elif kind == "op":
            out.append(_OPS.get(value, f" {value} " if value not in "()" else value))
        else:
            out.append(value)
        pos = match.end()
    return "".join(out).strip()
