"""Formatting inside f-strings is bounded before the text is built: a huge width,
precision or padding is refused when the file is validated, and a number that would
take more than 1,000 digits in fixed point is refused before Python writes it out."""

import datetime as dt
import tracemalloc
from decimal import Decimal

import pytest

from engine.errors import ExpressionError, ExpressionLimitError
from engine.expressions import check_expression, check_script, compile_expression
from engine.expressions.formatting import MAX_FIXED_DIGITS, format_value


def evaluate(source, **variables):
    return compile_expression(source).evaluate(variables)


@pytest.mark.parametrize("source", [
    "f'{1e999999999:f}'",
    "f'{1e-999999999:f}'",
    "f'{1e999999:,.2f}'",
    "f'{1e5000:%}'",
    "'total: ' + f'{1e999999999:F}'",
])
def test_a_literal_number_too_long_for_fixed_point_is_refused_at_validate(source):
    with pytest.raises(ExpressionLimitError, match="digits written out in full; the limit is 1000: "
                                                   "use an 'e' or 'g' format") as caught:
        check_expression(source)
    assert caught.value.line == 1


@pytest.mark.parametrize("source", [
    "f'{amount:>1000000000}'",
    "f'{amount:.1000f}'",
    "f'{amount:0101d}'",
    "f'{day:%1000000000Y}'",
    "f'{amount:" + "9" * 5000 + "}'",
])
def test_a_literal_format_spec_with_a_huge_width_or_precision_is_refused_at_validate(source):
    with pytest.raises(ExpressionLimitError, match="format widths and precisions above 100 are not allowed"):
        check_expression(source)


def test_a_script_with_a_huge_format_spec_is_refused_at_its_line():
    with pytest.raises(ExpressionLimitError, match="above 100") as caught:
        check_script("a = 1\nb = f'{a:>100000}'")
    assert caught.value.line == 2


def test_a_computed_huge_number_is_refused_before_its_digits_are_built():
    tracemalloc.start()
    try:
        for value in (Decimal("1e999999999"), Decimal("1e-999999999"), Decimal("0E-999999999")):
            with pytest.raises(ExpressionLimitError, match="digits written out in full"):
                evaluate("f'{x:f}'", x=value)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000  # bytes: the billion digits were never built


def test_the_fixed_point_rule_is_exactly_1000_digits():
    assert len(evaluate("f'{x:f}'", x=Decimal("1e999"))) == MAX_FIXED_DIGITS
    with pytest.raises(ExpressionLimitError, match="would take 1001 digits"):
        evaluate("f'{x:f}'", x=Decimal("1e1000"))
    assert evaluate("f'{x:.1f}'", x=Decimal("1e-999999999")) == "0.0"


def test_big_and_small_numbers_still_format_in_the_other_styles():
    assert len(evaluate("f'{1e308:f}'")) == 309
    assert evaluate("f'{x:.3e}'", x=Decimal("1e999999999")) == "1.000e+999999999"
    assert evaluate("f'{x}'", x=Decimal("1e-999999999")) == "1E-999999999"
    assert evaluate("f'{x:g}'", x=Decimal("1e999999999")) == "1e+999999999"
    assert evaluate("f'{x:,.2f} EUR'", x=Decimal("1234.5")) == "1,234.50 EUR"
    assert evaluate("f'{x:.1%}'", x=Decimal("0.123")) == "12.3%"
    assert evaluate("f'{x:>100}'", x="a") == " " * 99 + "a"
    assert evaluate("f'{d:%Y-%m-%d}'", d=dt.date(2026, 12, 4)) == "2026-12-04"
    assert len(evaluate("f'{x:f}'", x=1e308)) == 316  # a float is below 1e309 whatever it is


def test_a_date_format_that_would_be_too_long_is_refused_before_it_is_built():
    with pytest.raises(ExpressionLimitError, match="text would be .* characters long"):
        evaluate("f'{d:" + "%c" * 20000 + "}'", d=dt.date(2026, 12, 4))


def test_format_value_bounds_every_kind_of_value_before_formatting():
    assert format_value(10 ** 1000, ",") == f"{10 ** 1000:,}"
    assert format_value("abc", ".2") == "ab"
    with pytest.raises(ExpressionLimitError):
        format_value(Decimal("1e2000"), "f")
    with pytest.raises(ValueError):
        format_value("abc", "d")  # the interpreter turns this into an ExpressionError


@pytest.mark.parametrize("source", ["'%s' % x", "'%d items' % len(x)", "f'{x}%s' % x"])
def test_percent_formatting_is_refused_at_validate_as_the_docs_say(source):
    with pytest.raises(ExpressionError, match="formatting text with '%' is not allowed: use an f-string") as caught:
        check_expression(source)
    assert (caught.value.line, caught.value.column) == (1, 1)


def test_percent_formatting_of_text_held_in_a_variable_is_refused_at_run_time():
    check_expression("template % x")  # a remainder, as far as validation can tell
    with pytest.raises(ExpressionError, match="formatting text with '%' is not allowed"):
        evaluate("template % x", template="%s", x=1)
    with pytest.raises(ExpressionError, match="formatting text with '%' is not allowed"):
        compile_expression("t % 1").evaluate({"t": "%s"})
    assert evaluate("x % 7", x=23) == 2
