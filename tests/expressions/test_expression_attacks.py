"""The attack catalogue: what a hostile methodology file might try, and how it is refused.

Each entry is refused with its own message; static refusals happen at compile time,
so the validator reports them before anything runs.
"""


import pytest

from engine.errors import ExpressionError, ExpressionLimitError
from engine.expressions import check_expression, check_script, compile_expression, compile_script

STATIC_ATTACKS = [
    ("__import__('os').system('touch /tmp/pwned')", "'__import__' is not allowed: names starting with '_' are private", 1, 1),
    ("().__class__.__base__.__subclasses__()", "'__class__' is not allowed: names starting with '_' are private", 1, 4),
    ("x.__len__()", r"method calls are not allowed: use len\(x\) instead of x.__len__\(\)", 1, 3),
    ("getattr(x, 'y')", "'getattr' is not allowed: it reaches Python internals", 1, 1),
    ("setattr(x, 'y', 1)", "'setattr' is not allowed", 1, 1),
    ("open('/etc/passwd').read()", "'open' is not allowed", 1, 1),
    ("exec('1')", "'exec' is not allowed", 1, 1),
    ("eval('1')", "'eval' is not allowed", 1, 1),
    ("compile('1', 'f', 'eval')", "'compile' is not allowed", 1, 1),
    ("globals()", "'globals' is not allowed", 1, 1),
    ("vars()", "'vars' is not allowed", 1, 1),
    ("type(x)", "'type' is not allowed", 1, 1),
    ("object", "'object' is not allowed", 1, 1),
    ("__builtins__", "'__builtins__' is not allowed: names starting with '_' are private", 1, 1),
    ("(lambda: 1)()", "lambda is not allowed", 1, 2),
    ("f'{x.__class__}'", "'__class__' is not allowed: names starting with '_' are private", 1, 6),
    ("'{0.__class__}'.format(x)", r"method '.format\(\)' is not allowed", 1, 17),
    ("'%s' % x", "formatting text with '%' is not allowed: use an f-string", 1, 1),
    ("f'{x}: %d' % n", "formatting text with '%' is not allowed", 1, 1),
    ("x.__class__", "'__class__' is not allowed", 1, 3),
    ("[c for c in ().__class__.__mro__]", "'__class__' is not allowed", 1, 16),
    ("(y := 1)", "':=' is not allowed", 1, 2),
    ("print(1)", "'print' is not allowed", 1, 1),
    ("system('ls')", "'system' is not a known function", 1, 1),
    ("x[0](1)", "only the listed functions can be called", 1, 1),
    ("len(*x)", "unpacking are not allowed", 1, 1),
    ("1 << 100000", "the operator '<<' is not allowed", 1, 1),
    ("b'bytes'", "byte strings are not supported", 1, 1),
]


@pytest.mark.parametrize(("source", "message", "line", "column"),
                         [a for a in STATIC_ATTACKS if a[1]], ids=lambda v: str(v)[:30])
def test_an_attack_expression_is_refused_before_it_runs(source, message, line, column):
    with pytest.raises(ExpressionError, match=message) as caught:
        check_expression(source)
    assert (caught.value.line, caught.value.column) == (line, column)


SCRIPT_ATTACKS = [
    ("import os", "imports are not allowed in methodology scripts"),
    ("from os import system", "imports are not allowed in methodology scripts"),
    ("while True:\n    pass", "while loops are not allowed"),
    ("def f():\n    pass", "defining functions is not allowed"),
    ("class A:\n    pass", "classes are not allowed"),
    ("global x", "'global' is not allowed"),
    ("with open('f') as f:\n    pass", "'with' is not allowed"),
    ("try:\n    x = 1\nexcept Exception:\n    pass", "'try' is not allowed"),
    ("del x", "'del' is not allowed"),
    ("raise ValueError", "'raise' is not allowed"),
    ("x.__dict__['a'] = 1", "'__dict__' is not allowed"),
    ("__builtins__ = {}", "names starting with '_' are private"),
    ("for _ in range(3):\n    pass", "'_' is not allowed"),
]


@pytest.mark.parametrize(("source", "message"), SCRIPT_ATTACKS, ids=lambda v: str(v)[:30])
def test_an_attack_script_is_refused_before_it_runs(source, message):
    with pytest.raises(ExpressionError, match=message):
        check_script(source)


def test_string_formatting_with_percent_is_refused_at_run_time():
    with pytest.raises(ExpressionError, match="formatting text with '%' is not allowed"):
        compile_expression("'%s' % x").evaluate({"x": 1})


def test_a_statement_inside_an_expression_is_a_clear_error_not_a_syntax_crash():
    with pytest.raises(ExpressionError, match="'=' assigns a value; to compare, write '=='"):
        check_expression("stage = 'won'")


def test_a_syntax_error_carries_its_line_and_column():
    with pytest.raises(ExpressionError, match="invalid syntax at column 5: '\\(' was never closed") as caught:
        check_script("x = 1\ny = (1 +")
    assert caught.value.line == 2
    assert not isinstance(caught.value, SyntaxError)


def test_a_task_data_object_is_never_introspectable():
    class Secret:
        token = "s3cret"

    with pytest.raises(ExpressionError, match="'.token' reads a field of a record, but 'obj' is value"):
        compile_expression("obj.token").evaluate({"obj": Secret()})


def test_the_function_table_is_never_handed_out_as_a_value():
    with pytest.raises(ExpressionError, match="unknown variable 'len'; len is a function"):
        compile_expression("len").evaluate({})


LIMIT_ATTACKS = [
    ("9**9**9**9", "the exponent 387420489 is too large"),
    ("2 ** 100000", "the exponent 100000 is too large"),
    ("10 ** 5000", "number would have about"),
    ("'a' * 10**9", "text would be 1000000000 characters long; the limit is 100000"),
    ("[1] * 10**9", "list would have 1000000000 items; the limit is 10000"),
    ("range(10**9)", "list would have 1000000000 items"),
    ("str([[1] * 10000] * 10000)", "the list repeated 10000 times would take more than 1000000 characters"),
    ("[['x' * 15000] * 100] * 100", "the list repeated 100 times"),
    ("[[1] * 1000] * 10000", "the list repeated 10000 times"),
    ("len(str([[x for x in range(9999)] for y in range(20)]))", "expression ran too long"),
    ("[(x, y) for x in range(10000) for y in range(10000)]", "list would have 10001 items|expression ran too long"),
    ("'(' * 1000", None),
    ("f'{1:>1000000000}'", "format widths and precisions above 100 are not allowed"),
    ("decimal('1e999999') * 10", "the number is too large"),
    ("int(decimal('1e999999'))", "number would have about 999999 digits"),
    ("range(decimal('1e999999'))", "number would have about 999999 digits"),
    ("[('x' * 99999).upper() for i in range(10000)]", "expression ran too long"),
]


@pytest.mark.parametrize(("source", "message"), [a for a in LIMIT_ATTACKS if a[1]], ids=lambda v: str(v)[:30])
def test_work_and_size_bombs_stop_with_a_limit_error(source, message):
    with pytest.raises(ExpressionLimitError, match=message):
        compile_expression(source).evaluate({})


def test_deep_nesting_is_a_clear_error_not_a_recursion_crash():
    for source in ["(" * 1000 + "1" + ")" * 1000, "-" * 5000 + "1", "[" * 150 + "]" * 150,
                   "x" + ".a" * 5000, "1" + " + 1" * 500]:
        with pytest.raises(ExpressionLimitError, match="nested too deeply"):
            check_expression(source)


def test_a_long_loop_stops_at_the_step_budget():
    with pytest.raises(ExpressionLimitError, match=r"expression ran too long \(more than 100000 steps\)"):
        compile_script("for i in range(10**4):\n    for j in range(10**4):\n        pass").execute({})


def test_a_loop_over_a_huge_range_is_refused_before_it_starts():
    with pytest.raises(ExpressionLimitError, match="list would have 1000000000 items") as caught:
        compile_script("total = 0\nfor i in range(10**9):\n    pass").execute({})
    assert caught.value.line == 2


def test_doubling_text_in_a_loop_hits_the_text_cap():
    with pytest.raises(ExpressionLimitError, match="the limit is 100000"):
        compile_script("s = 'ab'\nfor i in range(100):\n    s = s + s").execute({})


def test_an_oversized_source_text_is_refused():
    with pytest.raises(ExpressionLimitError, match="characters long"):
        check_expression("1" + " " * 60_000)


def test_copying_big_text_in_a_loop_costs_steps():
    script = "s = 'x' * 99999\nfor i in range(10000):\n    t = s + 'y'"
    with pytest.raises(ExpressionLimitError, match="expression ran too long"):
        compile_script(script).execute({})
