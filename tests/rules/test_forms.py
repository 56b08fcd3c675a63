"""validate_form: raw form input -> typed values and one short message per bad field."""

from datetime import date
from decimal import Decimal

import pytest

from engine.rules.forms import validate_form
from engine.methodology.model import FormField


def field(id, type="string", **kwargs) -> FormField:
    return FormField(id=id, label=id.replace("_", " ").capitalize(), type=type, line=1, **kwargs)


LOST_REASON = field("lost_reason", "enum", choices=(("price", "Price too high"), ("competitor", "Chose a competitor")))


def test_a_valid_form_comes_back_typed_with_no_errors():
    fields = (field("title", required=True), field("amount", "long"), field("fit", "boolean"),
              field("meeting_date", "date"), LOST_REASON, field("value", "money"))
    clean, errors = validate_form(fields, {"title": " Big deal ", "amount": "1200", "fit": "yes",
                                           "meeting_date": "2026-03-31", "lost_reason": "price",
                                           "value": "1250.50"})
    assert errors == {}
    assert clean == {"title": "Big deal", "amount": 1200, "fit": True, "meeting_date": date(2026, 3, 31),
                     "lost_reason": "price", "value": Decimal("1250.50")}


def test_money_is_a_decimal_never_a_float():
    clean, errors = validate_form((field("value", "money"), field("net", "decimal")),
                                  {"value": "0.10", "net": Decimal("0.20")})
    assert errors == {}
    assert clean["value"] + clean["net"] == Decimal("0.30")
    assert type(clean["value"]) is Decimal


def test_a_float_for_money_is_refused_because_its_cents_are_already_lost():
    _, errors = validate_form((field("value", "money"),), {"value": 0.1})
    assert errors == {"value": "enter an amount such as 1250.00"}


@pytest.mark.parametrize("text", ["abc", "NaN", "Infinity", "1.2.3"])
def test_money_that_is_not_a_finite_amount_is_refused(text):
    _, errors = validate_form((field("value", "money"),), {"value": text})
    assert errors == {"value": "enter an amount such as 1250.00"}


def test_a_decimal_comma_is_accepted_for_money():
    clean, _ = validate_form((field("value", "money"),), {"value": "99,95"})
    assert clean == {"value": Decimal("99.95")}


@pytest.mark.parametrize("text, expected", [
    ("true", True), ("Yes", True), ("on", True), ("1", True),
    ("false", False), ("NO", False), ("off", False), ("0", False), (True, True), (False, False)])
def test_booleans_accept_what_html_forms_and_the_command_line_send(text, expected):
    clean, errors = validate_form((field("fit", "boolean"),), {"fit": text})
    assert (clean, errors) == ({"fit": expected}, {})


def test_a_boolean_that_is_neither_yes_nor_no_is_refused():
    _, errors = validate_form((field("fit", "boolean"),), {"fit": "maybe"})
    assert errors == {"fit": "answer yes or no"}


@pytest.mark.parametrize("text", ["12.5", "1_000", "--5", "ten", "١٢"])
def test_a_long_must_be_a_plain_whole_number(text):
    _, errors = validate_form((field("amount", "long"),), {"amount": text})
    assert errors == {"amount": "enter a whole number"}


def test_integer_is_another_name_for_long():
    clean, errors = validate_form((field("n", "integer"),), {"n": "-7"})
    assert (clean, errors) == ({"n": -7}, {})


def test_numbers_outside_their_min_and_max_say_the_limit():
    fields = (field("discount", "long", minimum="0", maximum="30"), field("value", "money", minimum="0.01"))
    _, errors = validate_form(fields, {"discount": "31", "value": "0"})
    assert errors == {"discount": "enter 30 or less", "value": "enter 0.01 or more"}
    _, errors = validate_form(fields, {"discount": "-1", "value": "5"})
    assert errors == {"discount": "enter 0 or more"}


def test_string_length_limits_come_from_minimum_and_maximum():
    fields = (field("code", minimum="3", maximum="5"),)
    assert validate_form(fields, {"code": "ab"})[1] == {"code": "enter at least 3 characters"}
    assert validate_form(fields, {"code": "abcdef"})[1] == {"code": "enter at most 5 characters"}
    assert validate_form(fields, {"code": "abcd"}) == ({"code": "abcd"}, {})


def test_a_date_must_be_an_iso_date():
    _, errors = validate_form((field("d", "date"),), {"d": "31.03.2026"})
    assert errors == {"d": "enter a date such as 2026-03-31"}


def test_an_enum_value_must_be_one_of_the_choices_and_the_message_lists_their_labels():
    _, errors = validate_form((LOST_REASON,), {"lost_reason": "weather"})
    assert errors == {"lost_reason": "choose one of: Price too high, Chose a competitor"}


@pytest.mark.parametrize("raw", [{}, {"title": ""}, {"title": "   "}, {"title": None}])
def test_a_required_field_missing_or_empty_is_required(raw):
    _, errors = validate_form((field("title", required=True),), raw)
    assert errors == {"title": "this field is required"}


def test_an_optional_field_left_empty_is_left_out():
    clean, errors = validate_form((field("note"), field("amount", "long")), {"note": "", "amount": ""})
    assert (clean, errors) == ({}, {})


def test_defaults_apply_when_a_field_is_absent_and_are_typed():
    fields = (field("fit", "boolean", default="true"), field("days", "long", default="14"),
              field("channel", "enum", default="email", choices=(("email", "Email"), ("phone", "Phone"))),
              field("title", required=True, default="Untitled"))
    clean, errors = validate_form(fields, {})
    assert errors == {}
    assert clean == {"fit": True, "days": 14, "channel": "email", "title": "Untitled"}


def test_a_value_given_wins_over_the_default():
    clean, _ = validate_form((field("fit", "boolean", default="true"),), {"fit": "no"})
    assert clean == {"fit": False}


def test_unknown_keys_are_errors_that_list_the_fields_the_form_has():
    _, errors = validate_form((field("a"), field("b")), {"a": "x", "c": "y"})
    assert errors == {"c": "unknown field; the form has: a, b"}


def test_an_unknown_custom_type_is_treated_as_text():
    clean, errors = validate_form((field("colour", "colour"),), {"colour": "blue"})
    assert (clean, errors) == ({"colour": "blue"}, {})


def test_every_bad_field_is_reported_at_once():
    fields = (field("title", required=True), field("amount", "long"), field("fit", "boolean"))
    _, errors = validate_form(fields, {"amount": "x", "fit": "perhaps"})
    assert set(errors) == {"title", "amount", "fit"}


def test_typed_values_from_json_are_accepted_as_they_are():
    fields = (field("amount", "long"), field("d", "date"), field("fit", "boolean"))
    clean, errors = validate_form(fields, {"amount": 5, "d": date(2026, 1, 2), "fit": False})
    assert (clean, errors) == ({"amount": 5, "d": date(2026, 1, 2), "fit": False}, {})


def test_a_boolean_is_not_a_number():
    _, errors = validate_form((field("amount", "long"), field("v", "money")), {"amount": True, "v": False})
    assert errors == {"amount": "enter a whole number", "v": "enter an amount such as 1250.00"}
