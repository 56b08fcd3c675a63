"""What the JUEL and FEEL parsers share: walking a list of tokens with offsets,
expecting closing brackets, and errors at the token's line and column.

A translator's parser subclasses ``TokenParser`` and names its language, where the
text ends (for messages), and how deeply it lets brackets and operators nest."""

from __future__ import annotations

import keyword
import unicodedata
from decimal import Decimal

from engine.errors import ExpressionError, ExpressionLimitError
from engine.expressions.juel_tokens import line_col

__all__ = ["TokenParser", "number_text"]


class TokenParser:
    language = "the"  # "JUEL", "FEEL": for messages
    end_words = "at the end of the expression"  # where an "end" token stands, for messages
    max_nesting = 40
    empty_message = "the expression is empty"

    def __init__(self, text: str, tokens: list, what: str):
        self.text = text
        self.tokens = tokens
        self.pos = 0
        self.depth = 0
        self.what = what

    def parse(self) -> str:
        """The whole text, translated; the grammar starts at ``expression``."""
        if self.token.kind == "end":
            raise self.error(self.token, self.empty_message)
        result = self.expression()
        if self.token.kind != "end":
            raise self.unexpected(self.token)
        return result

    @property
    def token(self):
        return self.tokens[self.pos]

    def at(self, *ops: str) -> bool:
        return self.token.kind == "op" and self.token.value in ops

    def take(self):
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def expect(self, op: str, opened=None):
        if not self.at(op):
            if opened is not None:
                raise self.error(self.token, f"'{opened.value}' at column {opened.start + 1} is never "
                                             f"closed: expected '{op}' {self.describe(self.token)}")
            raise self.error(self.token, f"expected '{op}' {self.describe(self.token)}")
        return self.take()

    def describe(self, token) -> str:
        if token.kind == "end":
            return self.end_words
        return f"at column {token.start + 1}, found {self.source(token.start, token.stop)!r}"

    def source(self, start: int, stop: int) -> str:
        return self.text[start:stop]

    def error(self, token, message: str, limit: bool = False) -> ExpressionError:
        cls = ExpressionLimitError if limit else ExpressionError
        return cls(message, *line_col(self.text, token.start + 1))

    def deeper(self) -> None:
        self.depth += 1
        if self.depth > self.max_nesting:
            raise self.error(self.token, f"the {self.language} expression is nested too deeply (more than "
                                         f"{self.max_nesting} levels); split it into simpler steps", limit=True)

    def nested(self, parse):
        """``parse()`` one level deeper."""
        self.deeper()
        result = parse()
        self.depth -= 1
        return result

    def literal(self) -> str | None:
        """The text of a string, number, boolean or null literal at the current token
        (taken), else None."""
        token = self.token
        if token.kind == "string":
            self.take()
            return repr(token.value)
        if token.kind == "number":
            self.take()
            return number_text(token.value)
        if self.at("true", "false", "null"):
            self.take()
            return {"true": "True", "false": "False", "null": "None"}[token.value]
        return None

    def check_variable_name(self, token) -> str:
        """The name of a variable as Dealflow's expressions read it, or the refusal."""
        name = str(token.value)
        if unicodedata.normalize("NFKC", name) != name or not name.isidentifier():
            raise self.error(token, f"{name!r} is not a variable name Dealflow can read; use letters, "
                                    "digits and '_'")
        if name.startswith("_"):
            raise self.error(token, f"names starting with '_' are private to the engine: '{name}'")
        if keyword.iskeyword(name) or name in ("None", "True", "False"):
            raise self.error(token, f"a variable cannot be called '{name}' in Dealflow's expressions "
                                    f"('{name}' is a keyword there); rename the variable")
        return name


def number_text(value: Decimal | int) -> str:
    if isinstance(value, int):
        return str(value)
    text = format(value, "f")
    return text if "." in text else text + ".0"
