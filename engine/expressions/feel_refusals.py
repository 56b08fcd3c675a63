"""FEEL's built-in functions Dealflow translates, and why everything else is refused.

A mixin of ``engine.expressions.feel``'s parser: ``call`` maps the few functions
Dealflow's language has an equivalent for, checking literal dates and durations
once, at validation; the other methods build the ``ExpressionError`` for what
Dealflow does not run (list filters, contexts, loops, ranges, other functions),
quoting the construct as written and saying what to write instead.
"""

from __future__ import annotations

import re

from engine.errors import ExpressionError
from engine.expressions.feel_tokens import Token
from engine.expressions.functions import FUNCTIONS

__all__ = ["RefusalsMixin", "SUPPORTED_FUNCTIONS"]

# FEEL function -> (Dealflow template over the translated arguments, number of arguments).
SUPPORTED_FUNCTIONS = {
    "not": ("(not {0})", 1),
    "contains": ("({1} in {0})", 2),
    "starts with": ("{0}.startswith({1})", 2),
    "ends with": ("{0}.endswith({1})", 2),
    "string length": ("len({0})", 1),
    "count": ("len({0})", 1),
    "upper case": ("upper({0})", 1),
    "lower case": ("lower({0})", 1),
    "abs": ("abs({0})", 1),
    "date": ("date({0})", 1),
    "date and time": ("datetime({0})", 1),
    "duration": ("duration({0})", 1),
    "now": ("now()", 0),
    "today": ("today()", 0),
    "uuid": ("uuid()", 0),
    "string": ("str({0})", 1),
    "number": ("decimal({0})", 1),
}
# FEEL functions taking a varying number of values (fewest, most), translated by ``variadic``.
_VARIADIC = {"string join": (1, 2), "context put": (3, 3), "context merge": (1, None), "concatenate": (1, None)}
# Camunda 8's AI-agent tool parameters: fromAi(value, description, type, schema, options)
# is the value (the agent's tool call fills it in); the rest describes it to the model.
_FROM_AI_MOST_ARGUMENTS = 5
# Functions whose literal argument is checked here, once, by Dealflow's own function.
_CHECKED_LITERALS = {"date": "date", "date and time": "datetime", "duration": "duration"}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class RefusalsMixin:
    """The parser's function calls and refusals; refusals return the error to raise."""

    def call(self, name: Token) -> str:
        function = str(name.value)
        opened = self.token
        if function == "is defined":
            return self.is_defined(name, opened)
        if function == "fromAi":
            return self.from_ai(name, opened)
        if function in _VARIADIC:
            return self.variadic(name, opened)
        if function not in SUPPORTED_FUNCTIONS:
            raise self.function_refused(name)
        template, count = SUPPORTED_FUNCTIONS[function]
        args = self.arguments(opened)
        if len(args) != count:
            raise self.error(name, f"{function}() takes {count} value{'s' if count != 1 else ''}, "
                                   f"not {len(args)}")
        if function in _CHECKED_LITERALS and args[0][0].kind == "string" and \
                self.tokens[self.pos - 2] is args[0][0]:
            self.check_literal(args[0][0], _CHECKED_LITERALS[function])
        return template.format(*(text for _, text in args))

    def is_defined(self, name: Token, opened: Token) -> str:
        """``is defined(a.b)`` -> ``('b' in (a or {}))``: whether a record has the field. A
        top-level variable is always there in Dealflow's task data once something
        sets it, so that form is refused with the comparison to write instead."""
        start = self.pos + 1
        args = self.arguments(opened)
        if len(args) != 1:
            raise self.error(name, f"is defined() takes 1 value, not {len(args)}")
        text = args[0][1]
        tokens = self.tokens[start:self.pos - 1]
        simple = all(t.kind == "name" or (t.kind == "op" and t.value == ".") for t in tokens)
        if not simple or len(tokens) < 3:
            shown = self.source(tokens[0].start, tokens[-1].stop) if tokens else ""
            raise self.error(name, f"is defined({shown}) is supported for a field of a record "
                                   f"(is defined(customer.email)); for a variable of the process, "
                                   f"compare it with null: = {shown or 'x'} != null")
        field = str(tokens[-1].value)
        record = text[:-len(field) - 1] if text.endswith(f".{field}") else text[:-len(repr(field)) - 2]
        key = repr(field)
        return f"({key} in ({record} or {{}}))"  # a field of null (read as FEEL) is not defined

    def variadic(self, name: Token, opened: Token) -> str:
        """``string join(list)``, ``string join(list, ", ")`` (nulls left out, as FEEL
        does), ``context put(record, key, value)`` (a copy with the key set) and
        ``context merge([a, b])`` or ``context merge(a, b)`` (one record of all their
        entries, a later one's winning) and ``concatenate(a, b)`` (one list of their items)."""
        function = str(name.value)
        low, high = _VARIADIC[function]
        args = [text for _, text in self.arguments(opened)]
        if not low <= len(args) <= (high if high is not None else len(args)):
            wanted = f"{low} or more" if high is None else f"{low} or {high}" if low != high else f"{low}"
            raise self.error(name, f"{function}() takes {wanted} values, not {len(args)}")
        if function == "string join":
            separator = args[1] if len(args) > 1 else "''"
            return f"{separator}.join([item for item in {args[0]} if item is not None])"
        if function == "context merge":  # a list of contexts, or (as Camunda's FEEL takes them) several
            return f"merge({', '.join(args)})"
        if function == "concatenate":
            return f"concat({', '.join(args)})"
        return f"put({args[0]}, {args[1]}, {args[2]})"

    def from_ai(self, name: Token, opened: Token) -> str:
        args = self.arguments(opened)
        if not 1 <= len(args) <= _FROM_AI_MOST_ARGUMENTS:
            raise self.error(name, f"fromAi() takes the value and at most {_FROM_AI_MOST_ARGUMENTS - 1} "
                                   f"descriptions of it, not {len(args)} values")
        return args[0][1]

    def check_literal(self, token: Token, function: str) -> None:
        try:
            FUNCTIONS[function].impl(token.value)
        except (TypeError, ValueError) as err:
            raise self.error(token, str(err)) from None

    def temporal(self, token: Token) -> str:
        """``@"P3D"``, ``@"2024-01-01"``, ``@"2024-01-01T10:00:00Z"``: FEEL's temporal literals."""
        text = str(token.value).strip()
        function = "duration" if text.lstrip("-").startswith("P") else \
            "date" if _DATE.fullmatch(text) else "datetime"
        self.check_literal(token, function)
        return f"{function}({text!r})"

    def function_refused(self, name: Token) -> ExpressionError:
        function = str(name.value)
        supported = ", ".join(f"{f}()" for f in ("not", "contains", "string length", "string join", "context put",
                                                "context merge", "is defined", "date", "duration"))
        return self.error(name, f"the FEEL function {function}() is not supported in {self.what}: compute "
                                f"the value in a form field or a script task and use it by its name, or use "
                                f"one of {supported} and the others listed in docs/expressions.md")

    def unexpected(self, token: Token) -> ExpressionError:
        value = token.value
        if token.kind == "end":
            last = self.tokens[self.pos - 1] if self.pos else token
            return self.error(token, "the FEEL expression ends too early: something must follow "
                                     f"{self.source(last.start, last.stop)!r}")
        if token.kind == "op":
            hint = _HINTS.get(str(value))
            if hint:
                return self.error(token, hint.format(what=self.what))
        shown = self.source(token.start, token.stop)
        return self.error(token, f"unexpected {shown!r} at column {token.start + 1} in the FEEL expression")


_HINTS = {
    "in": "'in' (unary tests) is not supported in {what}: compare values one by one, "
          "e.g. = a = \"x\" or a = \"y\"",
    "between": "'between' is not supported in {what}: write = x >= low and x <= high",
    "instance": "'instance of' is not supported in {what}: Dealflow's form fields have fixed types",
    "for": "'for' loops are not supported in {what}: compute lists in a script task "
           "(e.g. [c.name for c in contacts])",
    "some": "'some … satisfies' is not supported in {what}: compute it in a script task with any(…)",
    "every": "'every … satisfies' is not supported in {what}: compute it in a script task with all(…)",
    "function": "function definitions are not supported in {what}",
    "'": "text is written in double quotes in FEEL: \"like this\"",
    "==": "FEEL compares with a single '=': = status = \"won\"",
    "!": "FEEL negates with not(…): = not(approved)",
    "&": "FEEL joins conditions with 'and': = a and b",
    "|": "FEEL joins conditions with 'or': = a or b",
    "**": "powers ('**') are not supported in {what}",
    "..": "ranges ('..') are not supported in {what}: write = x >= low and x <= high",
    "`": "names in backticks are not supported in {what}: rename the variable with letters, digits and '_'",
    "?": "'?' is not FEEL: write = if condition then a else b",
}
