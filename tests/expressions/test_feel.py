"""FEEL (Camunda 8's ``= …``) translated into Dealflow's expression language: what each
supported construct becomes, what it computes on task data, and what is refused —
never evaluated — at its column, with a message that says what to write instead."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from engine.errors import ExpressionError, ExpressionLimitError
from engine.expressions import compile_expression
from engine.expressions.feel import is_feel, translate


def run(feel: str, **data):
    return compile_expression(translate(feel)).evaluate(data)


def refusal(feel: str, what: str = "conditions") -> ExpressionError:
    with pytest.raises(ExpressionError) as caught:
        translate(feel, what)
    return caught.value


@pytest.mark.parametrize("text", ["=approved", "= approved", "  =x", "\n= a > 1"])
def test_text_starting_with_an_equals_sign_is_feel(text):
    assert is_feel(text)


@pytest.mark.parametrize("text", ["approved", "${a}", "a = 1", "PT5M", "", None, "'=x'"])
def test_anything_else_is_not_feel(text):
    assert not is_feel(text)


# --- translations, exactly -----------------------------------------------------------

@pytest.mark.parametrize("feel, dealflow", [
    ("= approved", "approved"),
    ("=not(autoApproval)", "(not autoApproval)"),
    ("= amount > 1000", "(amount > 1000)"),
    ("= amount >= 1000.50", "(amount >= 1000.50)"),
    ("= a < b", "(a < b)"),
    ("= a <= b", "(a <= b)"),
    ('= status = "won"', "(status == 'won')"),
    ('= status != "won"', "(status != 'won')"),
    ("= a and b or c", "((a and b) or c)"),
    ("= a and (b or c)", "(a and (b or c))"),
    ('=not( approved = true or approved = "true")', "(not ((approved == True) or (approved == 'true')))"),
    ('=communicationContext.channel = "email"', "(communicationContext.channel == 'email')"),
    ("= x = null", "(x is None)"),
    ("= null != x", "(x is not None)"),
    ("= false", "False"),
    ('= if a > 1 then "big" else "small"', "('big' if (a > 1) else 'small')"),
    ("= -a * 2 + b / 4 - 1", "(((-a) * 2) + (b / 4) - 1)"),
    ('= contains(name, "GmbH")', "('GmbH' in name)"),
    ('= starts with(name, "A")', "name.startswith('A')"),
    ('= ends with(name, "z")', "name.endswith('z')"),
    ("= string length(name) > 3", "(len(name) > 3)"),
    ("= string   length(name)", "len(name)"),
    ("= count(items)", "len(items)"),
    ('= upper case(region) = "EMEA"', "(upper(region) == 'EMEA')"),
    ("= is defined(customer.email)", "('email' in (customer or {}))"),
    ("= is defined(deal.customer.class)", "('class' in (deal.customer or {}))"),
    ("= is defined(toolCall._meta.id)", "('id' in (toolCall['_meta'] or {}))"),
    ('= date("2024-01-01")', "date('2024-01-01')"),
    ('= date and time("2024-01-01T10:00:00Z")', "datetime('2024-01-01T10:00:00Z')"),
    ('= duration("P3D")', "duration('P3D')"),
    ('= @"P3D"', "duration('P3D')"),
    ('= @"2024-01-01"', "date('2024-01-01')"),
    ('= @"2024-01-01T10:00:00Z"', "datetime('2024-01-01T10:00:00Z')"),
    ("= now()", "now()"),
    ('= url + "/" + uuid()', "(url + '/' + uuid())"),
    ("= fromAi(toolCall.sku)", "toolCall.sku"),
    ('= fromAi(toolCall.mobilePhone, "Customer mobile phone (E.164)", "string")', "toolCall.mobilePhone"),
    ('= {text: fromAi(toolCall.text, "what to say")}', "{'text': toolCall.text}"),
    ('= "it\\"s"', "'it\"s'"),
    ("= a.class", "a['class']"),
    ("= toolCall._meta.id", "toolCall['_meta'].id"),
    ("= {id: toolCall._meta.id, content: result}", "{'id': toolCall['_meta'].id, 'content': result}"),
    ("= x.__class__", "x['__class__']"),
])
def test_each_construct_translates_to_the_same_meaning(feel, dealflow):
    assert translate(feel) == dealflow


# --- what the translation computes ---------------------------------------------------

def test_equality_is_a_single_equals_sign_and_text_in_quotes_stays_text():
    assert run('= approved = "true"', approved="true") is True
    assert run('= approved = "true"', approved=True) is False
    assert run("= approved = true", approved=True) is True


def test_numbers_are_exact_decimals():
    assert run("= amount * 0.1", amount=Decimal("1000.10")) == Decimal("100.010")
    assert run("= amount > 999.99", amount=1000) is True


def test_if_then_else_chooses_a_branch():
    assert run('= if amount > 1000 then "large" else "small"', amount=5000) == "large"
    assert run('= if amount > 1000 then "large" else "small"', amount=5) == "small"


def test_null_checks_and_is_defined_read_missing_values():
    assert run("= x = null", x=None) is True
    assert run("= x != null", x="a") is True
    assert run("= is defined(customer.email)", customer={"email": "a@b"}) is True
    assert run("= is defined(customer.email)", customer={}) is False


def test_text_functions_compute_on_task_data():
    assert run('= contains(name, "GmbH") and string length(name) > 5', name="ACME GmbH") is True
    assert run('= contains(name, "GmbH")', name="ACME AG") is False


def test_date_and_duration_literals_become_dates_and_durations():
    assert run('= date("2024-01-01")') == dt.date(2024, 1, 1)
    assert run('= duration("P3D")') == dt.timedelta(days=3)
    assert run('= @"PT4H"') == dt.timedelta(hours=4)
    assert run('= close_date > date("2024-01-01")', close_date=dt.date(2024, 2, 1)) is True


def test_list_and_context_literals_and_literal_list_positions_become_lists_mappings_and_indexes():
    assert run('= [1, "two", x]', x=3) == [1, "two", 3]
    assert run('= {name: "Acme", "full name": n, address: {city: c}}', n="Acme Ltd", c="Kraków") == \
        {"name": "Acme", "full name": "Acme Ltd", "address": {"city": "Kraków"}}
    assert run("= items[1]", items=[5, 6, 7]) == 5  # FEEL counts from 1
    assert run("= items[-1]", items=[5, 6, 7]) == 7  # and from the end with a minus
    assert run("= order.lines[2].sku", order={"lines": [{"sku": "A"}, {"sku": "B"}]}) == "B"


PARTS = [{"type": "text", "content": "hi"}, {"type": "image", "content": "pic"}, {"type": "text", "content": "bye"}]


def test_a_filter_keeps_the_items_its_condition_holds_for_naming_fields_or_item():
    assert translate('= parts[type = "text"]') == "[item for item in parts if (item.type == 'text')]"
    assert run('= parts[type = "text"]', parts=PARTS) == [PARTS[0], PARTS[2]]
    # naming item, the other names are the process's variables
    assert run("= amounts[item > limit]", amounts=[5, 20, 30], limit=10) == [20, 30]
    with pytest.raises(ExpressionError, match="'item' has no field 'kind'"):  # not naming item: fields only
        run('= parts[type = kind]', parts=PARTS, kind="text")
    assert run('= orders[item.total > 10 and item.region = region]', region="EU",
               orders=[{"total": 20, "region": "EU"}, {"total": 5, "region": "EU"}]) == \
        [{"total": 20, "region": "EU"}]
    assert run('= parts[type = "text"][1].content', parts=PARTS) == "hi"


def test_a_computed_position_counts_from_1_and_from_the_end_with_a_minus():
    assert run("= parts[count(parts)].content", parts=PARTS) == "bye"
    assert run("= items[i]", items=[5, 6, 7], i=2) == 6
    assert run("= items[i]", items=[5, 6, 7], i=-1) == 7


def test_a_path_over_a_list_of_records_gives_each_records_field():
    assert run("= parts.content", parts=PARTS) == ["hi", "pic", "bye"]
    assert run('= parts[type = "text"].content', parts=PARTS) == ["hi", "bye"]


def test_a_context_key_may_be_several_words():
    assert run("= {Financial Insights Report: {score: x}}", x=3) == {"Financial Insights Report": {"score": 3}}


def test_string_and_number_convert_text_and_numbers():
    assert translate("= string(amount)") == "str(amount)"
    assert run('= "#" + string(amount)', amount=12) == "#12"
    assert run('= number("12.50") + 1') == Decimal("13.50")


def test_string_join_and_context_put():
    assert translate('= string join(names, ", ")') == "', '.join([item for item in names if item is not None])"
    assert run('= string join(parts.content, "; ")', parts=PARTS) == "hi; pic; bye"
    assert run("= string join(names)", names=["a", None, "b"]) == "ab"  # FEEL leaves out nulls
    assert run('= context put(message, "text", said)', message={"id": 1, "text": "old"}, said="new") == \
        {"id": 1, "text": "new"}
    message = {"id": 1}
    run('= context put(message, "text", "x")', message=message)
    assert message == {"id": 1}  # a copy: the variable itself is unchanged


def test_run_as_feel_a_missing_field_is_null_and_otherwise_an_error():
    feel_reading = compile_expression(translate("= message.correlationId"), missing_is_null=True)
    assert feel_reading.evaluate({"message": {"id": 1}}) is None
    assert feel_reading.evaluate({"message": None}) is None
    assert compile_expression(translate("= message.class"), missing_is_null=True).evaluate(
        {"message": {}}) is None
    assert compile_expression(translate("= parts.kind"), missing_is_null=True).evaluate(
        {"parts": [{"kind": "a"}, {}]}) == ["a", None]
    with pytest.raises(ExpressionError, match="has no field 'correlationId'"):
        run("= message.correlationId", message={"id": 1})  # Dealflow's own reading


def feel_run(feel: str, **data):
    """As the script engine runs FEEL (engine.runtime.script_engine): missing is null."""
    return compile_expression(translate(feel), missing_is_null=True).evaluate(data)


def test_a_field_starting_with_an_underscore_is_a_key_of_the_record():
    tool_call = {"_meta": {"id": "call-1", "name": "Tool_SAP"}, "sku": "A1"}
    assert feel_run("= {id: toolCall._meta.id, name: toolCall._meta.name, content: result}",
                    toolCall=tool_call, result=3) == {"id": "call-1", "name": "Tool_SAP", "content": 3}
    assert run("= toolCall._meta.name", toolCall=tool_call) == "Tool_SAP"  # Dealflow's own reading too
    assert feel_run("= toolCall._meta.id", toolCall={}) is None
    assert feel_run("= is defined(toolCall._meta.id)", toolCall=tool_call) is True
    with pytest.raises(ExpressionError, match="has no key '_meta'"):
        run("= toolCall._meta.id", toolCall={"sku": "A1"})


def test_a_key_starting_with_an_underscore_never_reaches_python_or_the_engine():
    """``x.__class__`` is the key '__class__' of a record (its value, if the record has
    one), never the attribute: on anything but a record it is null or an error."""
    assert feel_run("= x.__class__", x={"__class__": "gold"}) == "gold"
    assert feel_run("= x.__class__", x={}) is None
    assert feel_run("= x.__class__.__name__", x={}) is None
    for value in ("text", 3, [1], True):
        with pytest.raises(ExpressionError):
            feel_run("= x.__class__", x=value)
    assert feel_run("= x.__class__", x=None) is None


@pytest.mark.parametrize("feel", ["= _secret", "= _meta.id", "= {a: _x}", "= count(_items)",
                                  "= parts[_type = 1]"])
def test_a_variable_starting_with_an_underscore_stays_private_to_the_engine(feel):
    assert "private to the engine" in refusal(feel).message


def test_the_engines_own_variables_are_not_read_even_when_present():
    """A tree that skipped the translator's refusal still cannot read a private name:
    the interpreter refuses it at run time, also where FEEL reads missing as null."""
    with pytest.raises(ExpressionError, match="names starting with '_' are private"):
        compile_expression("_dealflow_state", missing_is_null=True)
    expression = compile_expression("x", missing_is_null=True)
    tree = expression._tree
    tree.body.id = "_dealflow_state"  # as if the checker had been skipped
    with pytest.raises(ExpressionError, match="names starting with '_' are private"):
        expression.evaluate({"_dealflow_state": "secret"})


def test_run_as_feel_a_variable_nothing_set_is_null():
    assert feel_run("= customer") is None
    assert feel_run("= customer = null") is True
    assert feel_run('= if customer = null then "none" else customer.name') == "none"
    assert feel_run("= supportCase.communicationContext.correlationId") is None
    assert feel_run("= is defined(customer.email)") is False
    with pytest.raises(ExpressionError, match="unknown variable 'customer'"):
        run("= customer = null")  # Dealflow's own reading: a typo is an error


def test_run_as_feel_a_position_null_or_outside_the_list_is_null():
    assert feel_run("= items[5]", items=[1, 2, 3]) is None
    assert feel_run("= items[-4]", items=[1, 2, 3]) is None
    assert feel_run("= items[1]") is None
    assert feel_run("= records[1].Id", records=[]) is None
    assert feel_run("= items[2]", items=[1, 2, 3]) == 2
    with pytest.raises(ExpressionError, match="outside"):
        run("= items[5]", items=[1, 2, 3])


def test_run_as_feel_arithmetic_on_a_null_names_what_was_null():
    with pytest.raises(ExpressionError, match=r"'mobilePhone' is null \(missing or set to null\)"):
        feel_run('= "phone = " + mobilePhone')
    with pytest.raises(ExpressionError, match=r"'a' and 'b.c' are null"):
        feel_run("= a + b.c", b={})
    with pytest.raises(ExpressionError, match=r"with text and nothing \(None\)$"):
        run('= "x" + y', y=None)  # Dealflow's own reading says what it said before


# --- refusals, at their column ----------------------------------------------------------

@pytest.mark.parametrize("feel, column, words", [
    ("= a == b", 5, "single '='"),
    ("= a && b", 5, "'and'"),
    ("= !a", 3, "not(…)"),
    ("= items[0]", 9, "FEEL counts list positions from 1"),
    ('= string join(a, "x", "y")', 3, "string join() takes 1 or 2 values, not 3"),
    ('= context put(a, "k")', 3, "context put() takes 3 values, not 2"),
    ("= append(items, sku)", 3, "append() is not supported in conditions"),
    ("= a.size()", 5, "size() is not supported"),
    ("= x in [1, 2]", 5, "'in' (unary tests)"),
    ("= a between 1 and 2", 5, "x >= low and x <= high"),
    ("= a < b < c", 9, "do not chain"),
    ("= 'x'", 3, "double quotes"),
    ("= for x in xs return x", 3, "'for' loops"),
    ("= some x in xs satisfies x > 1", 3, "any(…)"),
    ("= every x in xs satisfies x > 1", 3, "all(…)"),
    ("= is defined(x)", 3, "= x != null"),
    ('= duration("P1M")', 12, "years or months"),
    ('= date("2024-13-01")', 8, "YYYY-MM-DD"),
    ('= @"tomorrow"', 3, "datetime()"),
    ("= (a", 5, "never closed"),
    ("= a and", 8, "ends too early"),
    ("=", 2, "is empty"),
    ("= a ? b : c", 5, "if condition then a else b"),
    ("= x instance of string", 5, "instance of"),
    ("= _secret", 3, "private"),
    ("= from", 3, "keyword"),
    ("= f(a: 1)", 3, "not supported"),
    ("= not(a, b)", 3, "takes 1 value"),
    ("= fromAi()", 3, "fromAi() takes the value and at most 4 descriptions of it, not 0 values"),
    ('= fromAi(x, "a", "b", "c", "d", "e")', 3, "not 6 values"),
    ("= uuid(x)", 3, "uuid() takes 0 values, not 1"),
    ('= "open', 3, "never closed"),
    ("= a # b", 5, "unexpected '#'"),
])
def test_what_dealflow_does_not_run_is_refused_at_its_column_with_what_to_write(feel, column, words):
    error = refusal(feel)
    assert error.line == 1
    assert error.column == column, error.message
    assert words in error.message


def test_a_refusal_on_a_later_line_names_that_line():
    error = refusal("= a and\n  b == c")
    assert (error.line, error.column) == (2, 5)


def test_refusals_name_where_the_expression_was_written():
    assert "in input mappings" in refusal("= append(x, 1)", "input mappings").message


def test_deep_nesting_is_refused_as_a_limit():
    with pytest.raises(ExpressionLimitError):
        translate("=" + "(" * 60 + "a" + ")" * 60)


def test_text_that_is_not_feel_is_refused():
    with pytest.raises(ExpressionError):
        translate("approved")
