"""The functions Python-like scripts build lists and records with (zip, enumerate,
list, tuple, set, dict, reversed), uuid(), and field names that are also names of
Python built-ins (id, type): what they give, what they refuse, and that none of them
opens a way into Python's internals."""

import re

import pytest

from engine.errors import ExpressionError, ExpressionLimitError
from engine.expressions import check_expression, compile_expression, compile_script


def evaluate(source, **variables):
    return compile_expression(source).evaluate(variables)


def run(source, **variables):
    compile_script(source).execute(variables)
    return variables


@pytest.mark.parametrize(("source", "expected"), [
    ("zip(names, amounts)", [("a", 1), ("b", 2)]),
    ("zip(names, amounts, 'xyz')", [("a", 1, "x"), ("b", 2, "y")]),
    ("zip(names, [])", []),
    ("enumerate(names)", [(0, "a"), (1, "b")]),
    ("enumerate(names, start=1)", [(1, "a"), (2, "b")]),
    ("enumerate(names, 10)", [(10, "a"), (11, "b")]),
    ("list()", []),
    ("list('ab')", ["a", "b"]),
    ("list(record)", ["k"]),
    ("tuple(names)", ("a", "b")),
    ("set([1, 1, 2])", {1, 2}),
    ("set()", set()),
    ("dict()", {}),
    ("dict(zip(names, amounts))", {"a": 1, "b": 2}),
    ("dict([['k', 1]])", {"k": 1}),
    ("dict(record)", {"k": "v"}),
    ("reversed(names)", ["b", "a"]),
    ("[f'{i}. {n}' for i, n in enumerate(names, start=1)]", ["1. a", "2. b"]),
])
def test_collection_functions_build_plain_values(source, expected):
    assert evaluate(source, names=["a", "b"], amounts=[1, 2], record={"k": "v"}) == expected


def test_dict_copies_a_record_so_the_original_stays_as_it_was():
    variables = run("copy = dict(record)\ncopy['k'] = 'changed'", record={"k": "v"})
    assert variables["record"] == {"k": "v"} and variables["copy"] == {"k": "changed"}


def test_a_script_pairs_two_lists_with_zip():
    variables = run("totals = {}\nfor name, amount in zip(names, amounts):\n    totals[name] = amount * 2",
                    names=["a", "b"], amounts=[1, 2])
    assert variables["totals"] == {"a": 2, "b": 4}


@pytest.mark.parametrize(("source", "message"), [
    ("zip(1, names)", "zip() needs a list, text or record, not number"),
    ("enumerate(names, start='1')", "enumerate()'s start must be a whole number, not text"),
    ("enumerate(names, start=1.5)", "enumerate()'s start must be a whole number, not decimal number"),
    ("dict([1, 2])", "dict() needs a record or a list of (key, value) pairs, but one item is number"),
    ("dict([[1, 2, 3]])", "but one item is list of 3 items"),
    ("set([[1]])", "lists and records cannot be used as record keys or set members"),
    ("list(None)", "list() needs a list, text or record, not nothing (None)"),
])
def test_collection_functions_refuse_what_they_cannot_take(source, message):
    with pytest.raises(ExpressionError, match=re.escape(message)):
        evaluate(source, names=["a", "b"])


@pytest.mark.parametrize(("source", "message"), [
    ("zip()", "zip() takes at least 1 argument"),
    ("list(a, b)", "list() takes 0 to 1 arguments"),
    ("enumerate(names, step=2)", "enumerate() has no option 'step'"),
    ("dict(a=1)", "dict() has no option 'a'"),
])
def test_wrong_arguments_are_refused_before_anything_runs(source, message):
    with pytest.raises(ExpressionError, match=re.escape(message)):
        check_expression(source)


def test_a_list_built_from_a_huge_range_is_refused_by_the_size_cap():
    with pytest.raises(ExpressionLimitError):
        evaluate("list(range(10)) * 2000")


def test_zip_over_long_lists_is_charged_to_the_budget():
    big = list(range(9000))
    with pytest.raises(ExpressionLimitError, match="ran too long"):
        evaluate("[zip(big, big) for i in range(20)]", big=big)


def test_uuid_gives_a_new_random_identifier_each_time():
    first, second = evaluate("uuid()"), evaluate("uuid()")
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", first)
    assert first != second


# -- names that are both business fields and Python built-ins ---------------------------

@pytest.mark.parametrize("name", ["id", "type", "input", "format", "property"])
def test_a_variable_may_be_named_like_a_python_builtin_field(name):
    variables = run(f"record = {{'{name}': {name}}}\n{name} = {name} + 1", **{name: 41})
    assert variables[name] == 42 and variables["record"] == {name: 41}


def test_a_variable_named_id_is_read_in_an_expression():
    assert evaluate("id == 'C-7'", id="C-7") is True
    assert evaluate("case.id", case={"id": 3}) == 3


@pytest.mark.parametrize("source", ["id(x)", "type(x)", "format(x, 'd')", "input()", "property(x)"])
def test_calling_a_builtin_named_like_a_field_stays_refused(source):
    name = source.split("(")[0]
    with pytest.raises(ExpressionError, match=f"'{name}' is not allowed: it reaches Python internals"):
        check_expression(source)
    with pytest.raises(ExpressionError, match=f"'{name}' is not allowed"):
        compile_expression(source)


def test_a_variable_named_id_gives_no_way_into_python_internals():
    """Naming a variable 'id' holds task data, never the built-in: an undefined 'id' is
    an unknown variable, and its dunder attributes stay refused."""
    with pytest.raises(ExpressionError, match="unknown variable 'id'"):
        evaluate("id")
    for source, column in [("id.__class__", 4), ("id.__self__", 4), ("[x for x in id.__dict__]", 16)]:
        with pytest.raises(ExpressionError, match="names starting with '_' are private") as caught:
            check_expression(source)
        assert caught.value.column == column
    with pytest.raises(ExpressionError, match="'.__call__' is not allowed|names starting with '_' are private"):
        check_expression("id.__call__(1)")


@pytest.mark.parametrize("name", ["getattr", "open", "eval", "globals", "object", "vars", "dir", "print"])
def test_other_builtins_stay_refused_even_as_variable_names(name):
    with pytest.raises(ExpressionError, match=f"'{name}' is not allowed: it reaches Python internals"):
        check_expression(name)
    with pytest.raises(ExpressionError, match=f"'{name}' is not allowed"):
        compile_script(f"{name} = 1")
