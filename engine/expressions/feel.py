"""FEEL, the expression language of Camunda 8 (Zeebe), translated into Dealflow's
expression language.

Camunda 8 marks an expression with a leading ``=`` in conditions, timers and
``zeebe:`` attributes: ``translate('= amount > 1000 and not(approved)')`` gives
``'((amount > 1000) and (not approved))'``, which is then checked and interpreted like
anything else a methodology file says. FEEL is never evaluated itself: its text is cut
by ``feel_tokens``, parsed here, and everything outside the supported subset is refused
(``feel_refusals``) with what to write instead.

Supported: paths (``customer.address.city``; a field starting with ``_``, Camunda's
``toolCall._meta.id``, is read as the record's key ``toolCall['_meta']``, while variables
starting with ``_`` stay the engine's own); string (double quotes), number, boolean
and null literals; ``= != < <= > >=`` (``=`` is equality); ``and``, ``or``, ``not(…)``;
``+ - * /``; ``if … then … else …``; ``x = null``, ``is defined(a.b)``;
``contains(s, t)``, ``starts with``, ``ends with``, ``string length``, ``upper case``,
``lower case``, ``count``; ``date("…")``, ``date and time("…")``, ``duration("…")``,
``@"…"``, ``now()``, ``today()``; list literals (``["a", "b"]``), context literals
(``{name: "x", total: amount}``, a mapping), a literal position in a list (``x[1]``
is the first, ``x[-1]`` the last).
"""

from __future__ import annotations

import ast

from engine.errors import ExpressionError, ExpressionLimitError
from engine.expressions.feel_refusals import RefusalsMixin
from engine.expressions.feel_tokens import OPENING, Token, tokenize
from engine.expressions.juel_refusals import plain_field
from engine.expressions.limits import MAX_SOURCE_CHARS
from engine.expressions.token_parser import TokenParser, number_text

__all__ = ["is_feel", "translate"]

# Brackets and operators inside one another (Python's own parser stops at 200).
MAX_FEEL_NESTING = 40

_COMPARISONS = {"=": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_ADDITIVE = ("+", "-")
_MULTIPLICATIVE = ("*", "/")


def _is_condition(text: str) -> bool:
    """Whether translated text gives yes/no by its form (a comparison, and/or/not, a
    boolean literal, a text test): a filter, where anything else in brackets is a position."""
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        return False
    return isinstance(node, (ast.Compare, ast.BoolOp)) or \
        (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)) or \
        (isinstance(node, ast.Constant) and isinstance(node.value, bool)) or \
        (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
         and node.func.attr in ("startswith", "endswith"))


def _attribute_field(field: str) -> bool:
    """Whether ``.field`` can stay a dotted path in the translation. A key starting with
    '_' (Camunda's ``toolCall._meta.id``) is a record's key like any other in FEEL, but
    the language keeps ``x._name`` private: it becomes the key read ``x['_meta']``,
    which looks the key up in the record and reaches nothing of the engine's."""
    return plain_field(field) and not field.startswith("_")


def is_feel(text: object) -> bool:
    """True for text written as a Camunda 8 FEEL expression: it starts with ``=``."""
    return isinstance(text, str) and OPENING.match(text) is not None


def translate(text: str, what: str = "conditions") -> str:
    """The Dealflow expression meaning the same as the FEEL ``text`` (``= …``).

    ``what`` names where the text was written, for messages ("conditions", "timers",
    "input mappings" …). Raises ``ExpressionError`` (line and column inside ``text``)
    for anything not supported."""
    if not isinstance(text, str):
        raise ExpressionError(f"a FEEL expression must be text, not {type(text).__name__}")
    if len(text) > MAX_SOURCE_CHARS:
        raise ExpressionLimitError(
            f"the expression is {len(text)} characters long; the limit is {MAX_SOURCE_CHARS}")
    opening = OPENING.match(text)
    if opening is None:
        raise ExpressionError("a FEEL expression starts with '='", 1, 1)
    return _Parser(text, tokenize(text, opening.end()), what).parse()


class _Parser(RefusalsMixin, TokenParser):
    """Recursive descent over the supported part of FEEL (DMN 1.3, chapter 10),
    emitting fully bracketed Python-like text: every level keeps FEEL's precedence,
    and comparisons never chain (FEEL does not chain them either)."""

    language = "FEEL"
    end_words = "at the end of the expression"
    max_nesting = MAX_FEEL_NESTING
    empty_message = ("the FEEL expression after '=' is empty: write a condition such "
                     "as = amount > 1000")

    # -- grammar ---------------------------------------------------------------------
    def __init__(self, text: str, tokens: list[Token], what: str):
        super().__init__(text, tokens, what)
        self.filters: list[bool] = []  # filters being parsed, innermost last: True where bare
        # names are the filtered item's fields
        self.contexts: list[dict[str, str]] = []  # context literals being parsed: their entries so far
        self.inlined = 0  # characters of context entries written in again where later entries name them

    def expression(self) -> str:
        if self.at("if"):
            self.take()
            condition = self.nested(self.expression)
            self.expect("then")
            then = self.nested(self.expression)
            self.expect("else")
            otherwise = self.nested(self.expression)
            return f"({then} if {condition} else {otherwise})"
        if self.at("for", "some", "every", "function"):
            raise self.unexpected(self.token)
        return self.chain(self.conjunction, "or")

    def conjunction(self) -> str:
        return self.chain(self.comparison, "and")

    def chain(self, operand, word: str) -> str:
        parts = [operand()]
        while self.at(word):
            self.take()
            parts.append(operand())
        return parts[0] if len(parts) == 1 else "(" + f" {word} ".join(parts) + ")"

    def comparison(self) -> str:
        left = self.additive()
        if self.at("between", "in", "instance"):
            raise self.unexpected(self.token)
        if not self.at(*_COMPARISONS):
            return left
        op = _COMPARISONS[self.take().value]
        right = self.nested(self.additive)
        if self.at(*_COMPARISONS):
            raise self.error(self.token, "comparisons do not chain in FEEL: write two comparisons joined "
                                         "by 'and', e.g. = a < b and b < c")
        if "None" in (left, right) and op in ("==", "!="):
            other = left if right == "None" else right
            return f"({other} is {'' if op == '==' else 'not '}None)"
        return f"({left} {op} {right})"

    def additive(self) -> str:
        return self.arithmetic(self.multiplicative, _ADDITIVE)

    def multiplicative(self) -> str:
        return self.arithmetic(self.unary, _MULTIPLICATIVE)

    def arithmetic(self, operand, ops: tuple[str, ...]) -> str:
        out, count = operand(), 0
        while self.at(*ops):
            op = self.take().value
            out += f" {op} {self.nested(operand)}"
            count += 1
        return f"({out})" if count else out

    def unary(self) -> str:
        if self.at("-"):
            self.take()
            return f"(-{self.nested(self.unary)})"
        return self.postfix()

    def postfix(self) -> str:
        start = self.token
        value = self.primary()
        while self.at(".", "["):
            if self.at("["):
                value = self.bracket(value, start)
                continue
            self.take()
            name = self.token
            if name.kind != "name":
                raise self.error(name, f"expected a field name after '.' {self.describe(name)}")
            self.take()
            field = str(name.value)
            if self.at("("):
                raise self.function_refused(name)
            value = f"{value}.{field}" if _attribute_field(field) else f"{value}[{field!r}]"
        return value

    def bracket(self, value: str, start: Token) -> str:
        """``x[1]``, ``x[-1]``: a literal position (FEEL counts from 1, and from the end
        with a minus); ``x[n]`` with a computed number: that position; ``x[cond]``: the
        items for which the condition holds (a filter), as a comprehension over ``item``
        — inside it ``item`` is the item, and when the condition does not name ``item``
        its bare names are the item's fields (``parts[type = "text"]``), as in FEEL."""
        literal = self.literal_position()
        if literal is not None:
            return f"{value}[{literal}]"
        opened, at = self.take(), self.pos
        inner = self.nested(self.expression)
        if _is_condition(inner):
            self.pos = at
            self.filters.append(not self.names_item(at))
            try:
                inner = self.nested(self.expression)
            finally:
                self.filters.pop()
            self.expect("]", opened)
            return f"[item for item in {value} if {inner}]"
        self.expect("]", opened)
        return f"{value}[(({inner} - 1) if ({inner} > 0) else {inner})]"

    def literal_position(self) -> int | None:
        """A literal position ``[1]``, ``[-1]`` as Dealflow's index (taken), else None."""
        at, sign = self.pos + 1, 1
        if self.tokens[at].kind == "op" and self.tokens[at].value == "-":
            at, sign = at + 1, -1
        number = self.tokens[at]
        closing = self.tokens[at + 1] if number.kind == "number" else None
        whole = number.kind == "number" and "." not in number_text(number.value)
        if not whole or closing.kind != "op" or closing.value != "]":
            return None
        position = sign * int(number.value)
        if position == 0:
            raise self.error(number, "FEEL counts list positions from 1 (the first is [1], the last [-1])")
        self.pos = at + 2
        return position - 1 if position > 0 else position

    def names_item(self, at: int) -> bool:
        """Whether the filter starting at token ``at`` names ``item`` (before its ']')."""
        depth = 0
        for token in self.tokens[at:]:
            if token.kind == "end":
                break
            if token.kind == "op" and token.value in ("[", "(", "{"):
                depth += 1
            elif token.kind == "op" and token.value in ("]", ")", "}"):
                if depth == 0:
                    break
                depth -= 1
            elif token.kind == "name" and token.value == "item":
                return True
        return False

    def list_literal(self) -> str:
        opened = self.take()
        items = []
        while not self.at("]"):
            items.append(self.nested(self.expression))
            if not self.at(","):
                break
            self.take()
        self.expect("]", opened)
        return "[" + ", ".join(items) + "]"

    def context_literal(self) -> str:
        """``{name: "x", "full name": y}``: a record, as Dealflow's mapping."""
        opened = self.take()
        entries = []
        self.contexts.append({})
        try:
            while not self.at("}"):
                entries.append(self.context_entry())
                if not self.at(","):
                    break
                self.take()
        finally:
            self.contexts.pop()
        self.expect("}", opened)
        return "{" + ", ".join(entries) + "}"

    def context_entry(self) -> str:
        """One ``key: value`` of a context literal. A later entry (or a context inside
        it) may name an earlier one by its key, as FEEL scopes a context's entries: the
        earlier entry's translated value is written in there — the same value, as
        expressions change nothing (only uuid() would give a new identifier at each
        mention) — up to the size limit of an expression."""
        key = self.token
        if key.kind not in ("name", "string") and not (key.kind == "op" and str(key.value).isalpha()):
            raise self.error(key, f"expected a field name in the context {self.describe(key)}")
        self.take()
        words = [str(key.value)]
        while key.kind == "name" and self.token.kind == "name":  # FEEL's key of several words
            words.append(str(self.take().value))
        self.expect(":")
        value = self.nested(self.expression)
        if len(words) == 1 and words[0].isidentifier():
            self.contexts[-1][words[0]] = value
        return f"{' '.join(words)!r}: {value}"

    def primary(self) -> str:
        literal = self.literal()
        if literal is not None:
            return literal
        if self.at("["):
            return self.list_literal()
        if self.at("{"):
            return self.context_literal()
        token = self.token
        if token.kind == "temporal":
            self.take()
            return self.temporal(token)
        if token.kind == "name":
            self.take()
            if self.at("("):
                return self.call(token)
            return self.variable(token)
        if self.at("("):
            opened = self.take()
            inner = self.nested(self.expression)
            self.expect(")", opened)
            return inner
        raise self.unexpected(token)

    def variable(self, token: Token) -> str:
        entry = next((scope[str(token.value)] for scope in reversed(self.contexts) if str(token.value) in scope), None)
        if entry is not None and not (self.filters and self.filters[-1]):
            self.inlined += len(entry)
            if self.inlined > MAX_SOURCE_CHARS:
                raise self.error(token, "the context's entries name one another too often: the expression "
                                        f"would grow past {MAX_SOURCE_CHARS} characters; compute the parts "
                                        "in separate input mappings")
            return f"({entry})"
        name = self.check_variable_name(token)
        if self.filters and self.filters[-1] and name != "item":  # a field of the filtered item
            return f"item.{name}" if plain_field(name) else f"item[{name!r}]"
        return name

    def arguments(self, opened: Token) -> list[tuple[Token, str]]:
        """The arguments of a call, each with its first token; the current token is '('."""
        self.take()
        args: list[tuple[Token, str]] = []
        if self.at(")"):
            self.take()
            return args
        while True:
            first = self.token
            if first.kind == "name" and self.tokens[self.pos + 1].kind == "op" and \
                    self.tokens[self.pos + 1].value == ":":
                raise self.error(first, f"named arguments ({first.value}: …) are not supported in "
                                        f"{self.what}; give the values in order")
            args.append((first, self.nested(self.expression)))
            if not self.at(","):
                break
            self.take()
        self.expect(")", opened)
        return args
