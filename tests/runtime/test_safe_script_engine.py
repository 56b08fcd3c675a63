"""SafeScriptEngine driving real SpiffWorkflow processes: gateways, scripts, timers, DMN."""

import datetime as dt
from decimal import Decimal

import pytest
from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.util.task import TaskState

from engine.errors import ExpressionError
from engine.runtime.script_engine import SafeScriptEngine

BPMN_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
    id="defs" targetNamespace="http://dealflow.test">
  <bpmn:process id="deal" isExecutable="true">
"""
BPMN_TAIL = "  </bpmn:process>\n</bpmn:definitions>\n"


def gateway_process(condition: str, script: str = "pass") -> str:
    """start -> script -> exclusive gateway: condition -> big, otherwise -> small."""
    return BPMN_HEAD + f"""
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="prepare" name="Prepare" scriptFormat="python">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script><![CDATA[{script}]]></bpmn:script>
    </bpmn:scriptTask>
    <bpmn:exclusiveGateway id="route" name="Route" default="to_small">
      <bpmn:incoming>f2</bpmn:incoming>
      <bpmn:outgoing>to_big</bpmn:outgoing><bpmn:outgoing>to_small</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:endEvent id="big" name="Big"><bpmn:incoming>to_big</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="small" name="Small"><bpmn:incoming>to_small</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="prepare"/>
    <bpmn:sequenceFlow id="f2" sourceRef="prepare" targetRef="route"/>
    <bpmn:sequenceFlow id="to_big" sourceRef="route" targetRef="big">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression"><![CDATA[{condition}]]></bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="to_small" sourceRef="route" targetRef="small"/>
""" + BPMN_TAIL


def timer_process(expression: str) -> str:
    return BPMN_HEAD + f"""
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:intermediateCatchEvent id="wait" name="Wait">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:timerEventDefinition id="wait_timer">
        <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">{expression}</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end"/>
""" + BPMN_TAIL


RULE_PROCESS = BPMN_HEAD + """
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:businessRuleTask id="classify" name="Classify" camunda:decisionRef="tier_decision">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:businessRuleTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="classify"/>
    <bpmn:sequenceFlow id="f2" sourceRef="classify" targetRef="end"/>
""" + BPMN_TAIL


def decision_table(rules: list[tuple[str, str, str]]) -> str:
    """A DMN table on deal.amount and region; each rule is (amount cell, region cell, tier)."""
    rows = "".join(f"""
      <rule id="r{i}">
        <inputEntry id="r{i}a"><text><![CDATA[{amount}]]></text></inputEntry>
        <inputEntry id="r{i}b"><text><![CDATA[{region}]]></text></inputEntry>
        <outputEntry id="r{i}o"><text><![CDATA[{tier}]]></text></outputEntry>
      </rule>""" for i, (amount, region, tier) in enumerate(rules))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/"
    xmlns:camunda="http://camunda.org/schema/1.0/dmn" id="tiers" name="Tiers" namespace="http://dealflow.test">
  <decision id="tier_decision" name="Tier">
    <decisionTable id="table" hitPolicy="FIRST">
      <input id="in_amount" label="Amount">
        <inputExpression id="e_amount" typeRef="number"><text>deal.amount</text></inputExpression>
      </input>
      <input id="in_region" label="Region">
        <inputExpression id="e_region" typeRef="string"><text>region</text></inputExpression>
      </input>
      <output id="out_tier" label="Tier" name="tier" typeRef="string"/>{rows}
    </decisionTable>
  </decision>
</definitions>
"""


def start(bpmn: str, data: dict | None = None, dmn: str | None = None) -> BpmnWorkflow:
    parser = CamundaParser()
    parser.add_bpmn_str(bpmn.encode(), filename="deal.bpmn")
    if dmn is not None:
        parser.add_dmn_xml(etree.fromstring(dmn.encode()), filename="tiers.dmn")
    workflow = BpmnWorkflow(parser.get_spec("deal"), script_engine=SafeScriptEngine())
    workflow.get_tasks(spec_name="start")[0].data.update(data or {})
    return workflow


def finished_at(workflow: BpmnWorkflow) -> set[str]:
    return {t.task_spec.name for t in workflow.get_tasks(state=TaskState.COMPLETED)
            if t.task_spec.name in ("big", "small", "end")}


@pytest.mark.parametrize(("amount", "end"), [(5000, "big"), (100, "small")])
def test_a_gateway_routes_on_a_condition(amount, end):
    workflow = start(gateway_process("amount > 1000"), {"amount": amount})
    workflow.do_engine_steps()
    assert workflow.is_completed()
    assert finished_at(workflow) == {end}


def test_a_gateway_condition_reads_records_with_dots_and_exact_decimals():
    workflow = start(gateway_process("deal.amount * 0.1 == 500.0"), {"deal": {"amount": 5000}})
    workflow.do_engine_steps()
    assert finished_at(workflow) == {"big"}


def test_a_script_task_assigns_task_data_that_the_gateway_then_reads():
    script = "\n        discount = 0.15 if amount > 1000 else 0\n        net = amount - amount * discount\n"
    workflow = start(gateway_process("net > 4000", script), {"amount": 5000})
    workflow.do_engine_steps()
    end_task = workflow.get_tasks(spec_name="big")[0]
    assert end_task.data["net"] == Decimal("4250.00")
    assert finished_at(workflow) == {"big"}


def test_an_attacking_gateway_condition_fails_the_task_and_runs_nothing(tmp_path):
    marker = tmp_path / "MARKER"
    workflow = start(gateway_process(f"__import__('os').system('touch {marker}') == 0"))
    with pytest.raises(WorkflowTaskException) as caught:
        workflow.do_engine_steps()
    assert "'__import__' is not allowed: names starting with '_' are private" in str(caught.value)
    assert isinstance(caught.value.__cause__, ExpressionError)
    assert caught.value.task.task_spec.name == "route"
    assert caught.value.task.state == TaskState.ERROR
    assert not marker.exists()


def test_a_subclasses_escape_in_a_condition_is_refused(tmp_path):
    marker = tmp_path / "MARKER"
    escape = ("[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == 'Popen'][0]"
              f"(['touch', '{marker}'])")
    workflow = start(gateway_process(escape))
    with pytest.raises(WorkflowTaskException, match="'__class__' is not allowed"):
        workflow.do_engine_steps()
    assert not marker.exists()


def test_an_attacking_script_task_fails_with_our_message_and_line(tmp_path):
    marker = tmp_path / "MARKER"
    script = f"x = 1\nimport os\nos.system('touch {marker}')"
    workflow = start(gateway_process("True", script))
    with pytest.raises(WorkflowTaskException) as caught:
        workflow.do_engine_steps()
    assert caught.value.error_type == "ExpressionError"
    assert "imports are not allowed in methodology scripts" in str(caught.value)
    assert (caught.value.line_number, caught.value.error_line) == (2, "import os")
    assert caught.value.task.task_spec.name == "prepare"
    assert not marker.exists()


def test_a_script_that_writes_a_file_with_open_is_refused(tmp_path):
    target = tmp_path / "out.txt"
    workflow = start(gateway_process("True", f"f = open('{target}', 'w')"))
    with pytest.raises(WorkflowTaskException, match="'open' is not allowed"):
        workflow.do_engine_steps()
    assert not target.exists()


def test_a_runaway_script_stops_at_the_step_budget():
    workflow = start(gateway_process("True", "for i in range(10000):\n    for j in range(10000):\n        pass"))
    with pytest.raises(WorkflowTaskException, match=r"ran too long \(more than 100000 steps\)") as caught:
        workflow.do_engine_steps()
    assert caught.value.error_type == "ExpressionLimitError"


def test_a_typo_in_a_condition_suggests_the_variable():
    workflow = start(gateway_process("amont > 1000"), {"amount": 5})
    with pytest.raises(WorkflowTaskException, match="unknown variable 'amont'; did you mean 'amount'"):
        workflow.do_engine_steps()


def test_a_syntax_error_in_a_condition_is_reported_not_crashed_on():
    workflow = start(gateway_process("amount >"), {"amount": 5})
    with pytest.raises(WorkflowTaskException, match="invalid syntax at column") as caught:
        workflow.do_engine_steps()
    assert caught.value.line_number == 1


def test_a_duration_timer_with_a_quoted_iso_expression_waits():
    workflow = start(timer_process('"PT1H"'))
    workflow.do_engine_steps()
    waiting = workflow.get_tasks(state=TaskState.WAITING)
    assert [t.task_spec.name for t in waiting] == ["wait"]
    due = dt.datetime.fromisoformat(waiting[0].internal_data["event_value"])
    expected = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)
    assert abs(due - expected) < dt.timedelta(minutes=1)


def test_a_timer_expression_can_be_computed_from_task_data():
    workflow = start(timer_process("f'PT{hours_to_wait}H'"), {"hours_to_wait": 2})
    workflow.do_engine_steps()
    due = dt.datetime.fromisoformat(workflow.get_tasks(state=TaskState.WAITING)[0].internal_data["event_value"])
    assert due > dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=90)


TIERS = [("> 10000", "'EMEA'", "'strategic'"), ("> 1000", "", "'growth'"), ("", "", "'starter'")]


@pytest.mark.parametrize(("amount", "region", "tier"), [
    (50000, "EMEA", "strategic"), (50000, "APAC", "growth"), (2000, "EMEA", "growth"), (10, "EMEA", "starter")])
def test_a_dmn_decision_table_evaluates_through_the_safe_engine(amount, region, tier):
    workflow = start(RULE_PROCESS, {"deal": {"amount": amount}, "region": region}, decision_table(TIERS))
    workflow.do_engine_steps()
    assert workflow.is_completed()
    assert workflow.get_tasks(spec_name="end")[0].data["tier"] == tier


def test_a_dmn_cell_with_a_question_mark_range_works():
    rules = [("1000 < ? <= 10000", "", "'mid'"), ("", "", "'other'")]
    workflow = start(RULE_PROCESS, {"deal": {"amount": 5000}, "region": "EMEA"}, decision_table(rules))
    workflow.do_engine_steps()
    assert workflow.get_tasks(spec_name="end")[0].data["tier"] == "mid"


def test_an_attacking_dmn_cell_is_refused(tmp_path):
    marker = tmp_path / "MARKER"
    rules = [("", "", f"__import__('os').system('touch {marker}')")]
    workflow = start(RULE_PROCESS, {"deal": {"amount": 1}, "region": "EMEA"}, decision_table(rules))
    with pytest.raises(WorkflowTaskException, match="'__import__' is not allowed"):
        workflow.do_engine_steps()
    assert not marker.exists()


def test_an_attacking_dmn_input_cell_is_refused(tmp_path):
    marker = tmp_path / "MARKER"
    rules = [(f"> __import__('os').system('touch {marker}')", "", "'x'")]
    workflow = start(RULE_PROCESS, {"deal": {"amount": 1}, "region": "EMEA"}, decision_table(rules))
    with pytest.raises(WorkflowTaskException, match="'__import__' is not allowed"):
        workflow.do_engine_steps()
    assert not marker.exists()


def test_validate_keeps_spiffworkflows_syntax_error_protocol_for_dmn_cells():
    engine = SafeScriptEngine()
    assert engine.validate("'gold'") is None
    with pytest.raises(SyntaxError) as caught:
        engine.validate("> 1000")
    assert caught.value.lineno == 1
    with pytest.raises(ExpressionError, match="'open' is not allowed"):
        engine.validate("open('x')")


def test_compiled_expressions_are_cached_by_source_text():
    from engine.runtime.script_engine import _expression

    _expression.cache_clear()
    for amount in (5000, 10, 7):
        workflow = start(gateway_process("amount > 1000"), {"amount": amount})
        workflow.do_engine_steps()
    info = _expression.cache_info()
    assert info.misses == 1
    assert info.hits == 2
