"""Turning expression or script text into a Python syntax tree, with friendly errors.

Only ``ast.parse`` is used: the text is never compiled to code. BPMN and YAML often
indent expressions, so leading indentation is removed first and every reported
position is mapped back to the line and column of the original text (both 1-based).
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass

from engine.errors import ExpressionError, ExpressionLimitError

from engine.expressions.limits import MAX_SOURCE_CHARS


@dataclass(frozen=True)
class Positions:
    """Maps ``ast`` positions in the dedented text back to the original text."""

    lines: tuple[str, ...]
    line_shift: int = 0
    first_line_col_shift: int = 0
    col_shift: int = 0

    def of(self, lineno: int | None, col_offset: int | None) -> tuple[int | None, int | None]:
        """1-based (line, column) in the original text of an ast (lineno, byte col_offset)."""
        if lineno is None:
            return None, None
        column = None
        if col_offset is not None:
            text = self.lines[lineno - 1] if 0 < lineno <= len(self.lines) else ""
            column = len(text.encode("utf-8")[:col_offset].decode("utf-8", "replace")) + 1
            column += self.first_line_col_shift if lineno == 1 else self.col_shift
        return lineno + self.line_shift, column

    def of_char(self, lineno: int | None, column: int | None) -> tuple[int | None, int | None]:
        """Like ``of`` for positions that are already 1-based characters (SyntaxError)."""
        if lineno is None:
            return None, None
        if column is not None:
            column += self.first_line_col_shift if lineno == 1 else self.col_shift
        return lineno + self.line_shift, column

    def error(self, node: ast.AST, message: str, *, limit: bool = False) -> ExpressionError:
        line, column = self.of(getattr(node, "lineno", None), getattr(node, "col_offset", None))
        return (ExpressionLimitError if limit else ExpressionError)(message, line, column)


def parse_expression(source: str) -> tuple[ast.Expression, Positions]:
    _check_text(source, "expression")
    lead = source[: len(source) - len(source.lstrip())]
    text = source.strip()
    positions = Positions(
        lines=tuple(text.splitlines()) or ("",),
        line_shift=lead.count("\n"),
        first_line_col_shift=len(lead) - (lead.rfind("\n") + 1),
    )
    if not text:
        raise ExpressionError("the expression is empty: write a condition such as amount > 1000", 1, 1)
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise _syntax_error(exc, positions, _statement_hint(text)) from None
    except (MemoryError, RecursionError):
        raise _too_deep() from None
    return tree, positions


def parse_script(source: str) -> tuple[ast.Module, Positions]:
    _check_text(source, "script")
    text = textwrap.dedent(source)
    original_lines = source.splitlines()
    dedented_lines = text.splitlines()
    shift = 0
    for before, after in zip(original_lines, dedented_lines):
        if after.strip():
            shift = len(before) - len(after)
            break
    positions = Positions(lines=tuple(dedented_lines) or ("",),
                          first_line_col_shift=shift, col_shift=shift)
    try:
        tree = ast.parse(text, mode="exec")
    except SyntaxError as exc:
        raise _syntax_error(exc, positions, None) from None
    except (MemoryError, RecursionError):
        raise _too_deep() from None
    return tree, positions


def _check_text(source: object, what: str) -> None:
    if not isinstance(source, str):
        raise ExpressionError(f"the {what} must be text, not {type(source).__name__}")
    if len(source) > MAX_SOURCE_CHARS:
        raise ExpressionLimitError(
            f"the {what} is {len(source)} characters long; the limit is {MAX_SOURCE_CHARS}")
    if "\x00" in source:
        raise ExpressionError(f"the {what} contains a NUL character")


def _too_deep() -> ExpressionLimitError:
    return ExpressionLimitError("the expression is nested too deeply; split it into simpler steps")


def _syntax_error(exc: SyntaxError, positions: Positions, hint: str | None) -> ExpressionError:
    offset = exc.offset
    if not offset and exc.lineno and exc.text is not None:
        offset = len(exc.text.rstrip("\n")) + 1
    line, column = positions.of_char(exc.lineno, offset)
    reason = exc.msg or "invalid syntax"
    if "too many nested" in reason:
        return ExpressionLimitError(
            "the expression is nested too deeply; split it into simpler steps", line, column)
    if isinstance(exc, IndentationError):
        message = f"inconsistent indentation at line {line}: {reason}"
    else:
        message = f"invalid syntax at column {column}" if column else "invalid syntax"
        if reason != "invalid syntax":
            message += f": {reason}"
        else:
            message += _where_it_went_wrong(exc.text, offset)
    if hint:
        message += f" ({hint})"
    return ExpressionError(message, line, column)


def _where_it_went_wrong(text: str | None, offset: int | None) -> str:
    """Python only says "invalid syntax"; point at the text so the reader sees it."""
    if not text or not offset:
        return ""
    line = text.rstrip("\n")
    before = line[: offset - 1].rstrip()
    if offset - 1 >= len(line.rstrip()):
        last = before.split()[-1] if before.split() else before
        return f": the text ends after '{last}', which needs something to follow it"
    word = line[offset - 1:].split()[0] if line[offset - 1:].split() else line[offset - 1]
    return f": unexpected '{word}'"


def _statement_hint(text: str) -> str | None:
    try:
        module = ast.parse(text, mode="exec")
    except (SyntaxError, MemoryError, RecursionError, ValueError):
        return None
    if len(module.body) == 1 and isinstance(module.body[0], ast.Assign):
        return "'=' assigns a value; to compare, write '=='"
    return "an expression cannot contain statements; it must compute one value"
