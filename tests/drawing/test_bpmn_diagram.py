import math
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from engine.drawing.bpmn_diagram import NO_DI_MESSAGE, render_svg
from engine.methodology.bpmn_source import FLOW_NODE_KINDS

ROOT = Path(__file__).resolve().parents[2]
SEED = (ROOT / "methodologies/bpmn/seed002-funnel.bpmn").read_bytes()
NO_DI = (ROOT / "tests/methodology/base/bpmn/deal.bpmn").read_bytes()
SVG = "{http://www.w3.org/2000/svg}"
NS = {"s": "http://www.w3.org/2000/svg",
      "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
      "dc": "http://www.omg.org/spec/DD/20100524/DC",
      "di": "http://www.omg.org/spec/DD/20100524/DI"}

# Every kind of node the renderer tells apart, laid out by hand.
KINDS = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
    xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
    xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="D" targetNamespace="x">
  <bpmn:process id="kinds" isExecutable="true">
    <bpmn:startEvent id="Start" name="Go" />
    <bpmn:userTask id="User" name="Ask" />
    <bpmn:scriptTask id="Script" name="Compute" />
    <bpmn:businessRuleTask id="Rule" name="Decide" />
    <bpmn:serviceTask id="Service" name="Call" />
    <bpmn:boundaryEvent id="Timer" attachedToRef="User" cancelActivity="false">
      <bpmn:timerEventDefinition />
    </bpmn:boundaryEvent>
    <bpmn:intermediateCatchEvent id="Wait" />
    <bpmn:exclusiveGateway id="Xor" default="F2" />
    <bpmn:parallelGateway id="And" />
    <bpmn:subProcess id="Sub" name="Offer">
      <bpmn:task id="Inner" name="Inside" />
    </bpmn:subProcess>
    <bpmn:endEvent id="End" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="User" />
    <bpmn:sequenceFlow id="F2" name="otherwise" sourceRef="Xor" targetRef="And" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Di">
    <bpmndi:BPMNPlane id="Plane" bpmnElement="kinds">
      <bpmndi:BPMNShape bpmnElement="Start"><dc:Bounds x="0" y="20" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape bpmnElement="User"><dc:Bounds x="100" y="0" width="100" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape bpmnElement="Script"><dc:Bounds x="250" y="0" width="100" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape bpmnElement="Rule"><dc:Bounds x="400" y="0" width="100" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape bpmnElement="Service"><dc:Bounds x="550" y="0" width="100" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape bpmnElement="Timer"><dc:Bounds x="132" y="62" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape bpmnElement="Wait"><dc:Bounds x="700" y="20" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape bpmnElement="Xor" isMarkerVisible="true"><dc:Bounds x="800" y="15" width="50" height="50" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape bpmnElement="And"><dc:Bounds x="900" y="15" width="50" height="50" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape bpmnElement="Sub" isExpanded="true"><dc:Bounds x="0" y="150" width="300" height="160" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape bpmnElement="Inner"><dc:Bounds x="100" y="190" width="100" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape bpmnElement="End"><dc:Bounds x="1000" y="20" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge bpmnElement="F1"><di:waypoint x="36" y="38" /><di:waypoint x="100" y="38" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge bpmnElement="F2"><di:waypoint x="850" y="40" /><di:waypoint x="900" y="40" /></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""


def parse(svg: str):
    return etree.fromstring(svg.encode())


def node(svg_root, node_id):
    found = svg_root.xpath("//*[@data-node-id=$id]", id=node_id)
    assert len(found) == 1, f"{len(found)} elements for {node_id}"
    return found[0]


def classes(el) -> set[str]:
    return set(el.get("class", "").split())


def seed_shapes(kinds=FLOW_NODE_KINDS) -> set[str]:
    tree = etree.fromstring(SEED)
    ids = set(tree.xpath("//bpmndi:BPMNShape/@bpmnElement", namespaces=NS))
    return {el.get("id") for el in tree.iter(f"{{{NS['bpmn']}}}*")
            if etree.QName(el).localname in kinds and el.get("id") in ids}


def test_the_seed_funnel_renders_as_well_formed_svg_that_scales_to_the_page_width():
    root = parse(render_svg(SEED))
    assert root.tag == f"{SVG}svg"
    assert root.get("width") == "100%"
    assert len(root.get("viewBox").split()) == 4


def test_every_flow_node_with_a_shape_has_exactly_one_element_with_its_node_id():
    root = parse(render_svg(SEED))
    drawn = Counter(root.xpath("//@data-node-id"))
    assert set(drawn) == seed_shapes()
    assert set(drawn.values()) == {1}
    assert len(drawn) == 32


def test_the_rep_and_manager_lanes_are_drawn_with_their_names():
    root = parse(render_svg(SEED))
    for lane, name in (("Lane_rep", "rep"), ("Lane_manager", "manager")):
        group = root.xpath("//s:g[@data-lane-id=$id]", id=lane, namespaces=NS)[0]
        assert group.xpath("string(.//s:text)", namespaces=NS) == name
        assert group.find(f"{SVG}rect") is not None
    pool = root.xpath("//s:g[@data-participant-id='Participant_SalesTeam']", namespaces=NS)[0]
    assert pool.xpath("string(.//s:text)", namespaces=NS) == "Sales team"


def test_the_current_node_alone_has_class_current_and_a_strong_stroke():
    root = parse(render_svg(SEED, current={"Task_Negotiate"}))
    marked = root.xpath("//*[contains(concat(' ', @class, ' '), ' current ')]")
    assert [el.get("data-node-id") for el in marked] == ["Task_Negotiate"]
    strong = node(root, "Task_Negotiate").find(f"{SVG}rect")
    plain = node(root, "Task_Negotiate2").find(f"{SVG}rect")
    assert strong.get("stroke") != plain.get("stroke")
    assert float(strong.get("stroke-width")) > float(plain.get("stroke-width"))


def test_done_nodes_get_class_done_and_a_subtle_fill_and_current_wins_over_done():
    done = {"StartEvent_NewProspect", "Task_RecordNeed", "Gateway_MeetingFit", "Task_FirstMeeting"}
    root = parse(render_svg(SEED, current={"Task_FirstMeeting"}, done=done))
    marked = {el.get("data-node-id")
              for el in root.xpath("//*[contains(concat(' ', @class, ' '), ' done ')]")}
    assert marked == done - {"Task_FirstMeeting"}
    assert "current" in classes(node(root, "Task_FirstMeeting"))
    assert "done" not in classes(node(root, "Task_FirstMeeting"))
    fill = node(root, "Task_RecordNeed").find(f"{SVG}rect").get("fill")
    assert fill not in ("#ffffff", node(root, "Task_FirstContact").find(f"{SVG}rect").get("fill"))


def test_ids_in_current_that_are_not_in_the_diagram_are_ignored():
    root = parse(render_svg(SEED, current={"No_Such_Task"}))
    assert root.xpath("//*[contains(concat(' ', @class, ' '), ' current ')]") == []


def test_every_sequence_flow_ends_in_the_arrowhead_marker():
    root = parse(render_svg(SEED))
    marker_ids = root.xpath("//s:defs/s:marker/@id", namespaces=NS)
    assert "dealflow-arrow" in marker_ids
    lines = root.xpath("//s:g[contains(@class, 'sequence-flow')]/s:polyline", namespaces=NS)
    assert len(lines) == len(etree.fromstring(SEED).xpath("//bpmndi:BPMNEdge", namespaces=NS))
    assert {line.get("marker-end") for line in lines} == {"url(#dealflow-arrow)"}


def test_default_flows_carry_the_slash_and_condition_labels_sit_in_their_label_bounds():
    root = parse(render_svg(SEED))
    defaults = set(root.xpath("//s:g[contains(concat(' ', @class, ' '), ' default ')]/@data-flow-id",
                              namespaces=NS))
    assert defaults == set(etree.fromstring(SEED).xpath("//bpmn:exclusiveGateway/@default",
                                                        namespaces=NS))
    label = root.xpath("//s:g[@data-flow-id='Flow_MeetingFit_No']/s:text", namespaces=NS)[0]
    assert label.xpath("string()") == "not a fit"
    # BPMNLabel x=841 width=54: the text is centred in that box
    assert float(label.get("x")) == pytest.approx(841 + 54 / 2)


def test_the_view_box_covers_every_shape_and_waypoint():
    x, y, w, h = map(float, parse(render_svg(SEED)).get("viewBox").split())
    tree = etree.fromstring(SEED)
    for b in tree.xpath("//dc:Bounds", namespaces=NS):
        bx, by, bw, bh = (float(b.get(k)) for k in ("x", "y", "width", "height"))
        assert x <= bx and bx + bw <= x + w and y <= by and by + bh <= y + h
    for p in tree.xpath("//di:waypoint", namespaces=NS):
        assert x <= float(p.get("x")) <= x + w and y <= float(p.get("y")) <= y + h
    assert (x, y) == (150 - 20, 60 - 20)  # the pool's corner less the margin


def test_a_task_named_like_a_script_tag_is_written_as_text_not_markup():
    evil = SEED.replace(b'name="Negotiate"', b'name="&lt;script&gt;alert(1)&lt;/script&gt;"')
    evil = evil.replace(b'name="rep"', b'name="&lt;img src=x onerror=alert(2)&gt;"')
    evil = evil.replace(b'name="not a fit"', b'name="&lt;/text&gt;&lt;script&gt;alert(3)&lt;/script&gt;"')
    evil = evil.replace(b'name="Seed 002 sales funnel"', b'name="&quot; onload=&quot;alert(5)"')
    svg = render_svg(evil, current={'"><script>alert(4)</script>'})
    root = parse(svg)
    assert root.xpath("//*[local-name()='script' or local-name()='img']") == []
    assert root.xpath("//@onload | //@onerror") == []
    task = node(root, "Task_Negotiate")
    assert task.findtext(f"{SVG}title") == "<script>alert(1)</script>"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    flow = root.xpath("//s:g[@data-flow-id='Flow_MeetingFit_No']", namespaces=NS)[0]
    assert flow.xpath("string(.//s:tspan)", namespaces=NS).startswith("</text><s")  # cut to its box
    assert root.get("aria-label") == '" onload="alert(5)'
    lane = root.xpath("//s:g[@data-lane-id='Lane_rep']", namespaces=NS)[0]
    assert lane.xpath("string(.//s:text)", namespaces=NS) == "<img src=x onerror=alert(2)>"


def test_an_element_id_with_quotes_and_brackets_stays_inside_its_attribute():
    evil = SEED.replace(b'"Task_Negotiate"', b'"T&quot;&gt;&lt;script&gt;x&lt;/script&gt;"')
    root = parse(render_svg(evil, current={'T"><script>x</script>'}))
    assert root.xpath("//*[local-name()='script']") == []
    assert "current" in classes(node(root, 'T"><script>x</script>'))


def test_the_output_has_no_scripts_styles_or_external_references():
    svg = render_svg(SEED, current={"Task_Negotiate"}, done={"Task_RecordNeed"})
    root = parse(svg)
    tags = {etree.QName(el).localname for el in root.iter() if isinstance(el.tag, str)}
    assert not tags & {"script", "style", "foreignObject", "image", "use", "a"}
    assert not [a for el in root.iter() for a in el.attrib if "href" in a or a.startswith("on")]
    urls = [v for el in root.iter() for v in el.attrib.values() if "url(" in v]
    assert urls and all(v.startswith("url(#dealflow-") for v in urls)


def test_task_kinds_events_and_gateways_are_told_apart():
    root = parse(render_svg(KINDS))
    kinds = {i: classes(node(root, i)) for i in ("User", "Script", "Rule", "Service", "Start", "End",
                                                  "Timer", "Wait", "Xor", "And", "Sub", "Inner")}
    assert {"task", "user-task"} <= kinds["User"] and {"script-task"} <= kinds["Script"]
    assert {"business-rule-task"} <= kinds["Rule"] and {"service-task"} <= kinds["Service"]
    assert {"event", "boundary-event"} <= kinds["Timer"] and {"gateway", "parallel-gateway"} <= kinds["And"]
    assert {"subprocess", "sub-process"} <= kinds["Sub"] and {"task"} <= kinds["Inner"]
    for task in ("User", "Script", "Rule", "Service"):
        assert node(root, task).xpath(".//*[@class='marker']"), task
    assert not node(root, "Inner").xpath(".//*[@class='marker']")
    ring = {i: [float(c.get("stroke-width")) for c in node(root, i).findall(f"{SVG}circle")]
            for i in ("Start", "End", "Wait")}
    assert ring["Start"] == [2] and ring["End"] == [4] and len(ring["Wait"]) == 2
    assert node(root, "Timer").xpath(".//*[@class='marker']"), "a timer shows a clock"
    assert node(root, "Timer").find(f"{SVG}circle").get("stroke-dasharray"), "non-interrupting"
    assert node(root, "Xor").xpath(".//s:path[@class='marker']", namespaces=NS)
    assert node(root, "And").xpath(".//s:path[@class='marker']", namespaces=NS)
    assert node(root, "Sub").xpath("string(.//s:text)", namespaces=NS) == "Offer"


def test_boundary_events_are_drawn_over_their_host_and_subprocesses_under_their_children():
    order = parse(render_svg(KINDS)).xpath("//@data-node-id")
    assert order.index("Timer") > order.index("User")
    assert order.index("Sub") < order.index("Inner")


def test_a_long_task_name_is_wrapped_inside_its_box():
    long_name = b"Record the prospect's evaluation of project two after the second presentation"
    root = parse(render_svg(SEED.replace(b'name="Negotiate"', b'name="' + long_name + b'"')))
    lines = node(root, "Task_Negotiate").xpath(".//s:text/s:tspan/text()", namespaces=NS)
    assert 2 <= len(lines) <= 5
    assert all(len(line) <= 15 for line in lines)
    assert lines[-1].endswith("…") or " ".join(lines) == long_name.decode()


def test_a_file_without_diagram_layout_gives_an_svg_that_says_so():
    svg = render_svg(NO_DI)
    root = parse(svg)
    assert "no-diagram" in classes(root)
    assert root.xpath("string(//s:text)", namespaces=NS) == NO_DI_MESSAGE
    assert root.xpath("//@data-node-id") == []


def test_an_unknown_process_id_is_a_value_error_that_names_the_processes_in_the_file():
    with pytest.raises(ValueError, match=r"no process 'nope'; processes in it: 'seed002_funnel'"):
        render_svg(SEED, "nope")


def test_without_a_process_id_the_first_process_is_drawn():
    assert render_svg(SEED) == render_svg(SEED, "seed002_funnel")


def test_xml_that_does_not_parse_is_a_value_error():
    with pytest.raises(ValueError, match="XML syntax error"):
        render_svg(b"<bpmn:definitions")


def test_odd_di_is_skipped_element_by_element_instead_of_raising():
    odd = (SEED
           .replace(b'<dc:Bounds x="335" y="150" width="100" height="80" />', b"")  # RecordNeed
           .replace(b'<dc:Bounds x="485" y="150" width="100" height="80" />',
                    b'<dc:Bounds x="485" y="abc" width="nan" height="80" />')  # FirstContact
           .replace(b'bpmnElement="Task_FirstMeeting"', b'bpmnElement="Nothing_Here"')
           .replace(b'<di:waypoint x="278" y="190" />', b""))  # a flow left with one point
    root = parse(render_svg(odd))
    drawn = set(root.xpath("//@data-node-id"))
    assert drawn == seed_shapes() - {"Task_RecordNeed", "Task_FirstContact", "Task_FirstMeeting"}
    assert not root.xpath("//*[@data-flow-id='Flow_NewProspect_RecordNeed']")
    assert math.isfinite(sum(map(float, root.get("viewBox").split())))

