"""Hit policy UNIQUE allows one matching rule: when two match, the business rule
task fails with a step error naming the rules (SpiffWorkflow alone would take the
first quietly), in a freshly parsed runner and in one rebuilt from a deployed
version's spec text; one match, and FIRST with overlapping rules, still decide."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from engine.runtime.workflow import ProcessRunner
from tests.methodology.test_dmn_hit_policies import DMN  # the table: rules '> 1000' -> 5, '> 100' -> 2

T0 = datetime(2026, 12, 5, 9, tzinfo=timezone.utc)
BPMN = '''<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="x">
<bpmn:process id="main" isExecutable="true">
<bpmn:startEvent id="S" />
<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="Rule" />
<bpmn:businessRuleTask id="Rule" camunda:decisionRef="discount" />
<bpmn:sequenceFlow id="F2" sourceRef="Rule" targetRef="Look" />
<bpmn:userTask id="Look" />
<bpmn:sequenceFlow id="F3" sourceRef="Look" targetRef="E" />
<bpmn:endEvent id="E" />
</bpmn:process>
</bpmn:definitions>
'''


def runner(policy: str, deployed: bool) -> ProcessRunner:
    built = ProcessRunner.from_files({"main.bpmn": BPMN.encode()}, {"discount.dmn": DMN.format(attributes=policy).encode()},
                                     "main")
    return ProcessRunner.from_spec_text(built.spec_text()) if deployed else built


@pytest.mark.parametrize("policy", ['hitPolicy="UNIQUE"', ""])  # UNIQUE is DMN's default
@pytest.mark.parametrize("deployed", [False, True])
def test_two_matching_rules_of_a_unique_table_are_a_step_error_naming_them(policy, deployed):
    run = runner(policy, deployed)
    state, result = run.start({"amount": 5000}, T0)  # both > 1000 and > 100
    assert result.error is not None
    assert "decision table 'table' has hit policy UNIQUE but its rules 1, 2 all match" in result.error.message
    assert [t.node_id for t in result.ready] == []


@pytest.mark.parametrize("deployed", [False, True])
def test_one_matching_rule_of_a_unique_table_decides(deployed):
    run = runner('hitPolicy="UNIQUE"', deployed)
    state, result = run.start({"amount": 500}, T0)
    assert result.error is None and [t.node_id for t in result.ready] == ["Look"]
    assert run.data(state)["discount"] == 2


def test_first_takes_the_first_of_overlapping_rules():
    run = runner('hitPolicy="FIRST"', True)
    state, result = run.start({"amount": 5000}, T0)
    assert result.error is None and run.data(state)["discount"] == 5
