"""stored_size counts what a value takes as JSON, every appearance of a shared list or
text included, stops as soon as the cap is passed, and refuses what cannot be stored
(a value containing itself, nesting deeper than 100) without recursing or building
any text."""

import datetime as dt
import json
import time
import tracemalloc
from decimal import Decimal

import pytest

from engine.errors import ExpressionError, ExpressionLimitError
from engine.expressions import compile_expression, compile_script
from engine.expressions.limits import Budget
from engine.expressions.storable import MAX_STORED_CHARS, MAX_STORED_DEPTH, stored_size


def nested(levels: int) -> list:
    value: list = []
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize("value", [
    "text", 12345, -7, True, None, [1, "a", [2, 3]], {"a": [1, 2], "b": {"c": "d"}},
    ["shared"] * 50, {"k": ["v" * 100] * 20},
])
def test_the_size_is_never_less_than_the_json_it_stands_for(value):
    assert stored_size(value) >= len(json.dumps(value, separators=(",", ":")))


def test_a_shared_text_counts_once_per_place_it_appears():
    text = "x" * 1000
    assert stored_size([text] * 100) >= 100 * 1000
    with pytest.raises(ExpressionLimitError, match="too big to store"):
        stored_size([text] * 1001)


def test_a_value_shared_exponentially_is_refused_at_once_without_building_anything():
    value: list = [1]
    for _ in range(60):
        value = [value, value]  # 2**60 leaves once written out, 61 lists in memory
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ExpressionLimitError, match=f"may take at most {MAX_STORED_CHARS} characters"):
            stored_size(value, "variable 'a'")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Not a speed test: walking 2**60 leaves would never end; 0.5 s is a thousand
    # times what 61 remembered lists take, so only a walk of the leaves can fail it.
    assert time.perf_counter() - started < 0.5
    assert peak < 1_000_000


def test_a_value_containing_itself_is_refused_by_name():
    record: dict = {"name": "loop"}
    record["self"] = record
    with pytest.raises(ExpressionError, match="variable 'r' contains itself, so it cannot be stored"):
        stored_size(record, "variable 'r'")
    ring: list = [[]]
    ring[0].append(ring)
    with pytest.raises(ExpressionError, match="contains itself"):
        stored_size({"a": ring})


def test_the_same_list_twice_side_by_side_is_not_a_cycle():
    shared = [1, 2, 3]
    assert stored_size({"a": shared, "b": [shared, shared]}) > 3 * len("[1,2,3]")


def test_nesting_is_bounded_without_recursion_even_when_shared():
    assert stored_size(nested(MAX_STORED_DEPTH - 1)) > 0
    with pytest.raises(ExpressionLimitError, match="nested more than 100 levels deep"):
        stored_size(nested(5000))
    inner, holder = nested(60), nested(50)
    bottom = holder
    while bottom:
        bottom = bottom[0]
    bottom.append(inner)  # inner is measured once (61 deep), then met again 51 levels down
    with pytest.raises(ExpressionLimitError, match="nested more than 100 levels deep"):
        stored_size([holder, inner])


def test_strict_refuses_kinds_the_state_cannot_hold():
    ok = {"d": Decimal("1.5"), "day": dt.date(2026, 1, 1), "at": dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
          "wait": dt.timedelta(days=1), "s": {1, 2}, "t": (1, 2)}
    assert stored_size(ok, strict=True) > 0
    with pytest.raises(ExpressionError, match="task data cannot hold"):
        stored_size({"x": object()}, strict=True)
    with pytest.raises(ExpressionError, match="record keys must be text"):
        stored_size({(1, 2): "tuple key"})


def test_walking_a_big_value_costs_budget_steps():
    budget = Budget(limit=100)
    with pytest.raises(ExpressionLimitError, match="expression ran too long"):
        stored_size(list(range(5000)), budget=budget)


def test_an_expression_value_too_big_to_store_is_refused():
    with pytest.raises(ExpressionLimitError, match="the expression's value is too big to store"):
        compile_expression("[s for i in range(1000)]").evaluate({"s": "x" * 15000})


def test_a_script_that_grows_a_variable_from_a_shared_value_is_refused_by_name():
    with pytest.raises(ExpressionLimitError, match="variable 'rows' is too big to store"):
        compile_script("rows = []\nfor i in range(100):\n    rows = rows + [big]").execute({"big": "y" * 20000})
    with pytest.raises(ExpressionError, match="variable 'deal' contains itself"):
        compile_script("deal['copy'] = deal").execute({"deal": {"amount": 1}})
