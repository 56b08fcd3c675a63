"""The sizes and digits the façade accepts (engine.rules.inputs, engine.rules.forms), pure:
free-form data is bounded in texts, names and items; a task form's text has a ceiling
even when its form declares none, its 'long' fields hold what a 64-bit long holds, and
amounts are written in ASCII digits."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.errors import FormError
from engine.methodology.model import FormField
from engine.rules import inputs
from engine.rules.forms import LONG_MAX, LONG_MIN, MAX_TEXT, validate_form


@pytest.mark.parametrize("data, message", [
    ({"note": "x" * (inputs.MAX_DATA_TEXT + 1)}, "longer than 10000 characters"),
    ({"n" * (inputs.MAX_DATA_NAME + 1): 1}, "name in it is longer"),
    ({f"k{i}": i for i in range(inputs.MAX_DATA_ITEMS + 1)}, "at most 200"),
    ({"list": list(range(inputs.MAX_DATA_ITEMS + 1))}, "at most 200"),
    ({"deep": {"deeper": ["x" * (inputs.MAX_DATA_TEXT + 1)]}}, "longer than"),
])
def test_free_form_data_beyond_its_sizes_is_refused_naming_the_field(data, message):
    with pytest.raises(FormError) as refused:
        inputs.storable_data(data, "attributes")
    assert message in refused.value.fields["attributes"]


def test_free_form_data_within_its_sizes_is_kept_as_it_is():
    data = {f"k{i}": "x" * inputs.MAX_DATA_TEXT for i in range(3)} | {"n" * inputs.MAX_DATA_NAME: [1] * 200}
    assert inputs.storable_data(data, "attributes") is data


def test_a_new_deal_refuses_a_huge_attribute():
    with pytest.raises(FormError) as refused:
        inputs.new_deal(title="T", amount="1", partner="P", attributes={"blob": "x" * 50_000_000})
    assert set(refused.value.fields) == {"attributes"}


def _field(kind: str, **limits) -> FormField:
    return FormField(id="f", label="F", type=kind, line=1, **limits)


@pytest.mark.parametrize("kind, value", [
    ("long", str(LONG_MAX + 1)), ("long", str(LONG_MIN - 1)), ("long", "9" * 25), ("integer", LONG_MAX + 1),
    ("money", "\u0661\u0662"), ("money", "\uff11\uff12"), ("decimal", "1\u0665.00"), ("long", "\u0661\u0662"),
    ("string", "x" * (MAX_TEXT + 1)),
])
def test_task_form_values_no_column_or_long_holds_are_refused(kind, value):
    clean, errors = validate_form((_field(kind),), {"f": value})
    assert set(errors) == {"f"} and clean == {}


def test_the_limits_themselves_are_accepted():
    assert validate_form((_field("long"),), {"f": str(LONG_MAX)})[0] == {"f": LONG_MAX}
    assert validate_form((_field("long"),), {"f": str(LONG_MIN)})[0] == {"f": LONG_MIN}
    assert validate_form((_field("money"),), {"f": "12,50"})[0] == {"f": Decimal("12.50")}
    assert validate_form((_field("string"),), {"f": "x" * MAX_TEXT})[0] == {"f": "x" * MAX_TEXT}
    assert validate_form((_field("string", maximum="20000"),), {"f": "x" * 20000})[1] == {}
