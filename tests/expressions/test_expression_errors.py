"""Run-time failures become ExpressionError with a message a designer can act on."""

import ast

import pytest

import engine.expressions as expressions
from engine.errors import ExpressionError
from engine.expressions import compile_expression
from engine.expressions.interpreter import Interpreter
from engine.expressions.limits import Budget
from engine.expressions.parsing import Positions


def fails_with(source, variables=None):
    with pytest.raises(ExpressionError) as caught:
        compile_expression(source).evaluate(variables or {})
    return caught.value


def test_an_unknown_variable_suggests_the_closest_name():
    error = fails_with("amont > 1000", {"amount": 1, "stage": "won"})
    assert error.message == "unknown variable 'amont'; did you mean 'amount'?"
    assert (error.line, error.column) == (1, 1)


def test_an_unknown_variable_never_suggests_one_that_holds_nothing():
    # The deal never got a source: suggesting it for 'score' would send the designer astray.
    error = fails_with("score > 50", {"source": None, "amount": 1})
    assert error.message == "unknown variable 'score'"


def test_a_missing_key_suggests_the_closest_key():
    error = fails_with("deal.amont", {"deal": {"amount": 1}})
    assert error.message == "'deal' has no field 'amont'; did you mean 'amount'?"


def test_a_missing_subscript_key_is_named():
    assert fails_with("deal['tier']", {"deal": {}}).message == "'deal' has no key 'tier'"


def test_a_type_mismatch_names_both_kinds_in_plain_words():
    error = fails_with("amount + ' EUR'", {"amount": 5})
    assert error.message == "cannot use '+' with number and text"


def test_comparing_unrelated_kinds_is_explained():
    assert fails_with("close_date > 5", {"close_date": "2026-01-01"}).message == \
        "cannot compare text with number using '>'"


def test_division_by_zero_is_reported_with_its_position():
    error = fails_with("1 + amount / 0", {"amount": 3})
    assert error.message == "division by zero"
    assert (error.line, error.column) == (1, 5)


def test_decimal_division_of_zero_by_zero_is_division_by_zero_too():
    assert fails_with("0.0 / 0").message == "division by zero"


def test_an_index_outside_a_list_says_how_long_the_list_is():
    assert fails_with("items[5]", {"items": [1, 2]}).message == "position 5 is outside 'items', which has 2 items"


def test_a_function_called_with_the_wrong_kind_of_value_says_what_it_needs():
    assert fails_with("len(5)").message == "len() needs text, a list or a record, not number"


def test_a_wrong_number_of_arguments_is_caught_before_running():
    with pytest.raises(ExpressionError, match=r"round\(\) takes 1 to 2 arguments, not 3"):
        compile_expression("round(1, 2, 3)")


def test_an_unknown_function_suggests_a_known_one():
    with pytest.raises(ExpressionError, match="'lenght' is not a known function; did you mean 'len'?"):
        compile_expression("lenght(x)")


def test_an_empty_expression_says_what_to_write():
    with pytest.raises(ExpressionError, match="the expression is empty"):
        compile_expression("   ")


def test_errors_never_escape_as_raw_python_exceptions():
    for source, variables in [("int('abc')", {}), ("{[1]: 2}", {}), ("min([])", {}),
                              ("days(10**12)", {}), ("sorted([1, 'a'])", {}), ("-x", {"x": "a"})]:
        with pytest.raises(ExpressionError):
            compile_expression(source).evaluate(variables)


@pytest.mark.parametrize("source", ["().__class__", "x.__class__", "__import__('os')", "open('f')",
                                    "''.split('a')", "(lambda: 1)()"])
def test_the_interpreter_refuses_unsafe_trees_even_without_the_checker(source):
    tree = ast.parse(source, mode="eval")
    interpreter = Interpreter(Positions(lines=(source,)), {"x": {}}, Budget())
    with pytest.raises(ExpressionError, match="not allowed|private|not a known function|listed functions"):
        interpreter.eval(tree)


def test_the_public_api_is_exactly_what_all_lists():
    assert sorted(expressions.__all__) == sorted([
        "Expression", "ExpressionError", "ExpressionLimitError", "FUNCTIONS", "MAX_ITEMS", "MAX_STEPS",
        "MAX_TEXT_CHARS", "Script", "Unpinned", "check_expression", "check_script", "compile_expression",
        "compile_script", "compiling_once", "unpinned_reads"])
    for name in expressions.__all__:
        assert getattr(expressions, name) is not None


def test_compiled_expressions_are_frozen_values():
    expression = compile_expression("amount > 1")
    with pytest.raises(AttributeError):
        expression.source = "True"
    assert expression == compile_expression("amount > 1")
