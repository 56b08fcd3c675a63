"""JUEL, the expression language of Camunda 7, Activiti and Flowable, translated into
Dealflow's expression language.

Pure text in, text out: ``translate('${amount > 1000 && !approved}')`` gives
``'((amount > 1000) and (not approved))'``, which is then checked and interpreted like
anything else a methodology file says. JUEL is never evaluated itself, and no part of
its text reaches Python except through this tokenizer (``juel_tokens``) and parser
(its refusals, with what to write instead, are ``juel_refusals``): names are checked
one by one, string literals are rebuilt with ``repr``, and everything outside the
supported subset is refused with a message that says what to write instead.

Supported: variables and property access on task data (``deal.amount``,
``deal['close date']``, ``lines[0]``); string, number, boolean and null literals;
``== != < <= > >=`` and ``eq ne lt le gt ge``; ``&& || !`` and ``and or not``;
``empty x``; ``x.equals(y)``; ``+ - * / %`` (``div``, ``mod``); ``c ? a : b``.
"""

from __future__ import annotations


from engine.errors import ExpressionError, ExpressionLimitError
from engine.expressions.juel_refusals import ENGINE_OBJECTS, SPIN_VALUES, RefusalsMixin, plain_field
from engine.expressions.juel_tokens import OPENING, Token, line_col, tokenize
from engine.expressions.limits import MAX_SOURCE_CHARS
from engine.expressions.token_parser import TokenParser

__all__ = ["is_juel", "translate"]

# Brackets and operators inside one another; the Python text we emit nests a little
# deeper than the JUEL, and Python's own parser stops at 200.
MAX_JUEL_NESTING = 40



def is_juel(text: object) -> bool:
    """True for text written as a JUEL expression: ``${…}`` or ``#{…}``."""
    return isinstance(text, str) and OPENING.match(text) is not None


def translate(text: str, what: str = "conditions") -> str:
    """The Dealflow expression meaning the same as the JUEL ``text``.

    ``what`` names where the text was written, for messages ("conditions", "timers").
    Raises ``ExpressionError`` (column inside ``text``) for anything not supported."""
    if not isinstance(text, str):
        raise ExpressionError(f"a JUEL expression must be text, not {type(text).__name__}")
    if len(text) > MAX_SOURCE_CHARS:
        raise ExpressionLimitError(
            f"the expression is {len(text)} characters long; the limit is {MAX_SOURCE_CHARS}")
    opening = OPENING.match(text)
    if opening is None:
        raise ExpressionError("a JUEL expression starts with ${ or #{", 1, 1)
    tokens, end = tokenize(text, opening.end())
    rest = text[end:]
    if rest.strip():
        column = end + len(rest) - len(rest.lstrip()) + 1
        raise ExpressionError(
            f"text after the closing '}}' at column {end}: write the whole {_singular(what)} as one "
            "${…}, e.g. ${a && b} rather than ${a} and ${b}", *line_col(text, column))
    parser = _Parser(text, tokens, what)
    return parser.parse()


def _singular(what: str) -> str:
    return what[:-1] if what.endswith("s") else what


# --- the parser ------------------------------------------------------------------------

_EQUALITY = {"==": "==", "!=": "!="}
_RELATIONAL = {"<": "<", "<=": "<=", ">": ">", ">=": ">="}
_ADDITIVE = {"+": "+", "-": "-"}
_MULTIPLICATIVE = {"*": "*", "/": "/", "%": "%"}


class _Parser(RefusalsMixin, TokenParser):
    """Recursive descent over JUEL's grammar (EL 2.2), emitting fully bracketed Python.

    Every operator keeps JUEL's precedence and left-to-right grouping because each
    level is wrapped in its own brackets; comparisons never chain as Python's do."""

    language = "JUEL"
    end_words = "before the closing '}'"
    max_nesting = MAX_JUEL_NESTING
    empty_message = ("the JUEL expression is empty: write a condition such as "
                     "${amount > 1000}")

    def whole(self) -> str:
        """The JUEL text as written, for messages."""
        return self.text.strip()

    # -- grammar ---------------------------------------------------------------------
    def expression(self) -> str:
        self.deeper()
        condition = self.or_()
        if self.at("?"):
            self.take()
            then = self.expression()
            self.expect(":")
            otherwise = self.expression()
            condition = f"({then} if {condition} else {otherwise})"
        elif self.at("=", "+=", "->", ";"):
            raise self.unexpected(self.token)
        self.depth -= 1
        return condition

    def or_(self) -> str:
        return self.chain(self.and_, {"||": "or"})

    def and_(self) -> str:
        return self.chain(self.equality, {"&&": "and"})

    def chain(self, operand, ops: dict[str, str]) -> str:
        """``a op b op c`` for an associative ``op``: one bracket, not one per operator."""
        parts = [operand()]
        words = []
        while self.at(*ops):
            words.append(ops[self.take().value])
            parts.append(operand())
        if len(parts) == 1:
            return parts[0]
        out = parts[0]
        for word, part in zip(words, parts[1:]):
            out += f" {word} {part}"
        return f"({out})"

    def equality(self) -> str:
        left, nested = self.relational(), 0
        while self.at(*_EQUALITY):
            op = self.take().value
            right = self.relational()
            self.deeper()
            nested += 1
            if right == "None" or left == "None":
                other = left if right == "None" else right
                left = f"({other} is {'' if op == '==' else 'not '}None)"
            else:
                left = f"({left} {op} {right})"
        self.depth -= nested
        return left

    def relational(self) -> str:
        left, nested = self.additive(), 0
        while self.at(*_RELATIONAL):
            op = self.take().value
            right = self.additive()
            self.deeper()
            nested += 1
            left = f"({left} {op} {right})"
        self.depth -= nested
        return left

    def additive(self) -> str:
        return self.arithmetic(self.multiplicative, _ADDITIVE)

    def multiplicative(self) -> str:
        return self.arithmetic(self.unary, _MULTIPLICATIVE)

    def arithmetic(self, operand, ops: dict[str, str]) -> str:
        out = operand()
        count = 0
        while self.at(*ops):
            op = self.take().value
            out += f" {op} {operand()}"
            count += 1
        return f"({out})" if count else out

    def unary(self) -> str:
        if self.at("!"):
            self.take()
            self.deeper()
            operand = self.unary()
            self.depth -= 1
            return f"(not {operand})"
        if self.at("empty"):
            self.take()
            self.deeper()
            operand = self.unary()
            self.depth -= 1
            return f"({operand} in (None, '', [], {{}}))"
        if self.at("-"):
            self.take()
            self.deeper()
            operand = self.unary()
            self.depth -= 1
            return f"(-{operand})"
        return self.postfix()

    def postfix(self) -> str:
        start = self.token
        root = start.value if start.kind == "name" else None
        value = self.primary()
        path = [root] if root else []
        spin = False  # after a Camunda Spin prop("…"): a JSON node, read as a record
        while self.at(".", "["):
            if self.at("."):
                self.take()
                name = self.token
                if name.kind != "name":
                    raise self.error(name, f"expected a field name after '.' {self.describe(name)}")
                self.take()
                field = self.source(name.start, name.stop)
                if field.startswith("_"):
                    raise self.error(name, f"names starting with '_' are private to the engine: '.{field}'")
                if self.at("(") and root not in ENGINE_OBJECTS and (field == "prop" or spin and field in SPIN_VALUES):
                    value, key = self.spin_call(name, value, field)
                    path, spin = (path + [key] if key is not None and path else []), True
                    continue
                if self.at("(") and spin:
                    raise self.error(name, f"Camunda Spin's {field}() is not supported in {self.what}: Dealflow reads "
                                           "a JSON variable as a record; read a field with prop(\"name\") and "
                                           "numberValue(), stringValue() or boolValue(), or as customer.name")
                if self.at("("):
                    return self.method_call(start, value, field, path)
                if root in ENGINE_OBJECTS:
                    raise self.engine_object(start, root, field)
                value = f"{value}.{field}" if plain_field(field) else f"{value}[{field!r}]"
                path.append(field)
            else:
                opened = self.take()
                self.deeper()
                key = self.expression()
                self.depth -= 1
                self.expect("]", opened)
                if root in ENGINE_OBJECTS:
                    raise self.engine_object(start, root, None)
                value = f"{value}[{key}]"
                path = []
        if self.at("("):
            raise self.function_call(start)
        if root in ENGINE_OBJECTS and value == root:
            raise self.engine_object(start, root, None)
        return value

    def primary(self) -> str:
        literal = self.literal()
        if literal is not None:
            return literal
        token = self.token
        if token.kind == "name":
            self.take()
            return self.variable(token)
        if self.at("("):
            opened = self.take()
            self.deeper()
            inner = self.expression()
            self.depth -= 1
            self.expect(")", opened)
            return inner
        raise self.unexpected(token)

    def variable(self, token: Token) -> str:
        name = token.value
        if "$" in name:
            raise self.error(token, f"'$' is not allowed in a variable name ({name!r}); rename the variable")
        self.check_variable_name(token)
        if self.at("("):
            raise self.function_call(token)
        after = self.tokens[self.pos + 1] if self.pos + 1 < len(self.tokens) else None
        if self.at(":") and after is not None and after.kind == "name" and \
                self.tokens[self.pos + 2].kind == "op" and self.tokens[self.pos + 2].value == "(":
            self.pos += 2  # a namespaced function, fn:contains(…)
            raise self.function_call(token)
        return name
