"""One validation compiles each expression text once (``compiling_once``)."""

import pytest

from engine.expressions import ExpressionError, compile_expression, compile_script, compiling_once


def test_inside_the_block_a_text_is_compiled_once_per_kind():
    with compiling_once():
        first = compile_expression("amount > 1")
        assert compile_expression("amount > 1") is first
        as_feel = compile_expression("amount > 1", missing_is_null=True)
        assert as_feel is not first and as_feel.missing_is_null and not first.missing_is_null
        script = compile_script("x = amount + 1")
        assert compile_script("x = amount + 1") is script
        assert script.assigns == frozenset({"x"}) and first.names == frozenset({"amount"})


def test_outside_the_block_nothing_is_kept():
    with compiling_once():
        inside = compile_expression("amount > 2")
    assert compile_expression("amount > 2") is not inside
    assert compile_expression("amount > 2") is not compile_expression("amount > 2")


def test_a_nested_block_shares_the_outer_memo_and_leaves_it_in_place():
    with compiling_once():
        outer = compile_expression("amount > 3")
        with compiling_once():
            assert compile_expression("amount > 3") is outer
        assert compile_expression("amount > 3") is outer


def test_a_text_that_fails_fails_every_time_with_the_same_message():
    messages = []
    with compiling_once():
        for _ in range(2):
            with pytest.raises(ExpressionError) as caught:
                compile_expression("__import__('os')")
            messages.append(str(caught.value))
    with pytest.raises(ExpressionError) as outside:
        compile_expression("__import__('os')")
    assert messages == [str(outside.value)] * 2
