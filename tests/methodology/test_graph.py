from engine.methodology.graph import reachable_nodes
from engine.methodology.model import BpmnProcess, FlowNode, SequenceFlow, frozen_map


def process(nodes, flows):
    return BpmnProcess(
        id="p", name="p", path="p.bpmn", line=1, executable=True,
        nodes=frozen_map({n.id: n for n in nodes}),
        flows=tuple(SequenceFlow(f"F{i}", s, t, 1) for i, (s, t) in enumerate(flows)), lanes=())


def node(id, kind="task", **kw):
    return FlowNode(id=id, kind=kind, name=id, line=1, **kw)


def test_nodes_after_the_start_event_are_reachable_and_a_task_without_incoming_flow_is_not():
    p = process([node("S", "startEvent"), node("A"), node("E", "endEvent"), node("X"), node("Y")],
                [("S", "A"), ("A", "E"), ("X", "Y")])
    # BPMN would start X with the process; SpiffWorkflow, which runs it, never does.
    assert reachable_nodes(p) == {"S", "A", "E"}


def test_a_node_only_reached_from_itself_is_unreachable():
    p = process([node("S", "startEvent"), node("A"), node("E", "endEvent"), node("L1"), node("L2")],
                [("S", "A"), ("A", "E"), ("L1", "L2"), ("L2", "L1")])
    assert reachable_nodes(p) == {"S", "A", "E"}


def test_boundary_events_and_what_follows_them_are_reachable_from_their_activity():
    p = process([node("S", "startEvent"), node("A"), node("B", "boundaryEvent", attached_to="A"),
                 node("Chase"), node("E", "endEvent")],
                [("S", "A"), ("A", "E"), ("B", "Chase")])
    assert {"B", "Chase"} <= reachable_nodes(p)


def test_a_subprocess_runs_its_start_and_continues_after_its_end():
    p = process([node("S", "startEvent"), node("Sub", "subProcess"),
                 node("SubStart", "startEvent", parent="Sub"), node("Inner", parent="Sub"),
                 node("SubEnd", "endEvent", parent="Sub"), node("After"), node("E", "endEvent")],
                [("S", "Sub"), ("SubStart", "Inner"), ("Inner", "SubEnd"), ("Sub", "After"), ("After", "E")])
    assert reachable_nodes(p) == {"S", "Sub", "SubStart", "Inner", "SubEnd", "After", "E"}
