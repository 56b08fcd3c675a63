"""JUEL (Camunda's ${…} / #{…}) translated into Dealflow's expression language: what each
supported form becomes, what it computes on task data, and what is refused — never
evaluated — with a message that says what to write instead."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.errors import ExpressionError, ExpressionLimitError
from engine.expressions import compile_expression
from engine.expressions.juel import is_juel, translate


def run(juel: str, **data):
    return compile_expression(translate(juel)).evaluate(data)


def refusal(juel: str) -> ExpressionError:
    with pytest.raises(ExpressionError) as caught:
        compile_expression(translate(juel))
    return caught.value


# --- what is JUEL --------------------------------------------------------------------

@pytest.mark.parametrize("text", ["${approved}", "#{approved}", "  ${a}", "\n  #{ x }"])
def test_text_starting_with_a_dollar_or_hash_brace_is_juel(text):
    assert is_juel(text)


@pytest.mark.parametrize("text", ["approved", "'${approved}'", "f'{x}'", "amount > 1000", "", None])
def test_anything_else_is_not_juel(text):
    assert not is_juel(text)


# --- translations, exactly -----------------------------------------------------------------

@pytest.mark.parametrize("juel, python", [
    ("${approved}", "approved"),
    ("#{approved}", "approved"),
    ("${!approved}", "(not approved)"),
    ("${not approved}", "(not approved)"),
    ("${clarified == 'yes'}", "(clarified == 'yes')"),
    ("${amount > 1000}", "(amount > 1000)"),
    ("${score <= 5}", "(score <= 5)"),
    ("${a && b || !c}", "((a and b) or (not c))"),
    ("${a and b or not c}", "((a and b) or (not c))"),
    ("${x eq 'a' and y ne 'b'}", "((x == 'a') and (y != 'b'))"),
    ("${x lt 1 or x gt 2 or x le 3 or x ge 4}", "((x < 1) or (x > 2) or (x <= 3) or (x >= 4))"),
    ("${clarified.equals('yes')}", "(clarified == 'yes')"),
    ("${deal.amount > 1000}", "(deal.amount > 1000)"),
    ("${deal['close date'] != null}", "(deal['close date'] is not None)"),
    ("${owner == null}", "(owner is None)"),
    ("${null == owner}", "(owner is None)"),
    ("${approved == true}", "(approved == True)"),
    ("${approved == 'true'}", "(approved == 'true')"),
    ("${empty notes}", "(notes in (None, '', [], {}))"),
    ("${not empty notes}", "(not (notes in (None, '', [], {})))"),
    ("${a ? 'x' : 'y'}", "('x' if a else 'y')"),
    ("${amount * 2 - 1 div 4 mod 3}", "((amount * 2) - (1 / 4 % 3))"),
    ("${-x}", "(-x)"),
    ("${1.5 > .5}", "(1.5 > 0.5)"),
    ("${007 == 7}", "(7 == 7)"),
    ("${deal.class == 1}", "(deal['class'] == 1)"),
    ("${lines[0].total}", "lines[0].total"),
])
def test_each_supported_form_becomes_the_same_expression_in_dealflows_language(juel, python):
    assert translate(juel) == python


def test_string_literals_are_kept_exactly_as_written_with_juel_escapes():
    assert run("${x == 'it\\'s'}", x="it's") is True
    assert run('${x == "say \\"hi\\""}', x='say "hi"') is True
    assert run("${x == '&& || ! true null'}", x="&& || ! true null") is True
    assert run("${x == 'a\\\\b'}", x="a\\b") is True


def test_true_inside_quotes_stays_text_and_does_not_equal_the_boolean():
    assert run("${flag == 'true'}", flag="true") is True
    assert run("${flag == 'true'}", flag=True) is False
    assert run("${flag == true}", flag=True) is True


# --- what they compute ---------------------------------------------------------------------

@pytest.mark.parametrize("juel, data, expected", [
    ("${approved}", {"approved": True}, True),
    ("#{!approved}", {"approved": True}, False),
    ("${clarified.equals('no')}", {"clarified": "no"}, True),
    ("${deal.amount > 1000 && deal.region == 'EMEA'}", {"deal": {"amount": 1500, "region": "EMEA"}}, True),
    ("${deal.amount > 1000 && deal.region == 'EMEA'}", {"deal": {"amount": 900, "region": "EMEA"}}, False),
    ("${empty notes}", {"notes": ""}, True),
    ("${empty notes}", {"notes": None}, True),
    ("${empty notes}", {"notes": []}, True),
    ("${empty notes}", {"notes": 0}, False),
    ("${not empty notes}", {"notes": "call back"}, True),
    ("${score > 5 ? 'high' : 'low'}", {"score": 7}, "high"),
    ("${amount / 4 == 2.5}", {"amount": 10}, True),
])
def test_translated_juel_computes_on_task_data(juel, data, expected):
    assert run(juel, **data) == expected


def test_juel_comparisons_group_left_to_right_instead_of_chaining():
    # In JUEL a < b < c compares (a < b) with c; Python would chain them.
    assert translate("${a < b < c}") == "((a < b) < c)"


def test_numbers_are_exact_decimals():
    assert run("${0.1 + 0.2 == 0.3}") is True
    assert isinstance(run("${1.5e3}"), Decimal) and run("${1.5e3}") == 1500


# --- refusals that say what to write instead ---------------------------------------------------

def test_a_method_call_is_refused_with_a_variable_to_compute_instead():
    err = refusal("${approver.isManager()}")
    assert err.message == ("method calls are not supported in conditions: `${approver.isManager()}`; "
                           "compute the value in a form field or a script task and compare it: `${is_manager}`")


def test_a_bean_call_inside_a_larger_condition_names_only_the_call():
    err = refusal("${amount > 5 && myBean.check(amount)}")
    assert err.message.startswith("method calls are not supported in conditions: `myBean.check(amount)`;")
    assert err.column == 17


def test_size_is_refused_pointing_at_empty():
    err = refusal("#{risks.size()==0}")
    assert "`risks.size()`" in err.message and "${empty risks}" in err.message


def test_execution_get_variable_is_refused_naming_the_variable_to_read():
    err = refusal("${execution.getVariable('amount') > 5}")
    assert "read the variable by its name: `${amount}`" in err.message


@pytest.mark.parametrize("juel", ["${execution.processBusinessKey == 'x'}", "${task.assignee}",
                                  "${execution}", "${execution['x']}"])
def test_the_engines_objects_are_refused(juel):
    err = refusal(juel)
    assert "which Dealflow does not expose" in err.message or "does not have" in err.message


@pytest.mark.parametrize("juel, words", [
    ("${fn:contains(name, 'x')}", "function calls are not supported"),
    ("${check(x)}", "function calls are not supported"),
    ("${a = 1}", "assignment ('=') is not supported"),
    ("${a += 'x'}", "assignment ('+=') is not supported"),
    ("${a; b}", "';' is not supported"),
    ("${x -> x > 1}", "lambda expressions ('->') are not supported"),
    ("${[1, 2]}", "list and map literals are not supported"),
    ("${a instanceof b}", "'instanceof' is not supported"),
    ("${a} and ${b}", "write the whole condition as one ${…}"),
    ("${approved", "never closed"),
    ("${'open}", "never closed"),
    ("${}", "the JUEL expression is empty"),
    ("${a &&}", "ends too early"),
    ("${a & b}", "unexpected character '&'"),
    ("${lambda}", "rename the variable"),
    ("${None}", "rename the variable"),
    ("${a$b}", "'$' is not allowed in a variable name"),
])
def test_unsupported_constructs_are_refused_with_what_to_write(juel, words):
    assert words in refusal(juel).message


# --- attacks: refused, never evaluated ------------------------------------------------------------

@pytest.mark.parametrize("juel", [
    "${''.__class__}",
    "${x.__class__.__base__.__subclasses__()}",
    "${__import__('os').system('id')}",
    "${x}); import os; (${y}",
    "${x) or __import__('os').system('id') or (x}",
    "${'a'.__class__}",
    "${open('/etc/passwd')}",
    "${eval('1')}",
    "${type(x)}",
    "${x.ｆｏｏ}",
    "${＿＿import＿＿}",
])
def test_juel_crafted_to_escape_is_refused(juel):
    with pytest.raises(ExpressionError):
        compile_expression(translate(juel)).evaluate({"x": {"__class__": 1}, "y": 1})


def test_a_string_key_that_looks_private_is_only_ever_a_dict_key():
    # Brackets read a key of the record; they cannot reach attributes.
    assert translate("${x['__class__']}") == "x['__class__']"
    assert compile_expression(translate("${x['__class__']}")).evaluate({"x": {"__class__": 7}}) == 7


def test_deeply_nested_juel_is_refused_as_a_limit_not_a_crash():
    with pytest.raises(ExpressionLimitError):
        translate("${" + "(" * 5000 + "a" + ")" * 5000 + "}")
    with pytest.raises(ExpressionLimitError):
        translate("${" + "!" * 5000 + "a}")


def test_very_long_juel_is_refused_and_long_flat_chains_still_work():
    with pytest.raises(ExpressionLimitError):
        translate("${" + "a" * 60_000 + "}")
    chain = "${" + " && ".join(f"v{i}" for i in range(500)) + "}"
    assert run(chain, **{f"v{i}": True for i in range(500)}) is True


def test_a_huge_number_is_refused():
    with pytest.raises(ExpressionLimitError):
        translate("${x > 1e999999}")
