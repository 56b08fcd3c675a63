"""SpiffWorkflow's script engine, with every expression and script run by our interpreter.

SpiffWorkflow's own ``PythonScriptEngine`` hands BPMN text to ``eval``/``exec`` with
full builtins. ``SafeScriptEngine`` keeps its interface (gateway conditions, script
tasks, timer expressions, DMN cells and process conditions all come through
``validate``/``evaluate``/``execute``) but parses and walks the text with
``engine.expressions``. Failures become ``WorkflowTaskException`` carrying our
message, the 1-based line/column inside the expression, and the offending line.

Four dialects are accepted besides Dealflow's own, all turned into it once, when a
text is first compiled (and cached): JUEL (``${approved}``, ``#{amount > 1000}``, see
``engine.expressions.juel``), Camunda 8's FEEL (``= amount > 1000``, see
``engine.expressions.feel``), Zeebe 0.x's JSON-path conditions (``$.approved == true``,
``engine.expressions.zeebe_legacy``), and timer bodies as modelers write them — bare ISO 8601
(``PT5M``), cron, or an expression whose value is a date-time or duration — which
``engine.methodology.timers`` turns into the ISO text SpiffWorkflow's timers parse.
"""

from __future__ import annotations

import ast
from collections import ChainMap
from functools import lru_cache

from datetime import timezone

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer

from engine.errors import ExpressionError
from engine.expressions import Expression, Script, compile_expression, compile_script
from engine.expressions import feel, zeebe_legacy
from engine.expressions.juel import is_juel, translate

from engine.methodology import timers

_CACHE_SIZE = 4096


@lru_cache(maxsize=_CACHE_SIZE)
def _expression(source: str) -> Expression:
    """JUEL is translated here, once per text; what is compiled and run is always
    Dealflow's own language."""
    if is_juel(source):
        return compile_expression(translate(source, "expressions"))
    if feel.is_feel(source):  # a missing field is null, as in FEEL
        return compile_expression(feel.translate(source, "expressions"), missing_is_null=True)
    if zeebe_legacy.is_legacy_condition(source):
        return compile_expression(zeebe_legacy.translate(source))
    return compile_expression(source)


# Which timer part each of SpiffWorkflow's timer event definitions was parsed from.
_TIMER_PARTS = {
    spiff_timer.TimeDateEventDefinition: "timeDate",
    spiff_timer.DurationTimerEventDefinition: "timeDuration",
    spiff_timer.CycleTimerEventDefinition: "timeCycle",
}


@lru_cache(maxsize=_CACHE_SIZE)
def _script(source: str) -> Script:
    return compile_script(source)


class SafeEnvironment(BasePythonScriptEngineEnvironment):
    """Evaluates against task data (plus SpiffWorkflow's external context, read-only)."""

    def __init__(self):
        super().__init__({})

    def evaluate(self, expression, context, external_context=None):
        variables = ChainMap(context, external_context) if external_context else context
        return _expression(expression).evaluate(variables)

    def execute(self, script, context, external_context=None):
        variables = ChainMap(context, external_context) if external_context else context
        _script(script).execute(variables)  # ChainMap writes go to the task data
        return True

    def call_service(self, context, **kwargs):
        raise ValueError("service tasks are not supported: Dealflow methodologies cannot call services")


class SafeScriptEngine(PythonScriptEngine):
    """A PythonScriptEngine that never evaluates methodology text as Python."""

    def __init__(self, environment: SafeEnvironment | None = None):
        super().__init__(environment=environment or SafeEnvironment())

    def validate(self, expression):
        """Raise SyntaxError for text that does not parse, ExpressionError for refused text.

        SpiffWorkflow's DMNEngine relies on SyntaxError to tell a full expression
        (``'gold'``) from a cell that continues the input (``> 1000``), so a parse
        failure keeps that exception type; it always carries a line number. JUEL that
        cannot be translated is a refusal, not a continuation.
        """
        try:
            _expression(expression)
        except ExpressionError as exc:
            if not is_juel(expression) and not feel.is_feel(expression) and _does_not_parse(expression):
                raise SyntaxError(exc.message, ("<expression>", exc.line or 1, exc.column or 1,
                                                expression, None, None)) from None
            raise

    def evaluate(self, task, expression, external_context=None):
        part = _timer_part(task, expression)
        try:
            if part is None:
                return self.environment.evaluate(expression, task.data, external_context)
            return self._timer_value(task, expression, part, external_context)
        except ExpressionError as exc:
            raise _task_exception(task, expression, exc, "timer" if part else "expression") from exc

    def _timer_value(self, task, expression: str, part: str, external_context) -> str:
        """The ISO 8601 text of a timer body: bare text as written, anything else
        evaluated; the "now" is the one SpiffWorkflow's timers see (engine.runtime.clock)."""
        value = expression.strip() if timers.is_bare(expression) else \
            self.environment.evaluate(expression, task.data, external_context)
        try:
            return timers.timer_text(value, part, spiff_timer.datetime.now(timezone.utc))
        except timers.TimerValueError as err:
            raise ExpressionError(err.message) from None

    def execute(self, task, script, external_context=None):
        try:
            return self.environment.execute(script, task.data, external_context)
        except ExpressionError as exc:
            raise _task_exception(task, script, exc, "script") from exc


def _timer_part(task, expression) -> str | None:
    """``timeDuration``/``timeDate``/``timeCycle`` when SpiffWorkflow is asking for the
    value of ``task``'s own timer, else None."""
    definition = getattr(task.task_spec, "event_definition", None) if task is not None else None
    # An event-based gateway holds its events' definitions (a message and a timer racing)
    # and asks for the timer's value itself when it is reached.
    for one in [definition, *getattr(definition, "event_definitions", ())]:
        if one is not None and getattr(one, "expression", None) == expression:
            return _TIMER_PARTS.get(type(one))
    return None


def _does_not_parse(text: str) -> bool:
    try:
        ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        return True
    except (MemoryError, RecursionError, ValueError):
        return False
    return False


def _task_exception(task, text: str, exc: ExpressionError, what: str) -> WorkflowTaskException:
    lines = text.splitlines()
    error_line = lines[exc.line - 1] if exc.line and 0 < exc.line <= len(lines) else ""
    error = WorkflowTaskException(exc.message, task=task, exception=exc,
                                  line_number=exc.line, offset=exc.column, error_line=error_line)
    where = f" at line {exc.line}, column {exc.column}" if exc.line else ""
    error.add_note(f"in the {what} {text.strip()[:200]!r}{where}")
    return error
