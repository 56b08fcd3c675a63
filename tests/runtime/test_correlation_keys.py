"""Camunda 8 correlation keys evaluated on a waiting catch's data: the key as Zeebe
keeps it (text; a whole number as its decimal text), or — for the deal page — why a
declared key gave none."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.runtime.correlation_keys import CorrelationKeys

KEYS = CorrelationKeys({"order-confirmed": "= order.number", "fixed": "ZA-1", "undeclared-later": "= broken("})


@pytest.mark.parametrize("data, key", [
    ({"order": {"number": 4711}}, "4711"),
    ({"order": {"number": Decimal("4711")}}, "4711"),
    ({"order": {"number": 4711.0}}, "4711"),
    ({"order": {"number": "ZA/7"}}, "ZA/7"),
])
def test_a_key_is_text_and_a_whole_number_its_decimal_text(data, key):
    assert KEYS.explain("order-confirmed", data) == (key, None)
    assert KEYS.key("order-confirmed", data) == key


@pytest.mark.parametrize("data, why", [
    ({"order": {"number": True}}, "gave a boolean"),
    ({"order": {"number": {"a": 1}}}, "gave a record"),
    ({"order": {"number": [1, 2]}}, "gave a list"),
    ({"order": {"number": "x" * 201}}, "longer than 200 characters"),
    ({"order": {}}, "'= order.number' "),
])
def test_a_declared_key_that_gives_no_key_says_why(data, why):
    key, problem = KEYS.explain("order-confirmed", data)
    assert key is None and why in problem
    assert problem.startswith("its correlationKey '= order.number' ")


def test_plain_text_is_the_key_itself_and_an_undeclared_message_has_neither_key_nor_problem():
    assert KEYS.explain("fixed", {}) == ("ZA-1", None)
    assert KEYS.explain("no-subscription", {"order": 1}) == (None, None)


def test_a_key_stored_before_validation_refused_it_is_named_as_invalid():
    key, problem = KEYS.explain("undeclared-later", {})
    assert key is None and "not valid FEEL" in problem
