"""What Dealflow reads from BPMN and DMN as Camunda Modeler writes them."""

from __future__ import annotations

from lxml import etree

from tests.conftest import REPO

from engine.methodology.bpmn_schema import check_bpmn_xsd, load_bpmn_schema
from engine.methodology.bpmn_source import parse_xml, read_bpmn
from engine.methodology.dmn_source import read_dmn
from engine.runtime.specs import bpmn_schema_folder

BASE = REPO / "tests" / "methodology" / "base" / "bpmn"

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="D" targetNamespace="t">\n')


def facts_of(path):
    tree, problems = parse_xml(str(path), path.read_bytes())
    assert problems == []
    return read_bpmn(str(path), tree)


def test_camunda_form_fields_keep_types_labels_defaults_constraints_and_choices():
    process = facts_of(BASE / "deal.bpmn").processes["small_deal"]
    amount, interested = process.nodes["Task_Qualify"].form
    assert (amount.id, amount.label, amount.type, amount.required, amount.minimum) == (
        "amount", "Amount", "long", True, "0")
    assert (interested.type, interested.default, interested.required) == ("boolean", "true", False)
    (result,) = process.nodes["Task_Offer"].form
    assert result.type == "enum"
    assert result.choices == (("accepted", "Accepted"), ("rejected", "Rejected"))


def test_lanes_instructions_subprocess_children_and_boundary_events_are_read():
    process = facts_of(BASE / "deal.bpmn").processes["small_deal"]
    assert process.lanes == ("rep", "manager")
    assert process.nodes["Task_Qualify"].documentation == "Call the prospect and record what they need."
    assert process.nodes["Task_Offer"].parent == "Sub_Offer"
    assert process.nodes["Task_Offer"].lane == "rep"  # inherited from its subprocess
    assert process.nodes["Timer_Chase"].attached_to == "Task_Qualify"
    assert process.nodes["Rule_Tier"].decision_ref == "deal_tier"


def test_every_expression_is_collected_with_its_line():
    facts = facts_of(BASE / "deal.bpmn")
    where = {site.where: (site.line, site.is_script) for site in facts.expressions}
    lines = (BASE / "deal.bpmn").read_text("utf-8").splitlines()
    line, _ = where["condition of sequence flow 'Flow_Won'"]
    assert "result == 'accepted'" in lines[line - 1]
    line, _ = where["timer timeDuration of 'Timer_Chase'"]
    assert '"P3D"' in lines[line - 1]
    assert where["script of 'Script_Discount'"][1] is True


def test_an_intermediate_timer_catch_event_is_read_as_a_timer(tmp_path):
    path = tmp_path / "t.bpmn"
    path.write_text(HEAD + """<bpmn:process id="p" isExecutable="true">
  <bpmn:startEvent id="S" />
  <bpmn:intermediateCatchEvent id="Wait">
    <bpmn:timerEventDefinition><bpmn:timeDate xsi:type="bpmn:tFormalExpression">"2026-12-01T10:00:00Z"</bpmn:timeDate></bpmn:timerEventDefinition>
  </bpmn:intermediateCatchEvent>
  <bpmn:sequenceFlow id="F" sourceRef="S" targetRef="Wait" />
</bpmn:process></bpmn:definitions>""", "utf-8")
    facts = facts_of(path)
    assert facts.processes["p"].nodes["Wait"].kind == "intermediateCatchEvent"
    assert [(s.where, s.line, s.source) for s in facts.expressions] == [
        ("timer timeDate of 'Wait'", 6, '"2026-12-01T10:00:00Z"')]


def test_external_entities_are_never_fetched(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", "utf-8")
    path = tmp_path / "xxe.bpmn"
    path.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>\n'
                    + HEAD.split("\n", 1)[1]
                    + '<bpmn:process id="p"><bpmn:task id="T"><bpmn:documentation>&x;</bpmn:documentation>'
                      '</bpmn:task></bpmn:process></bpmn:definitions>', "utf-8")
    tree, problems = parse_xml(str(path), path.read_bytes())
    assert tree is None  # a DOCTYPE is refused outright; nothing was read from the secret
    assert [(p.line, p.message[:41]) for p in problems] == [(2, "a DOCTYPE (<!DOCTYPE ...>) is not allowed")]
    assert all("TOP SECRET" not in p.message for p in problems)


def test_an_entity_bomb_is_not_expanded():
    bomb = ('<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
            + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
            + ']>\n<d>&i;</d>')
    tree, problems = parse_xml("bomb.bpmn", bomb.encode())
    if tree is not None:
        assert len(etree.tostring(tree)) < 10_000
    else:
        assert problems and problems[0].line >= 1


def test_the_xsd_reports_every_violation_not_only_the_first():
    text = HEAD + ('<bpmn:process id="p" isExecutable="maybe">\n'
                   '<bpmn:startEvent id="S" bogus="1" />\n</bpmn:process></bpmn:definitions>')
    tree, _ = parse_xml("x.bpmn", text.encode())
    problems = check_bpmn_xsd("x.bpmn", tree, load_bpmn_schema(bpmn_schema_folder()))
    assert [p.line for p in problems] == [3, 4]


def test_dmn_cells_become_the_expressions_the_engine_evaluates():
    path = BASE / "deal_tier.dmn"
    tree, problems = parse_xml(str(path), path.read_bytes())
    facts = read_dmn(str(path), tree)
    assert problems == [] and facts.problems == []
    assert list(facts.decisions) == ["deal_tier"]
    sources = [s.source for s in facts.expressions]
    assert sources == ["amount", "(amount) >= 10000", "'gold'", "(amount) < 10000", "'standard'"]


def test_a_data_object_declared_twice_identically_is_one_and_another_repeated_id_names_both_lines():
    text = HEAD + ('<bpmn:process id="p" isExecutable="true">\n'
                   '<bpmn:dataObject id="approved" />\n'
                   '<bpmn:dataObject id="approved" />\n'
                   '<bpmn:startEvent id="S" />\n'
                   '<bpmn:endEvent id="S" />\n</bpmn:process></bpmn:definitions>')
    tree, _ = parse_xml("x.bpmn", text.encode())
    problems = check_bpmn_xsd("x.bpmn", tree, load_bpmn_schema(bpmn_schema_folder()))
    assert [str(p) for p in problems] == ["x.bpmn:7: id 'S' is used twice (lines 6 and 7)"]
    assert len(tree.findall(".//{http://www.omg.org/spec/BPMN/20100524/MODEL}dataObject")) == 2


def test_data_objects_of_one_id_that_differ_are_a_repeated_id():
    text = HEAD + ('<bpmn:process id="p" isExecutable="true">\n'
                   '<bpmn:dataObject id="approved" />\n'
                   '<bpmn:dataObject id="approved" isCollection="true" />\n'
                   '<bpmn:startEvent id="S" />\n</bpmn:process></bpmn:definitions>')
    tree, _ = parse_xml("x.bpmn", text.encode())
    problems = check_bpmn_xsd("x.bpmn", tree, load_bpmn_schema(bpmn_schema_folder()))
    assert [str(p) for p in problems] == ["x.bpmn:5: id 'approved' is used twice (lines 4 and 5)"]


def test_form_fields_of_two_vendors_keep_the_order_camunda_then_activiti_then_flowable():
    # read in one walk of the task since issue 16; the order stays the vendor's, then the document's
    xml = (HEAD.replace('id="D"', 'xmlns:activiti="http://activiti.org/bpmn" id="D"') +
           '<bpmn:process id="p" isExecutable="true"><bpmn:userTask id="t"><bpmn:extensionElements>'
           '<activiti:formField id="a1" type="enum"><activiti:value id="x" name="X"/></activiti:formField>'
           '<camunda:formData><camunda:formField id="c1"><camunda:validation>'
           '<camunda:constraint name="required"/></camunda:validation></camunda:formField>'
           '<camunda:formField id="c2" type="enum"><camunda:value id="y"/><camunda:value id="z" name="Z"/>'
           '</camunda:formField></camunda:formData>'
           '<activiti:formProperty id="p1" name="P"/><camunda:formProperty id="p0" variable="v0"/>'
           '<activiti:formField id="a2"/>'
           '</bpmn:extensionElements></bpmn:userTask></bpmn:process></bpmn:definitions>').encode()
    tree, problems = parse_xml("x.bpmn", xml)
    assert problems == []
    form = read_bpmn("x.bpmn", tree).processes["p"].nodes["t"].form
    assert [f.id for f in form] == ["c1", "c2", "a1", "a2", "v0", "p1"]
    assert [f.required for f in form[:2]] == [True, False]
    assert [f.choices for f in form[1:3]] == [(("y", "y"), ("z", "Z")), (("x", "X"),)]
