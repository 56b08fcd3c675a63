"""unpinned_reads: which parts of a condition read amount where no 'and' around them
pins currency to one code — the shapes accepted and the shapes refused."""

from __future__ import annotations

import re

import pytest

from engine.expressions import ExpressionError, unpinned_reads


def _code(value: object) -> bool:
    return isinstance(value, str) and re.fullmatch(r"[A-Z]{3}", value) is not None


def unpinned(source: str) -> list[str]:
    return [part.text for part in unpinned_reads(source, "amount", "currency", _code)]


@pytest.mark.parametrize("source", [
    "currency == 'PLN' and amount > 5",
    "amount > 5 and currency == 'PLN'",                         # the pin may come after
    "'PLN' == currency and amount > 5",
    "currency in ['PLN'] and amount > 5",                       # a list of one code
    "currency in ('PLN',) and amount > 5",
    "(currency == 'PLN' and channel == 'horeca') and amount > 5",  # a nested 'and'
    "channel == 'horeca' and (currency == 'PLN' and amount > 5)",
    "currency == 'PLN' and (amount > 5 or amount < 1)",         # an 'or' under the pin
    "currency == 'PLN' and not amount > 5",
    "not (currency == 'PLN' and amount > 5)",                   # the pin's 'and' under a 'not'
    "(currency == 'PLN' and amount > 5) or (currency == 'EUR' and amount > 7)",
    "amount > 5 if currency == 'PLN' else False",
    "currency == 'PLN' and max(amount, 1) * 2 > 5",             # any part, not only a bare comparison
    "channel == 'horeca'",                                      # no amount at all
    "any(amount > 1 for amount in [1, 2])",                     # a comprehension's own variable
])
def test_accepted_shapes_leave_nothing_unpinned(source):
    assert unpinned(source) == []


@pytest.mark.parametrize("source, parts", [
    ("amount > 5", ["amount > 5"]),
    ("currency != 'JPY' and amount > 5", ["amount > 5"]),       # reads currency, pins nothing
    ("currency in ['PLN', 'EUR'] and amount > 5", ["amount > 5"]),
    ("(currency == 'PLN' or currency == 'EUR') and amount > 5", ["amount > 5"]),
    ("not currency == 'PLN' and amount > 5", ["amount > 5"]),
    ("not currency != 'PLN' and amount > 5", ["amount > 5"]),   # no De Morgan: write the pin positively
    ("currency == 'pln' and amount > 5", ["amount > 5"]),       # not a currency code
    ("currency == other and amount > 5", ["amount > 5"]),       # not one known value
    ("currency == 'PLN' == other and amount > 5", ["amount > 5"]),
    ("(currency == 'PLN' and amount > 5) or amount >= 100000", ["amount >= 100000"]),
    ("partner.get('vip') or amount >= 100000", ["amount >= 100000"]),
    ("amount > 5 if currency == 'PLN' else amount > 9", ["amount > 9"]),
    ("amount > 5 if currency != 'PLN' else False", ["amount > 5"]),
    ("(amount if currency == 'PLN' else 0) > 5", ["(amount if currency == 'PLN' else 0) > 5"]),
    ("amount > 1 and amount < 9", ["amount > 1", "amount < 9"]),  # every part, at once
    ("amount", ["amount"]),
])
def test_refused_shapes_name_each_unpinned_part(source, parts):
    assert unpinned(source) == parts


def test_each_part_carries_its_line_and_column_in_the_condition():
    [part] = unpinned_reads("currency != 'JPY' and  amount > 5", "amount", "currency", _code)
    assert (part.text, part.line, part.column) == ("amount > 5", 1, 24)


def test_without_a_value_test_any_one_constant_pins():
    assert unpinned_reads("currency == 'pln' and amount > 5", "amount", "currency") == ()


def test_a_condition_that_is_no_expression_is_an_expression_error():
    with pytest.raises(ExpressionError):
        unpinned_reads("amount >", "amount", "currency")
