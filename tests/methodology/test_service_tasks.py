"""Service tasks as external tasks at validation: a topic of their own, or another
engine's implementation mapped to one by the routing file's integration section;
everything else refused at the task's line with what to write."""

from __future__ import annotations

import shutil
from pathlib import Path

from engine import load_methodologies

ERP = Path(__file__).resolve().parents[1] / "fixtures" / "external"


def copy(tmp_path: Path) -> Path:
    target = tmp_path / "m"
    shutil.copytree(ERP, target)
    return target


def problems(root: Path) -> list[str]:
    return [str(p).replace(f"{root}/", "") for p in load_methodologies(str(root)).problems]


def test_the_external_task_fixture_validates_with_its_mapped_class(tmp_path):
    assert problems(copy(tmp_path)) == []


def test_an_unmapped_class_is_refused_at_its_task_with_the_routing_line_to_add(tmp_path):
    root = copy(tmp_path)
    routing = root / "routing" / "default.yaml"
    routing.write_text(routing.read_text().replace("com.acme.erp.Ship: shipping", "com.acme.erp.Other: shipping"))
    assert problems(root) == [
        "bpmn/erp.bpmn:14: task 'Task_Ship' runs camunda:class=\"com.acme.erp.Ship\", code Dealflow does not run; "
        "map it to a topic a worker fetches in the routing file — integration: {erp-deal: {topics: "
        "{\"com.acme.erp.Ship\": TOPIC}}} — or write camunda:type=\"external\" camunda:topic=\"TOPIC\" "
        "(see docs/integration.md)"]


def test_a_service_task_without_any_implementation_is_refused(tmp_path):
    root = copy(tmp_path)
    bpmn = root / "bpmn" / "erp.bpmn"
    bpmn.write_text(bpmn.read_text().replace(' camunda:class="com.acme.erp.Ship"', ""))
    [problem] = problems(root)
    assert problem.startswith("bpmn/erp.bpmn:14: service task 'Task_Ship' names no implementation; make it an "
                              "external task a worker does — camunda:type=\"external\" camunda:topic=\"TOPIC\"")


def test_a_camunda_8_connector_needs_a_mapping_and_a_job_type_does_not(tmp_path):
    root = copy(tmp_path)
    bpmn = root / "bpmn" / "erp.bpmn"
    text = bpmn.read_text().replace('id="defs"', 'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs"')
    connector = ('<bpmn:serviceTask id="Task_Ship" name="Ship"><bpmn:extensionElements>'
                 '<zeebe:taskDefinition type="io.camunda:http-json:1"/></bpmn:extensionElements></bpmn:serviceTask>')
    bpmn.write_text(text.replace('<bpmn:serviceTask id="Task_Ship" name="Ship the goods" '
                                 'camunda:class="com.acme.erp.Ship"/>', connector))
    assert [p.split(":", 2)[1] + ":" + p.split(" runs ")[1][:45] for p in problems(root)] == [
        "14:zeebe:taskDefinition type=\"io.camunda:http-js"]
    routing = root / "routing" / "default.yaml"
    routing.write_text(routing.read_text().replace("com.acme.erp.Ship: shipping", '"io.camunda:http-json:1": http'))
    assert problems(root) == []
    bpmn.write_text(bpmn.read_text().replace("io.camunda:http-json:1", "shipping"))
    assert problems(root) == []


def test_the_integration_section_is_checked_against_the_schema_at_its_line(tmp_path):
    root = copy(tmp_path)
    routing = root / "routing" / "default.yaml"
    routing.write_text(routing.read_text().replace("com.acme.erp.Ship: shipping", "com.acme.erp.Ship: 'no spaces'"))
    assert "routing/default.yaml:6: 'com.acme.erp.Ship' 'no spaces' must use match ^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$" \
        in problems(root)
