import pytest

from engine.expressions import ExpressionError, ExpressionLimitError, check_expression, check_script


@pytest.mark.parametrize("source", ["9 ** 9 ** 9 ** 9", "'a' * 10 ** 9", "[0] * 10 ** 6", "-(10 ** 10 ** 10)"])
def test_runaway_arithmetic_on_literals_is_refused_when_checked(source):
    with pytest.raises(ExpressionLimitError):
        check_expression(source)


def test_a_literal_division_by_zero_is_refused_when_checked():
    with pytest.raises(ExpressionError, match="division by zero"):
        check_expression("100 / (1 - 1)")


def test_the_refused_line_of_a_script_is_the_one_with_the_arithmetic():
    with pytest.raises(ExpressionLimitError) as caught:
        check_script("a = 1\nb = 10 ** 10 ** 10\n")
    assert caught.value.line == 2


def test_arithmetic_with_variables_is_left_for_run_time():
    check_expression("amount ** 2 * 10 ** 3")
