"""The input rules of engine.rules.inputs: what is taken, what is refused, and the
one message per field."""

from decimal import Decimal

import pytest

from engine.errors import FormError
from engine.rules import inputs


def refused(rule, *args, **kwargs) -> dict[str, str]:
    with pytest.raises(FormError) as caught:
        rule(*args, **kwargs)
    return caught.value.fields


@pytest.mark.parametrize("raw, amount", [
    ("12500.00", Decimal("12500.00")), ("  7 ", Decimal("7.00")), ("0", Decimal("0.00")), ("-0", Decimal("0.00")),
    (".5", Decimal("0.50")), ("1e3", Decimal("1000.00")), (Decimal("1.1"), Decimal("1.10")), (42, Decimal("42.00")),
    ("999999999999999.99", Decimal("999999999999999.99")),
])
def test_an_amount_is_an_exact_decimal_in_whole_cents(raw, amount):
    result = inputs.money(raw)
    assert result == amount and str(result) == str(amount)


@pytest.mark.parametrize("raw, message", [
    (None, "this field is required"), ("  ", "this field is required"),
    (1.5, "enter an amount such as 12500.00"), (True, "enter an amount such as 12500.00"),
    ({"v": 1}, "enter an amount such as 12500.00"), ("ten", "enter an amount such as 12500.00"),
    ("NaN", "enter an amount such as 12500.00"), ("Infinity", "enter an amount such as 12500.00"),
    (Decimal("NaN"), "enter an amount such as 12500.00"), (Decimal("sNaN"), "enter an amount such as 12500.00"),
    (Decimal("-Infinity"), "enter an amount such as 12500.00"),
    ("١٢", "enter an amount such as 12500.00"), ("1_000", "enter an amount such as 12500.00"),
    ("12,50", "enter an amount such as 12500.00"), ("1" * 41, "enter an amount such as 12500.00"),
    ("1\x00", "enter an amount such as 12500.00"),
    ("-1", "enter an amount of 0 or more"), (-1, "enter an amount of 0 or more"),
    ("1e400", "enter an amount below 1000000000000000"), (10 ** 400, "enter an amount below 1000000000000000"),
    ("1e20", "enter an amount below 1000000000000000"), ("1000000000000000", "enter an amount below 1000000000000000"),
    ("1.005", "enter at most two decimal places"), ("1e-400", "enter at most two decimal places"),
])
def test_an_amount_that_is_not_exact_finite_and_in_range_is_refused_with_one_message(raw, message):
    assert refused(inputs.money, raw) == {"amount": message}


def test_the_amount_field_can_have_another_name():
    assert refused(inputs.money, "x", "estimated_amount") == {"estimated_amount": "enter an amount such as 12500.00"}


@pytest.mark.parametrize("raw, ok", [("PLN", True), ("EUR", True), ("pln", False), ("PL", False), ("PLNN", False),
                                     ("ÄBC", False), ("PL\x00", False), (None, False), (123, False)])
def test_a_currency_is_three_capital_letters(raw, ok):
    if ok:
        assert inputs.currency(raw) == raw
    else:
        assert refused(inputs.currency, raw) == {"currency": "enter a three-letter currency code such as PLN"}


@pytest.mark.parametrize("raw, expected", [(" Cold room ", "Cold room"), ("Chłodnia ❄", "Chłodnia ❄"),
                                           ("x" * 300, "x" * 300), ("a\nb", "a\nb")])
def test_a_text_is_trimmed(raw, expected):
    assert inputs.text(raw, "title", limit=inputs.MAX_TITLE) == expected


@pytest.mark.parametrize("raw, message", [
    (None, "this field is required"), ("   ", "this field is required"), (5, "enter text"), (["a"], "enter text"),
    ("x" * 301, "enter at most 300 characters"),
    ("Cold\x00room", "remove the NUL character (\\x00); it cannot be stored"),
    ("Cold \ud800room", "remove the broken character (a lone UTF-16 surrogate); it cannot be stored"),
    ("\udfff", "remove the broken character (a lone UTF-16 surrogate); it cannot be stored"),
])
def test_a_text_that_cannot_be_kept_is_refused(raw, message):
    assert refused(inputs.text, raw, "title", limit=inputs.MAX_TITLE) == {"title": message}


def test_an_optional_text_left_empty_is_none():
    assert inputs.text("  ", "owner", limit=80, required=False) is None
    assert inputs.text(None, "owner", limit=80, required=False) is None
    assert refused(inputs.text, "x" * 81, "owner", limit=80, required=False) == {"owner": "enter at most 80 characters"}


def test_the_limits_are_those_of_the_columns_and_the_api():
    assert (inputs.MAX_TITLE, inputs.MAX_PARTNER, inputs.MAX_USERNAME, inputs.MAX_REASON) == (300, 300, 80, 2000)
    assert inputs.MAX_AMOUNT == Decimal("1000000000000000")
    assert inputs.MAX_ID == 2147483647


def test_data_with_a_nul_or_a_lone_surrogate_anywhere_is_refused():
    fine = {"territory": "PL-MZ", "n": 3, "list": ["a", {"b": Decimal("1")}]}
    assert inputs.storable_data(fine, "attributes") is fine
    for bad in ({"k": "a\x00"}, {"k\x00": 1}, {"k": ["\ud800"]}, ["x", ("y\x00",)]):
        assert list(refused(inputs.storable_data, bad, "attributes")) == ["attributes"]
    deep: object = "x"
    for _ in range(40):
        deep = [deep]
    assert refused(inputs.storable_data, deep, "attributes") == {"attributes": "nested too deeply"}


@pytest.mark.parametrize("raw, expected", [(1, 1), ("42", 42), (" 7 ", 7), (2147483647, 2147483647)])
def test_a_record_id_is_a_whole_number_that_fits_the_column(raw, expected):
    assert inputs.record_id(raw) == expected and inputs.is_record_id(expected)


@pytest.mark.parametrize("raw", [0, -1, 2147483648, 99999999999, 2 ** 63, "99999999999", "١٢", "1.0", "1e3", True,
                                 1.0, None, "", "12\x00", "9" * 400])
def test_a_record_id_that_cannot_name_a_row_is_refused(raw):
    assert refused(inputs.record_id, raw, "opportunity_id") == {
        "opportunity_id": "enter a whole number from 1 to 2147483647"}
    assert inputs.is_record_id(raw) is False


def test_fields_collects_every_message_into_one_form_error():
    fields = inputs.Fields()
    assert fields.check(inputs.text, "T", "title", limit=10) == "T"
    assert fields.check(inputs.money, "1.001") is None
    assert fields.check(inputs.currency, "pln") is None
    fields.refuse("colour", "unknown field")
    with pytest.raises(FormError) as caught:
        fields.done()
    assert caught.value.fields == {"amount": "enter at most two decimal places",
                                   "currency": "enter a three-letter currency code such as PLN",
                                   "colour": "unknown field"}
    inputs.Fields().done()  # nothing wrong, nothing raised


def test_a_new_deal_is_checked_as_a_whole():
    deal = inputs.new_deal(title=" Cold room ", amount="12500", partner="Bar Mleczny",
                           attributes={"channel": "horeca"})
    assert deal == inputs.NewDeal("Cold room", Decimal("12500.00"), "PLN", "Bar Mleczny", None,
                                  {"channel": "horeca"}, {})
    with pytest.raises(FormError) as caught:
        inputs.new_deal(title="x" * 301, amount=1e400, currency="zł", partner="\x00", owner="o" * 81,
                        attributes=["x"], partner_attributes={"k": "\ud800"})
    assert caught.value.fields == {
        "title": "enter at most 300 characters", "amount": "enter an amount such as 12500.00",
        "currency": "enter a three-letter currency code such as PLN",
        "partner": "remove the NUL character (\\x00); it cannot be stored", "owner": "enter at most 80 characters",
        "attributes": "send an object of names and values",
        "partner_attributes": "remove the broken character (a lone UTF-16 surrogate); it cannot be stored"}


@pytest.mark.parametrize("raw, expected", [("46", 46), (" 0 ", 0), ("100", 100), ("45 %", 45), ("7%", 7), (46, 46),
                                           (Decimal("46.0"), 46), (Decimal("1E+2"), 100)])
def test_a_percent_is_a_whole_number_from_0_to_100(raw, expected):
    assert inputs.percent(raw) == expected


@pytest.mark.parametrize("raw", ["101", "-1", "4.5", "٤٥", "4_5", "", None, True, 46.0, Decimal("4.5"), Decimal("NaN"),
                                 101, "1" * 400, "45\x00"])
def test_a_percent_out_of_range_or_not_in_ascii_digits_is_refused(raw):
    assert refused(inputs.percent, raw) == {"probability": "a whole number of percent from 0 to 100"}
