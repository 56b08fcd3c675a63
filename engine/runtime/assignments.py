"""Assignment written as an expression (``camunda:candidateGroups="${approverGroups}"``,
Camunda 8's ``zeebe:assignmentDefinition assignee="= accountManager"``),
evaluated from a user task's data when the task becomes READY.

The names an expression gives go to the routing like literal ones (engine.rules.routing):
text is split at commas (Camunda's form, ``"sales, management"``), a list gives its
items, nothing (None, an empty list) gives no name. Anything else, and an expression
that fails, is reported as the task's ``assignment_problem``, never raised: the step
goes on and the service makes the problem visible on the deal.
"""

from __future__ import annotations

from typing import Mapping

from engine.errors import ExpressionError
from engine.expressions import compile_expression
from engine.expressions import feel, juel
from engine.expressions.compiled import Expression

__all__ = ["AssignmentExpressions", "Evaluated"]

Evaluated = tuple[tuple[tuple[str, tuple[str, ...]], ...], str | None]  # ((attribute, names), ...), problem


class AssignmentExpressions:
    """The expressions of every user task of one process, compiled once."""

    def __init__(self, written: Mapping[str, tuple[tuple[str, str], ...]]):
        self.written = {node: tuple(tuple(pair) for pair in pairs) for node, pairs in written.items() if pairs}
        self._compiled: dict[str, tuple[tuple[str, str, Expression | None, str | None], ...]] = {
            node: tuple(_compile(attribute, source) for attribute, source in pairs)
            for node, pairs in self.written.items()}

    def evaluate(self, node_id: str, data: Mapping[str, object]) -> Evaluated:
        names: list[tuple[str, tuple[str, ...]]] = []
        problems: list[str] = []
        for attribute, source, expression, refused in self._compiled.get(node_id, ()):
            if expression is None:
                problems.append(f"{attribute}=\"{source}\": {refused}")
                continue
            try:
                value = expression.evaluate(dict(data))
            except ExpressionError as err:
                problems.append(f"{attribute}=\"{source}\": {err.message}")
                continue
            given = _names(value)
            if given is None:
                problems.append(f"{attribute}=\"{source}\" gave {type(value).__name__}, not a name or a list "
                                "of names")
                continue
            names.append((attribute, given))
        return tuple(names), ("; ".join(problems) or None)


def _compile(attribute: str, source: str):
    try:
        text = (juel.translate(source, "assignments") if juel.is_juel(source)
                else feel.translate(source, "assignments") if feel.is_feel(source) else source)
        return attribute, source, compile_expression(text), None
    except ExpressionError as err:
        return attribute, source, None, err.message


def _names(value: object) -> tuple[str, ...] | None:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(n.strip() for n in value.split(",") if n.strip())
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return tuple(v.strip() for v in value if v.strip())
    return None
