"""Why a JUEL construct is refused, and what to write in its place.

A mixin of ``engine.expressions.juel``'s parser: it reads the parser's ``text``,
``tokens``, ``pos`` and ``what`` (where the text was written) and builds the
``ExpressionError`` for what Dealflow does not run — assignments, lambdas, method and
function calls, Camunda's engine objects — quoting the construct as written and
suggesting the variable or expression to use instead.
"""

from __future__ import annotations

import keyword
import re
import unicodedata

from engine.errors import ExpressionError
from engine.expressions.juel_tokens import OPENING, Token

__all__ = ["ENGINE_OBJECTS", "SPIN_VALUES", "RefusalsMixin", "plain_field"]

# Roots that name Camunda's engine objects rather than task data.
# Camunda Spin's JSON node methods giving the node's value (after prop("…")).
SPIN_VALUES = frozenset({"numberValue", "stringValue", "boolValue"})
ENGINE_OBJECTS = {
    "execution": "the running process instance",
    "task": "the engine's task object",
    "delegateTask": "the engine's task object",
    "externalTask": "the engine's external task object",
    "authenticatedUserId": "the engine's logged-in user",
    "processEngine": "the process engine",
    "processEngineServices": "the process engine",
    "variableScope": "the engine's variable scope",
    "connector": "the engine's connectors",
}
_SIZE_METHODS = frozenset({"size", "isEmpty", "length"})


class RefusalsMixin:
    """The parser's refusals; each returns the error for the parser to raise."""

    def unexpected(self, token: Token) -> ExpressionError:
        value = token.value
        if token.kind == "end":
            last = self.tokens[self.pos - 1] if self.pos else token
            return self.error(token, "the JUEL expression ends too early: something must follow "
                                     f"{self.source(last.start, last.stop)!r}")
        if token.kind == "op" and value in ("=", "+="):
            return self.error(token, f"assignment ('{value}') is not supported in {self.what}: compare with "
                                     "'==', or set variables in a script task")
        if token.kind == "op" and value == ";":
            return self.error(token, f"';' is not supported in {self.what}: write one expression")
        if token.kind == "op" and value == "->":
            return self.error(token, f"lambda expressions ('->') are not supported in {self.what}")
        if token.kind == "op" and value in ("[", "{"):
            return self.error(token, f"list and map literals are not supported in {self.what}; "
                                     "compare values one by one: ${a == 'x' || a == 'y'}")
        if token.kind == "op" and value == "instanceof":
            return self.error(token, f"'instanceof' is not supported in {self.what}")
        shown = self.source(token.start, token.stop)
        return self.error(token, f"unexpected {shown!r} at column {token.start + 1} in the JUEL expression")

    def snippet(self, start: Token) -> str:
        """The construct from ``start`` to the end of its chain of fields, calls and
        brackets, as written; the whole expression as ``${…}`` when it is all of it."""
        stop = self.tokens[self.pos - 1].stop
        depth = 0
        for tok in self.tokens[self.pos:]:
            if tok.kind == "end":
                break
            opens = tok.kind == "op" and tok.value in ("(", "[")
            closes = tok.kind == "op" and tok.value in (")", "]")
            if depth == 0 and not (opens or tok.kind == "name" or (tok.kind == "op" and tok.value == ".")):
                break
            depth += 1 if opens else -1 if closes else 0
            if depth < 0:
                break
            stop = tok.stop
        text = self.source(start.start, stop)
        body = self.text[OPENING.match(self.text).end():self.tokens[-1].start].strip()
        return self.whole() if text.strip() == body else text

    def spin_call(self, name: Token, value: str, method: str) -> tuple[str, str | None]:
        """Camunda Spin's JSON reads, as a record's: ``customer.prop("age")`` is the field
        ``customer.age`` (or ``customer['first name']``), and ``numberValue()``,
        ``stringValue()``, ``boolValue()`` after it the value itself — a JSON variable is a
        record in Dealflow's data. Only a literal name is read: (the value, the field)."""
        opened = self.take()
        if method != "prop":
            self.expect(")", opened)
            return value, None
        key = self.token
        if key.kind != "string" or self.tokens[self.pos + 1].kind != "op" or self.tokens[self.pos + 1].value != ")":
            raise self.error(name, "Camunda Spin's prop(…) is read here with a literal field name only, "
                                   'e.g. customer.prop("age").numberValue()')
        self.take()
        self.expect(")", opened)
        field = str(key.value)
        if field.startswith("_"):
            raise self.error(key, f"names starting with '_' are private to the engine: '{field}'")
        return (f"{value}.{field}" if plain_field(field) else f"{value}[{field!r}]"), field

    def method_call(self, start: Token, value: str, method: str, path: list[str]) -> str:
        if method == "equals" and start.kind == "name" and start.value not in ENGINE_OBJECTS:
            opened = self.take()
            self.deeper()
            argument = self.expression()
            self.depth -= 1
            if self.at(","):
                raise self.error(self.token, ".equals(…) takes one value")
            self.expect(")", opened)
            return f"({value} == {argument})"
        if start.kind == "name" and start.value in ENGINE_OBJECTS:
            raise self.engine_object(start, start.value, method)
        shown = self.snippet(start)
        if method in _SIZE_METHODS and path:
            target = ".".join(p for p in path)
            return_hint = (f"test for an empty value with `${{empty {target}}}` or `${{not empty {target}}}`, "
                           f"or count in Dealflow's own language: `len({target}) == 0`")
            raise self.error(start, f"method calls are not supported in {self.what}: `{shown}`; {return_hint}")
        argument = self.tokens[self.pos + 1]
        suggestion = argument.value if argument.kind == "string" and plain_field(argument.value) \
            else _variable_for(method)
        raise self.error(start, f"method calls are not supported in {self.what}: `{shown}`; compute the value "
                                f"in a form field or a script task and {self.use()}: `${{{suggestion}}}`")

    def function_call(self, start: Token) -> ExpressionError:
        """Refuse ``f(…)`` or ``fn:f(…)``; the current token is the '('."""
        shown = self.snippet(start)
        before = self.tokens[self.pos - 1]
        name = before.value if before.kind == "name" else "value"
        return self.error(start, f"function calls are not supported in {self.what}: `{shown}`; compute the "
                                 f"value in a form field or a script task and {self.use()}: "
                                 f"`${{{_variable_for(str(name))}}}`")

    def use(self) -> str:
        return "compare it" if self.what == "conditions" else "use it"

    def engine_object(self, start: Token, root: str, field: str | None) -> ExpressionError:
        shown = self.snippet(start)
        if root == "execution" and field == "getVariable":
            argument = self.tokens[self.pos + 1] if self.pos + 1 < len(self.tokens) else None
            if argument is not None and argument.kind == "string":
                return self.error(start, f"`{shown}` reads Camunda's process instance, which Dealflow does not "
                                         f"have; read the variable by its name: `${{{argument.value}}}`")
        return self.error(start, f"`{shown}` reads {ENGINE_OBJECTS[root]} ('{root}'), which Dealflow does "
                                 f"not expose to {self.what}; read task data by its name, e.g. `${{approved}}`")


def plain_field(field: str) -> bool:
    return field.isidentifier() and not keyword.iskeyword(field) and field not in ("None", "True", "False") \
        and unicodedata.normalize("NFKC", field) == field



def _variable_for(method: str) -> str:
    """``isManager`` -> ``is_manager``, ``getEndDate`` -> ``end_date``: a variable name to suggest."""
    name = re.sub(r"^get(?=[A-Z])", "", method)
    name = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()
    return name if name.isidentifier() and not keyword.iskeyword(name) else "value"
