"""Scripts: assignments, if/elif/else and bounded for loops over task data."""

import pytest

from engine.expressions import ExpressionError, compile_script


def run(source, **variables):
    compile_script(source).execute(variables)
    return variables


def test_assignment_writes_into_task_data():
    assert run("discount = amount * 0.1", amount=200)["discount"] == 20


def test_augmented_assignment_updates_variables_and_keys():
    data = run("total += 5\nscores['a'] += 1\ndeal.amount -= 10", total=1, scores={"a": 1}, deal={"amount": 100})
    assert (data["total"], data["scores"], data["deal"]) == (6, {"a": 2}, {"amount": 90})


def test_assignment_into_records_and_lists():
    data = run("deal['tier'] = 'gold'\ndeal.region = 'EMEA'\nitems[0] = 9", deal={}, items=[1, 2])
    assert data["deal"] == {"tier": "gold", "region": "EMEA"}
    assert data["items"] == [9, 2]


def test_if_elif_else_picks_one_branch():
    script = "if amount > 10000:\n    tier = 'large'\nelif amount > 1000:\n    tier = 'medium'\nelse:\n    tier = 'small'"
    assert [run(script, amount=a)["tier"] for a in (50000, 5000, 5)] == ["large", "medium", "small"]


def test_for_loop_with_break_and_continue():
    script = """
total = 0
for n in numbers:
    if n < 0:
        continue
    if n > 100:
        break
    total += n
"""
    assert run(script, numbers=[1, -5, 2, 500, 3])["total"] == 3


def test_tuple_unpacking_in_assignment_and_for():
    data = run("a, b = 1, 2\npairs_sum = 0\nfor x, y in pairs:\n    pairs_sum += x * y", pairs=[(1, 2), (3, 4)])
    assert (data["a"], data["b"], data["pairs_sum"]) == (1, 2, 14)


def test_pass_does_nothing():
    assert run("if flag:\n    pass\nelse:\n    x = 1", flag=True) == {"flag": True}


def test_an_indented_script_from_a_bpmn_file_runs_and_reports_original_columns():
    assert run("\n        x = 1\n        y = x + 1\n")["y"] == 2
    with pytest.raises(ExpressionError) as caught:
        compile_script("\n    x = 1\n    y = __x\n")
    assert (caught.value.line, caught.value.column) == (3, 9)


def test_a_script_lists_what_it_reads_and_assigns():
    script = compile_script("total = amount + tax\nfor item in lines:\n    total += item")
    assert script.names == {"amount", "tax", "lines", "total", "item"}
    assert script.assigns == {"total", "item"}


def test_a_script_error_names_the_line_it_happened_on():
    with pytest.raises(ExpressionError, match="unknown variable 'amont'; did you mean 'amount'") as caught:
        compile_script("x = 1\ny = amont * 2").execute({"amount": 1})
    assert (caught.value.line, caught.value.column) == (2, 5)
