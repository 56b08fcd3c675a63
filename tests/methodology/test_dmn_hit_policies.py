"""Decision tables whose hit policy SpiffWorkflow's DMN engine would quietly run as
"the first rule that matches": PRIORITY, OUTPUT ORDER and COLLECT with an aggregation
are refused at the table's line with what to write instead; UNIQUE, FIRST, ANY,
RULE ORDER and plain COLLECT, which run as they mean, are not."""

from __future__ import annotations

import pytest

from engine.methodology.bpmn_source import parse_xml
from engine.methodology.dmn_source import read_dmn

DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="defs" name="d" namespace="x">
  <decision id="discount" name="Discount">
    <decisionTable id="table" {attributes}>
      <input id="in1"><inputExpression id="ie1" typeRef="number"><text>amount</text></inputExpression></input>
      <output id="out1" name="discount" typeRef="number"/>
      <rule id="r1"><inputEntry id="e1"><text>&gt; 1000</text></inputEntry><outputEntry id="o1"><text>5</text></outputEntry></rule>
      <rule id="r2"><inputEntry id="e2"><text>&gt; 100</text></inputEntry><outputEntry id="o2"><text>2</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>
"""


def problems(attributes: str) -> list[tuple[int, str]]:
    tree, parse_problems = parse_xml("rules.dmn", DMN.format(attributes=attributes).encode())
    assert parse_problems == []
    return [(p.line, p.message) for p in read_dmn("rules.dmn", tree).problems]


@pytest.mark.parametrize("attributes", ["", 'hitPolicy="UNIQUE"', 'hitPolicy="FIRST"', 'hitPolicy="ANY"',
                                        'hitPolicy="RULE ORDER"', 'hitPolicy="COLLECT"'])
def test_the_hit_policies_that_run_as_they_mean_are_accepted(attributes):
    assert problems(attributes) == []


@pytest.mark.parametrize("policy", ["PRIORITY", "OUTPUT ORDER"])
def test_a_policy_that_would_run_as_first_match_is_refused_at_the_table(policy):
    [(line, message)] = problems(f'hitPolicy="{policy}"')
    assert line == 4
    assert message.startswith(f"decision 'discount' has hit policy {policy}, which Dealflow does not run")
    assert "use hit policy FIRST" in message


@pytest.mark.parametrize("aggregation,function", [("SUM", "sum"), ("MAX", "max"), ("MIN", "min"), ("COUNT", "len")])
def test_collect_with_an_aggregation_is_refused_with_the_function_to_use(aggregation, function):
    [(line, message)] = problems(f'hitPolicy="COLLECT" aggregation="{aggregation}"')
    assert line == 4
    assert f"collects with aggregation {aggregation}, which Dealflow does not run" in message
    assert f"total = {function}(result)" in message
