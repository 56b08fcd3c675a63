"""Camunda Spin's JSON reads in JUEL (corpus E04: ``${customer.prop("age").numberValue()
>= 21}``): a JSON variable is a record in Dealflow's data, so ``prop("age")`` is the
field ``age`` and ``numberValue()``, ``stringValue()``, ``boolValue()`` the value read.
Nothing else of Spin is translated; it is refused saying what to write."""

from __future__ import annotations

import pytest

from engine.errors import ExpressionError
from engine.expressions import compile_expression
from engine.expressions.juel import translate


@pytest.mark.parametrize("juel, dealflow", [
    ('${customer.prop("age").numberValue() >= 21}', "(customer.age >= 21)"),
    ('${customer.prop("name").stringValue() == "Ann"}', "(customer.name == 'Ann')"),
    ("${customer.prop('vip').boolValue()}", "customer.vip"),
    ('${customer.prop("address").prop("first line").stringValue()}', "customer.address['first line']"),
    ('${customer.prop("address").city}', "customer.address.city"),
    ('${customer.prop("tags")}', "customer.tags"),
])
def test_a_spin_read_of_a_field_is_the_record_s_field(juel, dealflow):
    assert translate(juel) == dealflow


def test_it_computes_on_a_record_as_spin_on_json():
    condition = compile_expression(translate('${customer.prop("age").numberValue() < 21}'))
    assert condition.evaluate({"customer": {"age": 19}}) is True
    assert condition.evaluate({"customer": {"age": 42}}) is False


@pytest.mark.parametrize("juel, words", [
    ('${customer.prop(field).numberValue()}', 'with a literal field name only, e.g. customer.prop("age")'),
    ('${customer.prop("a", "b")}', "with a literal field name only"),
    ('${customer.prop("tags").elements()}', "Camunda Spin's elements() is not supported in conditions: Dealflow "
                                            "reads a JSON variable as a record"),
    ('${customer.prop("a").jsonPath("$.b")}', "Camunda Spin's jsonPath() is not supported"),
    ('${customer.numberValue() > 1}', "method calls are not supported in conditions"),
    ('${customer.prop("_secret").stringValue()}', "names starting with '_' are private to the engine"),
    ('${execution.prop("x")}', "execution"),
])
def test_anything_else_of_spin_is_refused_saying_what_to_write(juel, words):
    with pytest.raises(ExpressionError) as refused:
        translate(juel)
    assert words in refused.value.message
