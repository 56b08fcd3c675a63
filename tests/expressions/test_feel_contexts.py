"""FEEL's context merge and concatenate, and a context literal's entries naming the
entries before them (corpus Z11's connector payload), translated into Dealflow's
expression language and evaluated there."""

from __future__ import annotations

import pytest

from engine.errors import ExpressionError
from engine.expressions import compile_expression
from engine.expressions.feel import translate
from engine.expressions.limits import MAX_SOURCE_CHARS


def run(feel: str, **data):
    return compile_expression(translate(feel, "input mappings")).evaluate(data)


def test_context_merge_takes_a_list_of_contexts_or_several_and_a_later_entry_wins():
    assert translate("= context merge([a, b])") == "merge([a, b])"
    assert run("= context merge([a, b])", a={"x": 1, "y": 1}, b={"y": 2}) == {"x": 1, "y": 2}
    assert run("= context merge(a, b, {z: 3})", a={"x": 1}, b={"x": 2}) == {"x": 2, "z": 3}
    assert run("= context merge([])") == {}
    # The records it was given stay as they were.
    a = {"x": 1}
    run("= context merge(a, {x: 2})", a=a)
    assert a == {"x": 1}


def test_context_merge_of_something_that_is_not_a_context_fails_when_evaluated():
    with pytest.raises(ExpressionError, match="merge\\(\\) needs records, not"):
        run("= context merge(a, b)", a={"x": 1}, b=[1])
    with pytest.raises(ExpressionError, match="context merge\\(\\) takes 1 or more values, not 0"):
        translate("= context merge()")


def test_concatenate_joins_lists():
    assert translate("= concatenate(a, b)") == "concat(a, b)"
    assert run("= concatenate(a, b, [3])", a=[1], b=[2]) == [1, 2, 3]
    with pytest.raises(ExpressionError, match="concat\\(\\) needs lists, not"):
        run("= concatenate(a, b)", a=[1], b="two")


def test_an_entry_may_name_the_entries_before_it_as_feel_scopes_a_context():
    """Z11's body mapping: the later entries are built from the earlier ones, and the
    whole context is only there to pick one of them."""
    feel = """= {
      data: payload,
      version: if flowVersion != "" then {version: flowVersion} else {},
      metadata: {metadata: context merge(version, {entity_id: "1"})},
      control: {control: {execution_mode: "sync"}},
      payload: context merge(data, metadata, control)
    }.payload"""
    assert run(feel, payload={"data": {"a": 1}}, flowVersion="") == {
        "data": {"a": 1}, "metadata": {"entity_id": "1"}, "control": {"execution_mode": "sync"}}
    assert run(feel, payload={"data": {}}, flowVersion="v2")["metadata"] == {"version": "v2", "entity_id": "1"}
    # Names that are no earlier entry are the process's variables; an entry's own key is not in scope yet.
    assert run("= {a: b, b: 2, c: b}", b=1) == {"a": 1, "b": 2, "c": 2}
    # An entry of an inner context hides the outer one's.
    assert run("= {a: 1, b: {a: 2, c: a}, d: a}") == {"a": 1, "b": {"a": 2, "c": 2}, "d": 1}


def test_entries_naming_one_another_cannot_grow_the_expression_without_bound():
    doubling = ", ".join(f"e{i + 1}: [e{i}, e{i}, e{i}, e{i}]" for i in range(12))
    with pytest.raises(ExpressionError) as refused:
        translate("= {e0: " + '"' + "x" * 50 + '", ' + doubling + "}", "input mappings")
    assert f"would grow past {MAX_SOURCE_CHARS} characters" in refused.value.message
